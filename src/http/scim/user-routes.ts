import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listPage } from '../../domain/provisioning/list-page.ts';
import { formatEtag } from '../../scim/etag.ts';
import { listResponse, parseListParams, parseSearchRequest, type ListParams } from '../../scim/list-response.ts';
import { createProjection } from '../../scim/project-resource.ts';
import type { StoredUser } from '../../store/store.ts';
import { SCIM_CONTENT_TYPE } from '../render-error.ts';
import { toListRequest } from './list-request.ts';
import { scimContext } from './scim-context.ts';
import type { ScimDeps } from './scim-deps.ts';
import { ifMatch, notModified, sendResource, wantsMinimal } from './send-scim.ts';

type IdRequest = FastifyRequest<{ Params: { directoryId: string; id: string }; Querystring: Record<string, string> }>;

/** `/Users` (RFC 7644 §3.3–3.6). */
export function registerUserRoutes(app: FastifyInstance, deps: ScimDeps) {
  const { config, users, store } = deps;
  const limits = { defaultPageSize: config.limits.defaultPageSize, maxPageSize: config.limits.maxPageSize };
  /** The request's context, built once, and the projection of its attribute lists against the directory's User type. */
  const contextOf = (request: FastifyRequest<{ Querystring: Record<string, string> }>) => {
    const ctx = scimContext(config, request);
    return { ctx, projection: createProjection(ctx.userType, request.query) };
  };

  async function list(request: FastifyRequest, reply: FastifyReply, params: ListParams) {
    const ctx = scimContext(config, request);
    const projection = createProjection(ctx.userType, params);
    const page = await listPage<StoredUser>(store, 'users', ctx.directoryId, ctx.userType, toListRequest(config, ctx.userType, params));
    const resources = page.rows.length > 0 ? await store.read((q) => users.render(ctx, q, page.rows, { withGroups: projection.includes('groups') })) : [];
    const body = listResponse(
      resources.map((r) => projection.apply(r)),
      { totalResults: page.totalResults, startIndex: page.startIndex, itemsPerPage: resources.length, nextCursor: page.nextCursor },
    );
    return reply.type(SCIM_CONTENT_TYPE).send(body);
  }

  app.get('/Users', (request: FastifyRequest<{ Querystring: Record<string, string> }>, reply) => list(request, reply, parseListParams(request.query, limits)));
  app.post('/Users/.search', (request, reply) => list(request, reply, parseSearchRequest(request.body, limits)));

  app.post('/Users', async (request: FastifyRequest<{ Querystring: Record<string, string> }>, reply) => {
    const { ctx, projection } = contextOf(request);
    const created = await users.create(ctx, request.body, { withGroups: projection.includes('groups') });
    reply.header('location', created.resource.meta && (created.resource.meta as { location: string }).location);
    return sendResource(reply, 201, projection.apply(created.resource), created.version);
  });

  app.get('/Users/:id', async (request: IdRequest, reply) => {
    const { ctx, projection } = contextOf(request);
    const found = await users.get(ctx, request.params.id, { withGroups: projection.includes('groups') });
    if (notModified(request, reply, found.version)) return reply;
    return sendResource(reply, 200, projection.apply(found.resource), found.version);
  });

  app.put('/Users/:id', async (request: IdRequest, reply) => {
    const { ctx, projection } = contextOf(request);
    const updated = await users.replace(ctx, request.params.id, request.body, { ifMatch: ifMatch(request) }, { withGroups: projection.includes('groups') });
    return sendResource(reply, 200, projection.apply(updated.resource), updated.version);
  });

  app.patch('/Users/:id', async (request: IdRequest, reply) => {
    const { ctx, projection } = contextOf(request);
    const minimal = wantsMinimal(request);
    const updated = await users.patch(ctx, request.params.id, request.body, { ifMatch: ifMatch(request) }, { withGroups: !minimal && projection.includes('groups') });
    if (minimal) return reply.code(204).header('etag', formatEtag(updated.version)).send();
    return sendResource(reply, 200, projection.apply(updated.resource), updated.version);
  });

  app.delete('/Users/:id', async (request: IdRequest, reply) => {
    await users.remove(scimContext(config, request), request.params.id, { ifMatch: ifMatch(request) });
    return reply.code(204).send();
  });
}
