import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formatEtag } from '../../scim/etag.ts';
import { createProjection } from '../../scim/project-resource.ts';
import { patchToV2 } from '../../scim/v1/translate-patch.ts';
import { resourceToV2 } from '../../scim/v1/translate-resource.ts';
import { groupEntry, listGroups, sendEntry, type Pipeline } from '../scim/list-pipeline.ts';
import { v1Representation } from '../scim/representation.ts';
import { ifMatch, notModified, wantsRepresentation } from '../scim/send-scim.ts';
import type { ScimDeps } from '../scim/scim-deps.ts';
import { v1Context } from './v1-context.ts';
import { queryProjection, toV1ListRequest } from './v1-list-request.ts';

type Query = Record<string, string>;
type IdRequest = FastifyRequest<{ Params: { directoryId: string; id: string }; Querystring: Query }>;

/**
 * `/Groups` of SCIM 1.1, translated over the same domain calls and list pipeline as `/scim/v2`.
 * Members are streamed from their table (translated one by one) and only when the projection
 * includes them.
 */
export function registerV1GroupRoutes(app: FastifyInstance, deps: ScimDeps) {
  const { config, services } = deps;
  const { groups } = services;

  /** The request's context, built once, and its projection (the query's lists unless given, e.g. a list's). */
  function pipeline(request: FastifyRequest<{ Querystring: Query }>, ctx = v1Context(config, request), projection = queryProjection(config, ctx.groupType, request.query)): Pipeline {
    return { services, ctx, projection: createProjection(ctx.groupType, projection), representation: v1Representation(ctx.baseUrl) };
  }

  app.get('/Groups', async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
    const ctx = v1Context(config, request);
    const list = toV1ListRequest(config, ctx.groupType, request.query);
    return listGroups(reply, pipeline(request, ctx, list.projection), list.query);
  });

  app.post('/Groups', async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
    const p = pipeline(request);
    const created = await groups.create(p.ctx, resourceToV2(request.body, 'Group'));
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
    const updated = await groups.replace(p.ctx, request.params.id, resourceToV2(request.body, 'Group'), { ifMatch: ifMatch(request) });
    return sendEntry(reply, 200, groupEntry(p, updated), updated.version);
  });

  /**
   * 204 unless the client asks for the group (draft-scim-api-01 §3.3.2 allows either; Okta accepts
   * 204): answering every member delta with all members would make a delta cost O(group size).
   */
  app.patch('/Groups/:id', async (request: IdRequest, reply) => {
    const p = pipeline(request);
    const updated = await groups.patch(p.ctx, request.params.id, patchToV2(request.body, p.ctx.groupType), { ifMatch: ifMatch(request) });
    if (!wantsRepresentation(request)) return reply.code(204).header('etag', formatEtag(updated.version)).send();
    return sendEntry(reply, 200, groupEntry(p, updated), updated.version);
  });

  app.delete('/Groups/:id', async (request: IdRequest, reply) => {
    await groups.remove(v1Context(config, request), request.params.id, { ifMatch: ifMatch(request) });
    return reply.code(204).send();
  });
}
