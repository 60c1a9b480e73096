import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createProjection } from '../../scim/project-resource.ts';
import { patchToV2 } from '../../scim/v1/translate-patch.ts';
import { resourceToV2 } from '../../scim/v1/translate-resource.ts';
import { listUsers, sendEntry, userEntry, type Pipeline } from '../scim/list-pipeline.ts';
import { v1Representation } from '../scim/representation.ts';
import { ifMatch, notModified } from '../scim/send-scim.ts';
import type { ScimDeps } from '../scim/scim-deps.ts';
import { v1Context } from './v1-context.ts';
import { queryProjection, toV1ListRequest } from './v1-list-request.ts';

type Query = Record<string, string>;
type IdRequest = FastifyRequest<{ Params: { directoryId: string; id: string }; Querystring: Query }>;

/**
 * `/Users` of SCIM 1.1 (draft-scim-api-01 §3): each request translated to 2.0 and run through the
 * same domain calls and list pipeline as `/scim/v2`, each answer translated back.
 */
export function registerV1UserRoutes(app: FastifyInstance, deps: ScimDeps) {
  const { config, services } = deps;
  const { users } = services;

  /** The request's context, built once, and its projection (the query's lists unless given, e.g. a list's). */
  function pipeline(request: FastifyRequest<{ Querystring: Query }>, ctx = v1Context(config, request), projection = queryProjection(config, ctx.userType, request.query)): Pipeline {
    return { services, ctx, projection: createProjection(ctx.userType, projection), representation: v1Representation(ctx.baseUrl) };
  }
  const read = (p: Pipeline) => ({ withGroups: p.projection.includes('groups') });

  app.get('/Users', async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
    const ctx = v1Context(config, request);
    const list = toV1ListRequest(config, ctx.userType, request.query);
    return listUsers(reply, pipeline(request, ctx, list.projection), list.query);
  });

  app.post('/Users', async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
    const p = pipeline(request);
    const created = await users.create(p.ctx, resourceToV2(request.body, 'User'), read(p));
    reply.header('location', `${p.ctx.baseUrl}/Users/${created.user.id}`);
    return sendEntry(reply, 201, userEntry(p, created), created.user.version);
  });

  app.get('/Users/:id', async (request: IdRequest, reply) => {
    const p = pipeline(request);
    const found = await users.get(p.ctx, request.params.id, read(p));
    if (notModified(request, reply, found.user.version)) return reply;
    return sendEntry(reply, 200, userEntry(p, found), found.user.version);
  });

  app.put('/Users/:id', async (request: IdRequest, reply) => {
    const p = pipeline(request);
    const updated = await users.replace(p.ctx, request.params.id, resourceToV2(request.body, 'User'), { ifMatch: ifMatch(request) }, read(p));
    return sendEntry(reply, 200, userEntry(p, updated), updated.user.version);
  });

  // Okta's 1.1 apps expect the updated user in the answer (deactivation, reactivation, password push).
  app.patch('/Users/:id', async (request: IdRequest, reply) => {
    const p = pipeline(request);
    const updated = await users.patch(p.ctx, request.params.id, patchToV2(request.body, p.ctx.userType), { ifMatch: ifMatch(request) }, read(p));
    return sendEntry(reply, 200, userEntry(p, updated), updated.user.version);
  });

  app.delete('/Users/:id', async (request: IdRequest, reply) => {
    await users.remove(v1Context(config, request), request.params.id, { ifMatch: ifMatch(request) });
    return reply.code(204).send();
  });
}
