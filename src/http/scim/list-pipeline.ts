import type { FastifyReply } from 'fastify';
import type { UserView } from '../../domain/provisioning/create-user-provisioning.ts';
import type { ListQuery, Page } from '../../domain/provisioning/provisioning-context.ts';
import type { Services } from '../../domain/create-services.ts';
import { cursorSort } from '../../scim/list-query.ts';
import { encodeCursor } from '../../scim/cursor.ts';
import type { ListParams } from '../../scim/list-response.ts';
import type { Projection } from '../../scim/project-resource.ts';
import type { GroupRecord } from '../../domain/records.ts';
import { renderGroup, renderUser } from './render.ts';
import type { ListMeta, Representation } from './representation.ts';
import type { ScimRequestContext } from './scim-context.ts';
import { SCIM_CONTENT_TYPE } from '../render-error.ts';
import { sendResource, sendStream, streamWithMembers } from './send-scim.ts';

/** One resource of a list or a single answer: its body, and its members when they are shown. */
export interface ResourceEntry {
  readonly body: Record<string, unknown>;
  /** The members as JSON text, one comma-separated chunk per page. */
  readonly members?: () => AsyncIterable<string>;
}

export interface Pipeline {
  readonly services: Services;
  readonly ctx: ScimRequestContext;
  readonly projection: Projection;
  readonly representation: Representation;
}

export function userEntry(p: Pipeline, view: UserView): ResourceEntry {
  return { body: p.representation.resource(p.projection.apply(renderUser(p.ctx.baseUrl, view)), 'User') };
}

/** A group; its members are streamed from their table, and only when the projection shows them. */
export function groupEntry(p: Pipeline, group: GroupRecord): ResourceEntry {
  const body = p.representation.resource(p.projection.apply(renderGroup(p.ctx.baseUrl, group)), 'Group');
  if (!p.projection.includes('members')) return { body };
  return {
    body,
    async *members() {
      for await (const page of p.services.groups.memberPages(p.ctx, group.id)) yield page.map((m) => p.representation.member(m, p.ctx.baseUrl)).join(',');
    },
  };
}

function serialize(entry: ResourceEntry): AsyncIterable<string> | string {
  return entry.members ? streamWithMembers(entry.body, entry.members) : JSON.stringify(entry.body);
}

/** Sends one resource with its ETag; a group with members is streamed, never held whole. */
export function sendEntry(reply: FastifyReply, status: number, entry: ResourceEntry, version: number) {
  const body = serialize(entry);
  return typeof body === 'string' ? sendResource(reply, status, body, version) : sendStream(reply, status, body, version);
}

async function* listBody(representation: Representation, meta: ListMeta, entries: readonly ResourceEntry[]): AsyncGenerator<string> {
  yield representation.listHead(meta);
  for (const [i, entry] of entries.entries()) {
    if (i > 0) yield ',';
    const body = serialize(entry);
    if (typeof body === 'string') yield body;
    else yield* body;
  }
  yield ']}';
}

/** Sends a ListResponse (RFC 7644 §3.4.2); `next` becomes the RFC 9865 `nextCursor`. */
export function sendList(reply: FastifyReply, p: Pipeline, page: Omit<Page<unknown>, 'items'>, entries: readonly ResourceEntry[], params?: Pick<ListParams, 'sortBy' | 'sortOrder'>) {
  const meta: ListMeta = {
    totalResults: page.totalResults,
    itemsPerPage: entries.length,
    ...(page.startIndex !== undefined ? { startIndex: page.startIndex } : {}),
    ...(page.next && params ? { nextCursor: encodeCursor(page.next, cursorSort(params)) } : {}),
  };
  if (entries.some((e) => e.members)) return sendStream(reply, 200, listBody(p.representation, meta, entries));
  // Nothing to stream (Okta's and Entra's lookups): one string, no stream machinery.
  return reply.code(200).type(SCIM_CONTENT_TYPE).send(`${p.representation.listHead(meta)}${entries.map((e) => JSON.stringify(e.body)).join(',')}]}`);
}

/** `GET /Users`, `POST /Users/.search` and their 1.1 form: one domain call, rendered. */
export async function listUsers(reply: FastifyReply, p: Pipeline, query: ListQuery, params?: ListParams) {
  const page = await p.services.users.list(p.ctx, query, { withGroups: p.projection.includes('groups') });
  return sendList(reply, p, page, page.items.map((v) => userEntry(p, v)), params);
}

export async function listGroups(reply: FastifyReply, p: Pipeline, query: ListQuery, params?: ListParams) {
  const page = await p.services.groups.list(p.ctx, query);
  return sendList(reply, p, page, page.items.map((g) => groupEntry(p, g)), params);
}
