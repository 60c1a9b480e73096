import type { FastifyReply, FastifyRequest } from 'fastify';
import { toV1ErrorBody } from '../../scim/v1/v1-error-body.ts';

/** Okta's SCIM 1.1 client and draft-scim-api-01 use plain JSON. */
export const V1_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * onSend hook of the 1.1 routes: JSON as `application/json`, and errors rendered by the shared SCIM
 * error handler (same classification, same logging) rewritten to the 1.1 `{"Errors":[…]}` body.
 */
export async function toV1Response(_request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  const type = reply.getHeader('content-type');
  if (typeof type === 'string' && type.startsWith('application/scim+json')) reply.type(V1_CONTENT_TYPE);
  if (reply.statusCode < 400 || typeof payload !== 'string') return payload;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return payload;
  }
  const body = toV1ErrorBody(parsed);
  return body === undefined ? payload : JSON.stringify(body);
}
