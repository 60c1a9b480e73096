import type { FastifyInstance, FastifyRequest } from 'fastify';
import { listPage } from '../../domain/provisioning/list-page.ts';
import { createProjection } from '../../scim/project-resource.ts';
import { patchToV2 } from '../../scim/v1/translate-patch.ts';
import { resourceToV1, resourceToV2 } from '../../scim/v1/translate-resource.ts';
import { v1ListResponse } from '../../scim/v1/v1-list-response.ts';
import type { StoredUser } from '../../store/store.ts';
import { ifMatch, notModified, sendResource } from '../scim/send-scim.ts';
import type { ScimDeps } from '../scim/scim-deps.ts';
import { v1Context } from './v1-context.ts';
import { queryProjection, toV1ListRequest } from './v1-list-request.ts';
import { V1_CONTENT_TYPE } from './send-v1.ts';

type Query = Record<string, string>;
type IdRequest = FastifyRequest<{ Params: { directoryId: string; id: string }; Querystring: Query }>;

/**
 * `/Users` of SCIM 1.1 (draft-scim-api-01 §3): each request translated to 2.0 and run through the
 * same provisioning calls as `/scim/v2`, each answer translated back. Nothing here touches storage.
 */
export function registerV1UserRoutes(app: FastifyInstance, deps: ScimDeps) {
  const { config, users, store } = deps;

  function prepare(request: FastifyRequest<{ Querystring: Query }>) {
    const ctx = v1Context(config, request);
    const projection = createProjection(ctx.userType, queryProjection(config, ctx.userType, request.query));
    const toV1 = (resource: Record<string, unknown>) => resourceToV1(projection.apply(resource), 'User', ctx);
    return { ctx, projection, toV1, read: { withGroups: projection.includes('groups') } };
  }

  app.get('/Users', async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
    const ctx = v1Context(config, request);
    const list = toV1ListRequest(config, ctx.userType, request.query);
    const projection = createProjection(ctx.userType, list.projection);
    const page = await listPage<StoredUser>(store, 'users', ctx.directoryId, ctx.userType, list.request);
    const rendered = page.rows.length > 0 ? await store.read((q) => users.render(ctx, q, page.rows, { withGroups: projection.includes('groups') })) : [];
    const resources = rendered.map((r) => resourceToV1(projection.apply(r), 'User', ctx));
    return reply.type(V1_CONTENT_TYPE).send(v1ListResponse(resources, { totalResults: page.totalResults, startIndex: list.startIndex }));
  });

  app.post('/Users', async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
    const { ctx, toV1, read } = prepare(request);
    const created = await users.create(ctx, resourceToV2(request.body, 'User'), read);
    const body = toV1(created.resource);
    reply.header('location', `${ctx.baseUrl}/Users/${String(created.resource.id)}`);
    return sendResource(reply, 201, body, created.version);
  });

  app.get('/Users/:id', async (request: IdRequest, reply) => {
    const { ctx, toV1, read } = prepare(request);
    const found = await users.get(ctx, request.params.id, read);
    if (notModified(request, reply, found.version)) return reply;
    return sendResource(reply, 200, toV1(found.resource), found.version);
  });

  app.put('/Users/:id', async (request: IdRequest, reply) => {
    const { ctx, toV1, read } = prepare(request);
    const updated = await users.replace(ctx, request.params.id, resourceToV2(request.body, 'User'), { ifMatch: ifMatch(request) }, read);
    return sendResource(reply, 200, toV1(updated.resource), updated.version);
  });

  // Okta's 1.1 apps expect the updated user in the answer (deactivation, reactivation, password push).
  app.patch('/Users/:id', async (request: IdRequest, reply) => {
    const { ctx, toV1, read } = prepare(request);
    const updated = await users.patch(ctx, request.params.id, patchToV2(request.body, ctx.userType), { ifMatch: ifMatch(request) }, read);
    return sendResource(reply, 200, toV1(updated.resource), updated.version);
  });

  app.delete('/Users/:id', async (request: IdRequest, reply) => {
    await users.remove(v1Context(config, request), request.params.id, { ifMatch: ifMatch(request) });
    return reply.code(204).send();
  });
}
