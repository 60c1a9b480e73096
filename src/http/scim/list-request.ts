import type { FastifyRequest } from 'fastify';
import type { RosterConfig } from '../../config/load-config.ts';
import { toListQuery, type ScimListQuery } from '../../scim/list-query.ts';
import { parseListParams, parseSearchRequest, type ListParams } from '../../scim/list-response.ts';
import type { ResourceTypeDef } from '../../scim/schemas/resource-types.ts';

/** The list parameters of a request: its query string on GET, its SearchRequest body on POST `.search`. */
export function listParams(config: RosterConfig, request: FastifyRequest<{ Querystring: Record<string, string> }>, source: 'query' | 'search'): ListParams {
  const limits = { defaultPageSize: config.limits.defaultPageSize, maxPageSize: config.limits.maxPageSize };
  return source === 'query' ? parseListParams(request.query, limits) : parseSearchRequest(request.body, limits);
}

/** The domain's list query for one resource type, with the configured filter limits. */
export function listQuery(config: RosterConfig, type: ResourceTypeDef, params: ListParams): ScimListQuery {
  return toListQuery(type, params, config.limits);
}
