import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/domain-error.ts';
import { ScimError } from '../scim/scim-error.ts';
import { toV1ErrorBody } from '../scim/v1/v1-error-body.ts';
import { V1_CONTENT_TYPE } from './scim-v1/send-v1.ts';
import { UnavailableError } from '../domain/records.ts';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** Statuses a framework client error may keep; any other 4xx from Fastify is answered as 400. */
export const FRAMEWORK_STATUSES: ReadonlySet<number> = new Set([400, 404, 408, 413, 414, 415, 431]);

/**
 * Known errors render with their status and message; anything else is a 500 whose detail says
 * nothing of the cause (the log has it, with the request id). Fastify's own errors (bad JSON,
 * body too large, wrong content type) are client errors and render as such.
 */
function classify(error: unknown): { status: number; scimType?: ScimError['scimType']; message: string; code: string; retryAfter?: number } {
  if (error instanceof ScimError) return { status: error.status, scimType: error.scimType, message: error.message, code: `scim.${error.scimType ?? error.status}` };
  if (error instanceof DomainError) {
    const retryAfter = error.details?.retryAfterSeconds;
    return { status: error.status, message: error.message, code: error.code, ...(typeof retryAfter === 'number' ? { retryAfter } : {}) };
  }
  if (error instanceof UnavailableError) return { status: 503, message: 'the database is unavailable; retry shortly', code: 'store.unavailable', retryAfter: 2 };
  const fe = error as FastifyError;
  switch (fe?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, scimType: 'invalidSyntax', message: 'the request body is not valid JSON', code: 'request.invalid_json' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, message: 'the request body is larger than this server accepts', code: 'request.too_large' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_EMPTY_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return { status: 415, message: 'send application/scim+json or application/json', code: 'request.media_type' };
    case 'FST_ERR_BAD_URL':
      return { status: 400, message: 'the URL is not valid (bad percent-encoding)', code: 'request.bad_url' };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { status: 414, message: 'a path segment of the URL is longer than this server accepts', code: 'request.uri_too_long' };
  }
  if (error instanceof SyntaxError) return { status: 400, scimType: 'invalidSyntax', message: 'the request body is not valid JSON', code: 'request.invalid_json' };
  // Any other framework 4xx keeps a status from the documented set (docs/errors.md); its message is Fastify's, not a secret.
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: FRAMEWORK_STATUSES.has(fe.statusCode) ? fe.statusCode : 400, message: fe.message, code: 'request.invalid' };
  }
  return { status: 500, message: 'internal error; the server log has the details', code: 'internal' };
}

/** SCIM routes: RFC 7644 §3.12 error bodies. */
function logFailure(request: FastifyRequest, error: unknown, status: number): void {
  // 503 is the database being away, which the operator learns from the warning; 500 is a bug.
  if (status === 503) request.log.warn({ reason: ((error as Error).cause as Error)?.message }, 'database unavailable');
  else if (status >= 500) request.log.error({ err: error }, 'request failed');
}

/**
 * Any error as the SCIM error a client may see: what one bulk operation reports in the BulkResponse
 * (RFC 7644 §3.7.3) instead of failing the whole request. A 5xx is logged with its cause.
 */
export function scimErrorOf(error: unknown, request: FastifyRequest): ScimError {
  if (error instanceof ScimError) return error;
  const c = classify(error);
  if (c.status >= 500) logFailure(request, error, c.status);
  return new ScimError(c.status, c.scimType, c.message, { cause: error });
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

/** Admin API: `{ "error": { "code", "message" } }`, with `field` when one input field is at fault. */
export function renderApiError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const c = classify(error);
  if (c.status >= 500) logFailure(request, error, c.status);
  if (c.retryAfter) reply.header('retry-after', String(c.retryAfter));
  const field = (error as { field?: unknown })?.field;
  const details = error instanceof DomainError ? error.details : undefined;
  return reply.code(c.status).send({ error: { code: c.code, message: c.message, ...(typeof field === 'string' ? { field } : {}), ...details } });
}

/** Which error shape a URL's answer takes: SCIM 2.0, SCIM 1.1, or the admin API's (everything else). */
export function errorFamily(url: string): 'v2' | 'v1' | 'api' {
  if (/^\/scim\/v2(?:[/?#]|$)/i.test(url)) return 'v2';
  if (/^\/scim\/v1(?:[/?#]|$)/i.test(url)) return 'v1';
  return 'api';
}

/** SCIM 1.1: the same classification, the draft-scim-api-01 §3.9 body. */
function renderV1Error(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const c = classify(error);
  if (c.status >= 500) logFailure(request, error, c.status);
  else request.log.info({ status: c.status, detail: c.message }, 'request rejected');
  if (c.retryAfter) reply.header('retry-after', String(c.retryAfter));
  return reply.code(c.status).type(V1_CONTENT_TYPE).send(toV1ErrorBody({ status: String(c.status), detail: c.message }));
}

/**
 * Errors raised before any route is chosen (Fastify's `frameworkErrors`: bad URL encoding, a path
 * segment over the router's limit; the root 404 and error handlers): answered in the shape of the
 * API the URL belongs to, so every answer under `/scim/v2` is an RFC 7644 §3.12 body.
 */
export function renderErrorByPath(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const family = errorFamily(request.raw.url ?? request.url);
  if (family === 'v2') return renderScimError(error, request, reply);
  if (family === 'v1') return renderV1Error(error, request, reply);
  return renderApiError(error, request, reply);
}

/** The path of a URL without its query: query strings may carry filter values, which stay out of logs. */
export function pathOnly(url: string | undefined): string {
  if (!url) return '';
  const q = url.search(/[?#]/);
  return q < 0 ? url : url.slice(0, q);
}
