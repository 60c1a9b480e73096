import type { RosterConfig } from '../../config/load-config.ts';
import type { ListRequest } from '../../domain/provisioning/list-page.ts';
import { checkCursorUse } from '../../domain/provisioning/paging.ts';
import { parseAttrPath, parseScimFilter } from '../../scim/filter/parse-filter.ts';
import { resolveAttrPath } from '../../scim/filter/resolve-path.ts';
import type { ListParams } from '../../scim/list-response.ts';
import type { ResourceTypeDef } from '../../scim/schemas/resource-types.ts';
import { scimErrors } from '../../scim/scim-error.ts';

/** Turns validated list parameters into the domain's list request: filter parsed, sortBy resolved. */
export function toListRequest(config: RosterConfig, type: ResourceTypeDef, params: ListParams): ListRequest {
  const filter = params.filter?.trim()
    ? parseScimFilter(params.filter, { maxLength: config.limits.filterMaxLength, maxDepth: config.limits.filterMaxDepth, maxMultiValuedTerms: config.limits.filterMaxMultiValuedTerms, resourceType: type })
    : undefined;
  let sortBy;
  if (params.sortBy?.trim()) {
    sortBy = parseAttrPath(params.sortBy.trim(), scimErrors.invalidValue);
    resolveAttrPath(type, sortBy, 'sort');
  }
  const request: ListRequest = {
    filter,
    sortBy,
    descending: params.sortOrder === 'descending',
    startIndex: params.startIndex,
    count: params.count,
    cursor: params.cursor,
  };
  checkCursorUse({ ...request, sortBy: params.sortBy?.trim() || undefined });
  return request;
}
