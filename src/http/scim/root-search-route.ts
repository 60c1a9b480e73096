import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createProjection, type Projection } from '../../scim/project-resource.ts';
import type { ResourceTypeDef } from '../../scim/schemas/resource-types.ts';
import { ScimError, scimErrors } from '../../scim/scim-error.ts';
import { groupEntry, sendList, userEntry, type Pipeline } from './list-pipeline.ts';
import { listParams, listQuery } from './list-request.ts';
import { v2Representation } from './representation.ts';
import { scimContext } from './scim-context.ts';
import type { ScimDeps } from './scim-deps.ts';

/**
 * `POST /.search` at the service root (RFC 7644 §3.4.3): Users, then Groups, paged as one list.
 * Cursor paging is per resource type, so it is refused here.
 */
export function registerRootSearchRoute(app: FastifyInstance, deps: ScimDeps) {
  const { config, services } = deps;

  app.post('/.search', async (request: FastifyRequest<{ Querystring: Record<string, string> }>, reply) => {
    const params = listParams(config, request, 'search');
    if (params.cursor !== undefined) throw scimErrors.invalidValue('cursor paging is available on /Users/.search and /Groups/.search');
    const ctx = scimContext(config, request);

    /**
     * The query and projection for one type. An attribute list naming an attribute this type lacks,
     * like a filter that does, means "nothing of this type matches", not an error for the search.
     */
    const forType = (type: ResourceTypeDef): { pipeline: Pipeline; query: ReturnType<typeof listQuery> } | ScimError => {
      try {
        const projection: Projection = createProjection(type, params);
        return { pipeline: { services, ctx, projection, representation: v2Representation }, query: listQuery(config, type, params) };
      } catch (error) {
        if (error instanceof ScimError && (error.scimType === 'invalidFilter' || error.scimType === 'invalidValue')) return error;
        throw error;
      }
    };
    const u = forType(ctx.userType);
    const g = forType(ctx.groupType);
    if (u instanceof ScimError && g instanceof ScimError) throw u;
    const users = u instanceof ScimError ? undefined : u;
    const groups = g instanceof ScimError ? undefined : g;

    const found = await services.search(
      ctx,
      { users: users?.query, groups: groups?.query, startIndex: params.startIndex, count: params.count },
      { withGroups: users?.pipeline.projection.includes('groups') ?? false },
    );
    const entries = [...found.users.map((v) => userEntry(users!.pipeline, v)), ...found.groups.map((gr) => groupEntry(groups!.pipeline, gr))];
    const p = (users ?? groups)!.pipeline;
    return sendList(reply, p, { totalResults: found.totalResults, startIndex: params.startIndex }, entries);
  });
}
