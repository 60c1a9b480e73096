import { decodeCursor, type CursorPosition } from './cursor.ts';
import type { AttrPath, FilterNode } from './filter/filter-ast.ts';
import { parseAttrPath, parseScimFilter } from './filter/parse-filter.ts';
import { resolveAttrPath } from './filter/resolve-path.ts';
import type { ListParams } from './list-response.ts';
import type { ResourceTypeDef } from './schemas/resource-types.ts';
import { scimErrors } from './scim-error.ts';

export interface FilterLimits {
  readonly filterMaxLength: number;
  readonly filterMaxDepth: number;
  /** Terms that reach into multi-valued attributes: each costs a scan of the elements on SQLite. */
  readonly filterMaxMultiValuedTerms?: number;
}

/** A list request with its filter parsed, its sort resolved and its cursor decoded. */
export interface ScimListQuery {
  readonly filter?: FilterNode;
  readonly sortBy?: AttrPath;
  readonly descending: boolean;
  readonly startIndex: number;
  readonly count: number;
  /** Cursor paging: after this position, or from the start when null. Undefined: index paging. */
  readonly cursor?: CursorPosition | null;
}

/** What a cursor is bound to: the sort it was issued for. */
export function cursorSort(params: Pick<ListParams, 'sortBy' | 'sortOrder'>): string {
  return params.sortBy ? `${params.sortBy.toLowerCase()} ${params.sortOrder}` : '';
}

/** Turns validated list parameters into a query on one resource type (RFC 7644 §3.4.2, RFC 9865). */
export function toListQuery(type: ResourceTypeDef, params: ListParams, limits: FilterLimits): ScimListQuery {
  const filter = params.filter?.trim() ? parseScimFilter(params.filter, { maxLength: limits.filterMaxLength, maxDepth: limits.filterMaxDepth, maxMultiValuedTerms: limits.filterMaxMultiValuedTerms, resourceType: type }) : undefined;
  let sortBy: AttrPath | undefined;
  if (params.sortBy?.trim()) {
    sortBy = parseAttrPath(params.sortBy.trim(), scimErrors.invalidValue);
    resolveAttrPath(type, sortBy, 'sort');
  }
  const query = { filter, sortBy, descending: params.sortOrder === 'descending', startIndex: params.startIndex, count: params.count };
  if (params.cursor === undefined) return query;
  return { ...query, cursor: params.cursor === '' ? null : decodeCursor(params.cursor, cursorSort(params)) };
}
