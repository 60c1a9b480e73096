import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { etagMatches, formatEtag } from '../../scim/etag.ts';
import { SCIM_CONTENT_TYPE } from '../render-error.ts';

/** Sends one resource with its ETag (RFC 7644 §3.14). */
export function sendResource(reply: FastifyReply, status: number, resource: unknown, version: number) {
  return reply.code(status).type(SCIM_CONTENT_TYPE).header('etag', formatEtag(version)).send(resource);
}

/** `If-None-Match` on a GET: 304 when the client already has this version. */
export function notModified(request: FastifyRequest, reply: FastifyReply, version: number): boolean {
  const header = request.headers['if-none-match'];
  if (typeof header === 'string' && etagMatches(header, version)) {
    reply.code(304).header('etag', formatEtag(version)).send();
    return true;
  }
  return false;
}

export function ifMatch(request: FastifyRequest): string | undefined {
  const header = request.headers['if-match'];
  return typeof header === 'string' ? header : undefined;
}

/** `Prefer: return=minimal` (RFC 7240) asks for 204 instead of the resource after a write. */
export function wantsMinimal(request: FastifyRequest): boolean {
  const prefer = request.headers.prefer;
  return typeof prefer === 'string' && /\breturn=minimal\b/i.test(prefer);
}

/** The client asked for the resource after a write: `Prefer: return=representation`, or an attribute list. */
export function wantsRepresentation(request: FastifyRequest<{ Querystring: Record<string, string> }>): boolean {
  const prefer = request.headers.prefer;
  if (typeof prefer === 'string' && /\breturn=representation\b/i.test(prefer)) return true;
  const q = request.query ?? {};
  return Object.keys(q).some((k) => /^(attributes|excludedattributes)$/i.test(k));
}

/** Chunks of roughly this many characters are written to the socket while streaming members. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Serialises `resource` with `members` streamed into it just before `meta`, so a group with
 * 100,000 members is never held in memory as one array or one string. A group without members has
 * no `members` key at all: RFC 7643 §2.5 treats an empty multi-valued attribute as unassigned.
 */
export async function* streamWithMembers(resource: Record<string, unknown>, memberChunks: () => AsyncIterable<string>): AsyncGenerator<string> {
  const { meta, ...head } = resource;
  const open = JSON.stringify(head);
  const start = open === '{}' ? '{' : open.slice(0, -1) + ',';
  let chunk = '';
  let first = true;
  for await (const members of memberChunks()) {
    if (members === '') continue;
    chunk += (first ? `${start}"members":[` : ',') + members;
    first = false;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (first) {
    const rest = meta === undefined ? '' : `"meta":${JSON.stringify(meta)}`;
    yield rest === '' ? (open === '{}' ? '{}' : open) : `${start}${rest}}`;
    return;
  }
  chunk += ']';
  if (meta !== undefined) chunk += `,"meta":${JSON.stringify(meta)}`;
  yield chunk + '}';
}

export function sendStream(reply: FastifyReply, status: number, parts: AsyncIterable<string>, version?: number) {
  reply.code(status).type(SCIM_CONTENT_TYPE);
  if (version !== undefined) reply.header('etag', formatEtag(version));
  return reply.send(Readable.from(parts));
}
