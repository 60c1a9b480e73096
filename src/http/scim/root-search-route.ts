import type { FastifyInstance, FastifyRequest } from 'fastify';
import { streamMembers } from '../../domain/provisioning/create-group-provisioning.ts';
import { listPage, type ListRequest } from '../../domain/provisioning/list-page.ts';
import { LIST_RESPONSE_SCHEMA, parseSearchRequest, type ListParams } from '../../scim/list-response.ts';
import { createProjection } from '../../scim/project-resource.ts';
import { groupResourceType, type ResourceTypeDef } from '../../scim/schemas/resource-types.ts';
import { ScimError, scimErrors } from '../../scim/scim-error.ts';
import type { StoredGroup, StoredUser } from '../../store/store.ts';
import { SCIM_CONTENT_TYPE } from '../render-error.ts';
import { toListRequest } from './list-request.ts';
import { scimContext } from './scim-context.ts';
import type { ScimDeps } from './scim-deps.ts';

/**
 * Parses the request for one resource type. A filter or attribute list naming an attribute this type
 * lacks means "nothing of this type matches", not an error for the whole search.
 */
function forType(deps: ScimDeps, type: ResourceTypeDef, params: ListParams): { request: ListRequest; projection: ReturnType<typeof createProjection> } | undefined {
  try {
    return { request: toListRequest(deps.config, type, params), projection: createProjection(type, params) };
  } catch (error) {
    if (error instanceof ScimError && (error.scimType === 'invalidFilter' || error.scimType === 'invalidValue')) return undefined;
    throw error;
  }
}

/**
 * `POST /.search` at the service root (RFC 7644 §3.4.3): Users, then Groups, paged as one list.
 * Cursor paging is per resource type, so it is refused here.
 */
export function registerRootSearchRoute(app: FastifyInstance, deps: ScimDeps) {
  const { config, store, users, groups } = deps;
  const limits = { defaultPageSize: config.limits.defaultPageSize, maxPageSize: config.limits.maxPageSize };

  app.post('/.search', async (request: FastifyRequest, reply) => {
    const params = parseSearchRequest(request.body, limits);
    if (params.cursor !== undefined) throw scimErrors.invalidValue('cursor paging is available on /Users/.search and /Groups/.search');
    const ctx = scimContext(config, request);
    const u = forType(deps, ctx.userType, params);
    const g = forType(deps, groupResourceType, params);
    if (!u && !g) toListRequest(config, ctx.userType, params); // neither type knows the filter: report the users error

    const userPage = u ? await listPage<StoredUser>(store, 'users', ctx.directoryId, ctx.userType, u.request) : { totalResults: 0, rows: [] };
    const remaining = params.count - userPage.rows.length;
    const groupStart = Math.max(1, params.startIndex - userPage.totalResults);
    const groupPage = g ? await listPage<StoredGroup>(store, 'groups', ctx.directoryId, groupResourceType, { ...g.request, startIndex: groupStart, count: remaining }) : { totalResults: 0, rows: [] };

    const resources: unknown[] = [];
    if (u && userPage.rows.length > 0) {
      const rendered = await store.read((q) => users.render(ctx, q, userPage.rows, { withGroups: u.projection.includes('groups') }));
      resources.push(...rendered.map((r) => u.projection.apply(r)));
    }
    for (const row of groupPage.rows) {
      const body = g!.projection.apply(groups.render(ctx, row));
      if (g!.projection.includes('members')) {
        const members = [];
        for await (const m of streamMembers(store, ctx, row.id)) members.push(m);
        body.members = members;
      }
      resources.push(body);
    }
    return reply.type(SCIM_CONTENT_TYPE).send({
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults: userPage.totalResults + groupPage.totalResults,
      startIndex: params.startIndex,
      itemsPerPage: resources.length,
      Resources: resources,
    });
  });
}
