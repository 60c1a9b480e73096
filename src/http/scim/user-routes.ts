import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatEtag } from '../../scim/etag.ts';
import { createProjection, type ProjectionParams } from '../../scim/project-resource.ts';
import { listUsers, sendEntry, userEntry, type Pipeline } from './list-pipeline.ts';
import { listParams, listQuery } from './list-request.ts';
import { v2Representation } from './representation.ts';
import { scimContext } from './scim-context.ts';
import type { ScimDeps } from './scim-deps.ts';
import { ifMatch, notModified, wantsMinimal } from './send-scim.ts';

type Request = FastifyRequest<{ Querystring: Record<string, string> }>;
type IdRequest = FastifyRequest<{ Params: { directoryId: string; id: string }; Querystring: Record<string, string> }>;

/** `/Users` (RFC 7644 §3.3–3.6): each route is one domain call, rendered. */
export function registerUserRoutes(app: FastifyInstance, deps: ScimDeps) {
  const { config, services } = deps;
  const { users } = services;

  /** The request's context, built once, and the projection of its attribute lists. */
  function pipeline(request: Request, projectionParams: ProjectionParams = request.query): Pipeline {
    const ctx = scimContext(config, request);
    return { services, ctx, projection: createProjection(ctx.userType, projectionParams), representation: v2Representation };
  }
  const read = (p: Pipeline) => ({ withGroups: p.projection.includes('groups') });

  async function list(request: Request, reply: FastifyReply, source: 'query' | 'search') {
    const params = listParams(config, request, source);
    const p = pipeline(request, params);
    return listUsers(reply, p, listQuery(config, p.ctx.userType, params), params);
  }

  app.get('/Users', (request: Request, reply) => list(request, reply, 'query'));
  app.post('/Users/.search', (request: Request, reply) => list(request, reply, 'search'));

  app.post('/Users', async (request: Request, reply) => {
    const p = pipeline(request);
    const created = await users.create(p.ctx, request.body, read(p));
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
    const updated = await users.replace(p.ctx, request.params.id, request.body, { ifMatch: ifMatch(request) }, read(p));
    return sendEntry(reply, 200, userEntry(p, updated), updated.user.version);
  });

  app.patch('/Users/:id', async (request: IdRequest, reply) => {
    const p = pipeline(request);
    const minimal = wantsMinimal(request);
    const updated = await users.patch(p.ctx, request.params.id, request.body, { ifMatch: ifMatch(request) }, { withGroups: !minimal && read(p).withGroups });
    if (minimal) return reply.code(204).header('etag', formatEtag(updated.user.version)).send();
    return sendEntry(reply, 200, userEntry(p, updated), updated.user.version);
  });

  app.delete('/Users/:id', async (request: IdRequest, reply) => {
    await users.remove(scimContext(config, request), request.params.id, { ifMatch: ifMatch(request) });
    return reply.code(204).send();
  });
}
