/**
 * Attribute names of SCIM 1.1 requests (filters, `sortBy`, `attributes`, PATCH `meta.attributes`)
 * translated to the 2.0 names the shared filter compiler, sorter and projection resolve. 1.1 and 2.0
 * share the path grammar `[schemaUrn:]attr[.subAttr]`; only the URNs and the enterprise manager's
 * `managerId` (2.0: `manager.value`) differ.
 */
import type { AttrPath, FilterNode } from '../filter/filter-ast.ts';
import { parseAttrPath } from '../filter/parse-filter.ts';
import { formatAttrPath } from '../filter/resolve-path.ts';
import type { ResourceTypeName } from '../schemas/resource-types.ts';
import { scimErrors, type ScimError } from '../scim-error.ts';
import { isCoreV1, isEnterpriseUrn, toV2Urn } from './v1-urns.ts';

export function translatePathToV2(path: AttrPath, type: ResourceTypeName): AttrPath {
  // The 1.1 core URN names the core attributes, which 2.0 addresses without a prefix.
  const schema = path.schema === undefined || isCoreV1(path.schema) ? undefined : toV2Urn(path.schema, type);
  const isManagerId =
    type === 'User' &&
    path.attr.toLowerCase() === 'manager' &&
    path.subAttr?.toLowerCase() === 'managerid' &&
    (schema === undefined || isEnterpriseUrn(schema));
  return {
    kind: 'attrPath',
    ...(schema !== undefined ? { schema } : {}),
    attr: path.attr,
    ...(path.subAttr !== undefined ? { subAttr: isManagerId ? 'value' : path.subAttr } : {}),
  };
}

/** A parsed 1.1 filter with every attribute path in its 2.0 form; value filters stay relative. */
export function translateFilterToV2(node: FilterNode, type: ResourceTypeName): FilterNode {
  switch (node.kind) {
    case 'compare':
    case 'present':
      return { ...node, path: translatePathToV2(node.path, type) };
    case 'valuePath':
      return { ...node, path: translatePathToV2(node.path, type) };
    case 'logical':
      return { ...node, left: translateFilterToV2(node.left, type), right: translateFilterToV2(node.right, type) };
    case 'not':
      return { ...node, filter: translateFilterToV2(node.filter, type) };
  }
}

/**
 * One attribute name, or a whole schema URN (`attributes=urn:scim:schemas:extension:enterprise:1.0`),
 * in its 2.0 spelling.
 */
export function translateNameToV2(text: string, type: ResourceTypeName, fail: (detail: string) => ScimError = scimErrors.invalidValue): string {
  const name = text.trim();
  if (/^urn:/i.test(name) && toV2Urn(name, type) !== name) return toV2Urn(name, type);
  return formatAttrPath(translatePathToV2(parseAttrPath(name, fail), type));
}

/** A comma-separated list (`attributes=userName,emails`), each name translated. */
export function translateNameListToV2(text: string, type: ResourceTypeName): string {
  return text
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '')
    .map((n) => translateNameToV2(n, type))
    .join(',');
}
