import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { streamMembers } from '../../domain/provisioning/create-group-provisioning.ts';
import { listPage } from '../../domain/provisioning/list-page.ts';
import { formatEtag } from '../../scim/etag.ts';
import { createProjection, type Projection } from '../../scim/project-resource.ts';
import { patchToV2 } from '../../scim/v1/translate-patch.ts';
import { referenceToV1, resourceToV1, resourceToV2 } from '../../scim/v1/translate-resource.ts';
import { v1ListHead } from '../../scim/v1/v1-list-response.ts';
import type { StoredGroup } from '../../store/store.ts';
import { ifMatch, notModified, sendResource, sendStream, wantsRepresentation, streamWithMembers } from '../scim/send-scim.ts';
import type { ScimDeps } from '../scim/scim-deps.ts';
import { v1Context, type V1Context } from './v1-context.ts';
import { queryProjection, toV1ListRequest } from './v1-list-request.ts';

type Query = Record<string, string>;
type IdRequest = FastifyRequest<{ Params: { directoryId: string; id: string }; Querystring: Query }>;

/**
 * `/Groups` of SCIM 1.1, translated over the same provisioning calls as `/scim/v2`. Members are
 * streamed from their table (translated one by one) and only when the projection includes them.
 */
export function registerV1GroupRoutes(app: FastifyInstance, deps: ScimDeps) {
  const { config, groups, store } = deps;

  function v1Members(ctx: V1Context, groupId: string) {
    return async function* () {
      for await (const member of streamMembers(store, ctx, groupId)) yield referenceToV1(member);
    };
  }

  /** The group in 1.1 form; the body streams when members are shown. */
  function send(reply: FastifyReply, ctx: V1Context, status: number, projection: Projection, found: { resource: Record<string, unknown>; version: number }) {
    const body = resourceToV1(projection.apply(found.resource), 'Group', ctx);
    if (!projection.includes('members')) return sendResource(reply, status, body, found.version);
    return sendStream(reply, status, streamWithMembers(body, v1Members(ctx, found.resource.id as string)), found.version);
  }

  function prepare(request: FastifyRequest<{ Querystring: Query }>) {
    const ctx = v1Context(config, request);
    return { ctx, projection: createProjection(ctx.groupType, queryProjection(config, ctx.groupType, request.query)) };
  }

  async function* listBody(ctx: V1Context, projection: Projection, page: { totalResults: number; rows: StoredGroup[] }, startIndex: number) {
    yield v1ListHead({ totalResults: page.totalResults, itemsPerPage: page.rows.length, startIndex });
    for (const [i, row] of page.rows.entries()) {
      const body = resourceToV1(projection.apply(groups.render(ctx, row)), 'Group', ctx);
      if (i > 0) yield ',';
      if (projection.includes('members')) yield* streamWithMembers(body, v1Members(ctx, row.id));
      else yield JSON.stringify(body);
    }
    yield ']}';
  }

  app.get('/Groups', async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
    const ctx = v1Context(config, request);
    const list = toV1ListRequest(config, ctx.groupType, request.query);
    const projection = createProjection(ctx.groupType, list.projection);
    const page = await listPage<StoredGroup>(store, 'groups', ctx.directoryId, ctx.groupType, list.request);
    return sendStream(reply, 200, listBody(ctx, projection, page, list.startIndex));
  });

  app.post('/Groups', async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
    const { ctx, projection } = prepare(request);
    const created = await groups.create(ctx, resourceToV2(request.body, 'Group'));
    reply.header('location', `${ctx.baseUrl}/Groups/${String(created.resource.id)}`);
    return send(reply, ctx, 201, projection, created);
  });

  app.get('/Groups/:id', async (request: IdRequest, reply) => {
    const { ctx, projection } = prepare(request);
    const found = await groups.get(ctx, request.params.id);
    if (notModified(request, reply, found.version)) return reply;
    return send(reply, ctx, 200, projection, found);
  });

  app.put('/Groups/:id', async (request: IdRequest, reply) => {
    const { ctx, projection } = prepare(request);
    const updated = await groups.replace(ctx, request.params.id, resourceToV2(request.body, 'Group'), { ifMatch: ifMatch(request) });
    return send(reply, ctx, 200, projection, updated);
  });

  /**
   * 204 unless the client asks for the group (draft-scim-api-01 §3.3.2 allows either; Okta accepts
   * 204): answering every member delta with all members would make a delta cost O(group size).
   */
  app.patch('/Groups/:id', async (request: IdRequest, reply) => {
    const { ctx, projection } = prepare(request);
    const updated = await groups.patch(ctx, request.params.id, patchToV2(request.body, ctx.groupType), { ifMatch: ifMatch(request) });
    if (!wantsRepresentation(request)) {
      return reply.code(204).header('etag', formatEtag(updated.version)).send();
    }
    return send(reply, ctx, 200, projection, updated);
  });

  app.delete('/Groups/:id', async (request: IdRequest, reply) => {
    await groups.remove(v1Context(config, request), request.params.id, { ifMatch: ifMatch(request) });
    return reply.code(204).send();
  });
}
