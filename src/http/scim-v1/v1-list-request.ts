import type { RosterConfig } from '../../config/load-config.ts';
import { parseScimFilter } from '../../scim/filter/parse-filter.ts';
import type { ScimListQuery } from '../../scim/list-query.ts';
import { parseListParams } from '../../scim/list-response.ts';
import type { ProjectionParams } from '../../scim/project-resource.ts';
import type { ResourceTypeDef } from '../../scim/schemas/resource-types.ts';
import { translateFilterToV2, translateNameListToV2, translateNameToV2 } from '../../scim/v1/translate-path.ts';
import { listQuery } from '../scim/list-request.ts';

export interface V1ListRequest {
  readonly query: ScimListQuery;
  readonly projection: ProjectionParams;
  readonly startIndex: number;
}

/**
 * `GET /Users` and `GET /Groups` parameters of SCIM 1.1 (draft-scim-api-01 §3.2.2: `filter`,
 * `sortBy`, `sortOrder`, `startIndex`, `count`, `attributes`), with every attribute name translated
 * to 2.0 so the shared filter compiler, sorter and projection resolve them. 1.1 has no cursor paging.
 */
export function toV1ListRequest(config: RosterConfig, type: ResourceTypeDef, query: Readonly<Record<string, string | undefined>>): V1ListRequest {
  const params = parseListParams(query, { defaultPageSize: config.limits.defaultPageSize, maxPageSize: config.limits.maxPageSize });
  const sortBy = params.sortBy === undefined ? undefined : translateNameToV2(params.sortBy, type.name);
  const base = listQuery(config, type, { startIndex: params.startIndex, count: params.count, sortOrder: params.sortOrder, ...(sortBy ? { sortBy } : {}) });
  const filter = params.filter === undefined
    ? undefined
    : translateFilterToV2(parseScimFilter(params.filter, { maxLength: config.limits.filterMaxLength, maxDepth: config.limits.filterMaxDepth, maxMultiValuedTerms: config.limits.filterMaxMultiValuedTerms, resourceType: type }), type.name);
  return { query: { ...base, filter }, projection: v1ProjectionParams(type, params), startIndex: params.startIndex };
}

/** `attributes` (and, beyond 1.1, `excludedAttributes`) in 2.0 names, for a single-resource request too. */
export function v1ProjectionParams(type: ResourceTypeDef, params: ProjectionParams): ProjectionParams {
  return {
    ...(params.attributes ? { attributes: translateNameListToV2(params.attributes, type.name) } : {}),
    ...(params.excludedAttributes ? { excludedAttributes: translateNameListToV2(params.excludedAttributes, type.name) } : {}),
  };
}

/** The projection parameters of a query string, names matched ignoring case like the list parameters. */
export function queryProjection(config: RosterConfig, type: ResourceTypeDef, query: Readonly<Record<string, string | undefined>>): ProjectionParams {
  return v1ProjectionParams(type, parseListParams(query, { defaultPageSize: config.limits.defaultPageSize, maxPageSize: config.limits.maxPageSize }));
}
