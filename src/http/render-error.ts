import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/domain-error.ts';
import { ScimError } from '../scim/scim-error.ts';
import { StoreUnavailableError } from '../store/store-errors.ts';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/**
 * Known errors render with their status and message; anything else is a 500 whose detail says
 * nothing of the cause (the log has it, with the request id). Fastify's own errors (bad JSON,
 * body too large, wrong content type) are client errors and render as such.
 */
function classify(error: unknown): { status: number; scimType?: ScimError['scimType']; message: string; code: string; retryAfter?: number } {
  if (error instanceof ScimError) return { status: error.status, scimType: error.scimType, message: error.message, code: `scim.${error.scimType ?? error.status}` };
  if (error instanceof DomainError) return { status: error.status, message: error.message, code: error.code };
  if (error instanceof StoreUnavailableError) return { status: 503, message: 'the database is unavailable; retry shortly', code: 'store.unavailable', retryAfter: 2 };
  const fe = error as FastifyError;
  switch (fe?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, scimType: 'invalidSyntax', message: 'the request body is not valid JSON', code: 'request.invalid_json' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, message: 'the request body is larger than this server accepts', code: 'request.too_large' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, message: 'send application/scim+json or application/json', code: 'request.media_type' };
  }
  if (error instanceof SyntaxError) return { status: 400, scimType: 'invalidSyntax', message: 'the request body is not valid JSON', code: 'request.invalid_json' };
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, message: fe.message, code: 'request.invalid' };
  }
  return { status: 500, message: 'internal error; the server log has the details', code: 'internal' };
}

/** SCIM routes: RFC 7644 §3.12 error bodies. */
function logFailure(request: FastifyRequest, error: unknown, status: number): void {
  // 503 is the database being away, which the operator learns from the warning; 500 is a bug.
  if (status === 503) request.log.warn({ reason: ((error as Error).cause as Error)?.message }, 'database unavailable');
  else if (status >= 500) request.log.error({ err: error }, 'request failed');
}

export function renderScimError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const c = classify(error);
  if (c.status >= 500) logFailure(request, error, c.status);
  else request.log.info({ status: c.status, scimType: c.scimType, detail: c.message }, 'request rejected');
  if (c.retryAfter) reply.header('retry-after', String(c.retryAfter));
  const body: Record<string, unknown> = { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(c.status) };
  if (c.scimType) body.scimType = c.scimType;
  body.detail = c.message;
  return reply.code(c.status).type(SCIM_CONTENT_TYPE).send(body);
}

/** Admin API: `{ "error": { "code", "message" } }`. */
export function renderApiError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const c = classify(error);
  if (c.status >= 500) logFailure(request, error, c.status);
  if (c.retryAfter) reply.header('retry-after', String(c.retryAfter));
  return reply.code(c.status).send({ error: { code: c.code, message: c.message } });
}
