import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatEtag } from '../../scim/etag.ts';
import { createProjection, type ProjectionParams } from '../../scim/project-resource.ts';
import { groupEntry, listGroups, sendEntry, type Pipeline } from './list-pipeline.ts';
import { listParams, listQuery } from './list-request.ts';
import { v2Representation } from './representation.ts';
import { scimContext } from './scim-context.ts';
import type { ScimDeps } from './scim-deps.ts';
import { ifMatch, notModified, wantsRepresentation } from './send-scim.ts';

type Request = FastifyRequest<{ Querystring: Record<string, string> }>;
type IdRequest = FastifyRequest<{ Params: { directoryId: string; id: string }; Querystring: Record<string, string> }>;

/**
 * `/Groups` (RFC 7644 §3.3–3.6). Members are streamed from their table and only when the projection
 * includes them: `excludedAttributes=members` never reads the membership table.
 */
export function registerGroupRoutes(app: FastifyInstance, deps: ScimDeps) {
  const { config, services } = deps;
  const { groups } = services;

  function pipeline(request: Request, projectionParams: ProjectionParams = request.query): Pipeline {
    const ctx = scimContext(config, request);
    return { services, ctx, projection: createProjection(ctx.groupType, projectionParams), representation: v2Representation };
  }

  async function list(request: Request, reply: FastifyReply, source: 'query' | 'search') {
    const params = listParams(config, request, source);
    const p = pipeline(request, params);
    return listGroups(reply, p, listQuery(config, p.ctx.groupType, params), params);
  }

  app.get('/Groups', (request: Request, reply) => list(request, reply, 'query'));
  app.post('/Groups/.search', (request: Request, reply) => list(request, reply, 'search'));

  app.post('/Groups', async (request: Request, reply) => {
    const p = pipeline(request);
    const created = await groups.create(p.ctx, request.body);
    reply.header('location', `${p.ctx.baseUrl}/Groups/${created.id}`);
    return sendEntry(reply, 201, groupEntry(p, created), created.version);
  });

  app.get('/Groups/:id', async (request: IdRequest, reply) => {
    const p = pipeline(request);
    const found = await groups.get(p.ctx, request.params.id);
    if (notModified(request, reply, found.version)) return reply;
    return sendEntry(reply, 200, groupEntry(p, found), found.version);
  });

  app.put('/Groups/:id', async (request: IdRequest, reply) => {
    const p = pipeline(request);
    const updated = await groups.replace(p.ctx, request.params.id, request.body, { ifMatch: ifMatch(request) });
    return sendEntry(reply, 200, groupEntry(p, updated), updated.version);
  });

  /**
   * A group PATCH answers 204 (RFC 7644 §3.5.2 allows it; Entra expects it, Okta accepts it) unless
   * the client asks for the group: returning every member of a 100,000-member group after each
   * 100-member delta would make a delta cost O(group size). `attributes`/`excludedAttributes` or
   * `Prefer: return=representation` asks for the body.
   */
  app.patch('/Groups/:id', async (request: IdRequest, reply) => {
    const p = pipeline(request);
    const updated = await groups.patch(p.ctx, request.params.id, request.body, { ifMatch: ifMatch(request) });
    if (!wantsRepresentation(request)) return reply.code(204).header('etag', formatEtag(updated.version)).send();
    return sendEntry(reply, 200, groupEntry(p, updated), updated.version);
  });

  app.delete('/Groups/:id', async (request: IdRequest, reply) => {
    await groups.remove(scimContext(config, request), request.params.id, { ifMatch: ifMatch(request) });
    return reply.code(204).send();
  });
}
