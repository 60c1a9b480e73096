import { findAttribute, type ResourceTypeDef } from '../schemas/resource-types.ts';
import type { AttrPath, FilterNode } from './filter-ast.ts';

/**
 * How many terms of a filter reach into multi-valued attributes: each value filter (`emails[…]`,
 * counted once whatever it holds) and each comparison or `pr` on a multi-valued attribute
 * (`emails co "x"`, `members.value eq "…"`, a user's `groups`). On SQLite each such term is a walk
 * of a JSON array (`json_each`) or of the membership table for every candidate row, and
 * better-sqlite3 runs synchronously: a 2,000-character filter of `co` terms over `emails` held every
 * directory's requests for 2.4 s (issue 8). Single-valued terms compare a column or one JSON value.
 *
 * A name qualified by a URN the type does not know (a SCIM 1.1 name such as
 * `urn:scim:schemas:core:1.0:emails`, translated later) is counted by its attribute name alone, so
 * no spelling escapes the bound.
 */
export function countMultiValuedTerms(type: ResourceTypeDef, node: FilterNode): number {
  switch (node.kind) {
    case 'logical':
      return countMultiValuedTerms(type, node.left) + countMultiValuedTerms(type, node.right);
    case 'not':
      return countMultiValuedTerms(type, node.filter);
    case 'valuePath':
      return 1;
    case 'compare':
    case 'present':
      return isMultiValued(type, node.path) ? 1 : 0;
  }
}

function isMultiValued(type: ResourceTypeDef, path: AttrPath): boolean {
  const found = findAttribute(type, path.schema, path.attr) ?? (path.schema !== undefined ? findAttribute(type, undefined, path.attr) : undefined);
  return found?.def.multiValued ?? false;
}
