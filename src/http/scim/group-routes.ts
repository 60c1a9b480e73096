import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { streamMembers } from '../../domain/provisioning/create-group-provisioning.ts';
import { listPage } from '../../domain/provisioning/list-page.ts';
import type { ProvisioningContext } from '../../domain/provisioning/provisioning-context.ts';
import { LIST_RESPONSE_SCHEMA, parseListParams, parseSearchRequest, type ListParams } from '../../scim/list-response.ts';
import { createProjection, type Projection } from '../../scim/project-resource.ts';
import { groupResourceType } from '../../scim/schemas/resource-types.ts';
import type { StoredGroup } from '../../store/store.ts';
import { toListRequest } from './list-request.ts';
import { scimContext } from './scim-context.ts';
import type { ScimDeps } from './scim-deps.ts';
import { formatEtag } from '../../scim/etag.ts';
import { ifMatch, notModified, sendResource, sendStream, streamWithMembers, wantsRepresentation } from './send-scim.ts';

type IdRequest = FastifyRequest<{ Params: { directoryId: string; id: string }; Querystring: Record<string, string> }>;

/**
 * `/Groups` (RFC 7644 §3.3–3.6). Members are streamed from their table and only when the projection
 * includes them: `excludedAttributes=members` never reads the membership table.
 */
export function registerGroupRoutes(app: FastifyInstance, deps: ScimDeps) {
  const { config, groups, store } = deps;
  const limits = { defaultPageSize: config.limits.defaultPageSize, maxPageSize: config.limits.maxPageSize };
  const projectionOf = (q: { attributes?: string; excludedAttributes?: string }) => createProjection(groupResourceType, q);

  function send(reply: FastifyReply, ctx: ProvisioningContext, status: number, projection: Projection, found: { resource: Record<string, unknown>; version: number; memberCount: number }) {
    const body = projection.apply(found.resource);
    if (!projection.includes('members')) return sendResource(reply, status, body, found.version);
    const id = found.resource.id as string;
    return sendStream(reply, status, streamWithMembers(body, () => streamMembers(store, ctx, id)), found.version);
  }

  async function* listBody(ctx: ProvisioningContext, projection: Projection, page: { totalResults: number; startIndex?: number; nextCursor?: string; rows: StoredGroup[] }) {
    const head: Record<string, unknown> = { schemas: [LIST_RESPONSE_SCHEMA], totalResults: page.totalResults, itemsPerPage: page.rows.length };
    if (page.startIndex !== undefined) head.startIndex = page.startIndex;
    if (page.nextCursor !== undefined) head.nextCursor = page.nextCursor;
    yield JSON.stringify(head).slice(0, -1) + ',"Resources":[';
    for (const [i, row] of page.rows.entries()) {
      const body = projection.apply(groups.render(ctx, row));
      if (i > 0) yield ',';
      if (projection.includes('members')) yield* streamWithMembers(body, () => streamMembers(store, ctx, row.id));
      else yield JSON.stringify(body);
    }
    yield ']}';
  }

  async function list(request: FastifyRequest, reply: FastifyReply, params: ListParams) {
    const projection = projectionOf(params);
    const ctx = scimContext(config, request);
    const page = await listPage<StoredGroup>(store, 'groups', ctx.directoryId, groupResourceType, toListRequest(config, groupResourceType, params));
    return sendStream(reply, 200, listBody(ctx, projection, page));
  }

  app.get('/Groups', (request: FastifyRequest<{ Querystring: Record<string, string> }>, reply) => list(request, reply, parseListParams(request.query, limits)));
  app.post('/Groups/.search', (request, reply) => list(request, reply, parseSearchRequest(request.body, limits)));

  app.post('/Groups', async (request: FastifyRequest<{ Querystring: Record<string, string> }>, reply) => {
    const ctx = scimContext(config, request);
    const created = await groups.create(ctx, request.body);
    reply.header('location', (created.resource.meta as { location: string }).location);
    return send(reply, ctx, 201, projectionOf(request.query), created);
  });

  app.get('/Groups/:id', async (request: IdRequest, reply) => {
    const ctx = scimContext(config, request);
    const projection = projectionOf(request.query);
    const found = await groups.get(ctx, request.params.id);
    if (notModified(request, reply, found.version)) return reply;
    return send(reply, ctx, 200, projection, found);
  });

  app.put('/Groups/:id', async (request: IdRequest, reply) => {
    const ctx = scimContext(config, request);
    const projection = projectionOf(request.query);
    const updated = await groups.replace(ctx, request.params.id, request.body, { ifMatch: ifMatch(request) });
    return send(reply, ctx, 200, projection, updated);
  });

  /**
   * A group PATCH answers 204 (RFC 7644 §3.5.2 allows it; Entra expects it, Okta accepts it) unless
   * the client asks for the group: returning every member of a 100,000-member group after each
   * 100-member delta would make a delta cost O(group size). `attributes`/`excludedAttributes` or
   * `Prefer: return=representation` asks for the body.
   */
  app.patch('/Groups/:id', async (request: IdRequest, reply) => {
    const ctx = scimContext(config, request);
    const projection = projectionOf(request.query);
    const updated = await groups.patch(ctx, request.params.id, request.body, { ifMatch: ifMatch(request) });
    if (!wantsRepresentation(request)) return reply.code(204).header('etag', formatEtag(updated.version)).send();
    return send(reply, ctx, 200, projection, updated);
  });

  app.delete('/Groups/:id', async (request: IdRequest, reply) => {
    await groups.remove(scimContext(config, request), request.params.id, { ifMatch: ifMatch(request) });
    return reply.code(204).send();
  });
}
