import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RosterConfig } from '../../config/load-config.ts';
import type { Services } from '../../domain/create-services.ts';
import type { Rewrite } from '../../idp/idp-request.ts';
import { ScimError } from '../../scim/scim-error.ts';
import { pathOnly } from '../render-error.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { redactedQuery } from './redact-query.ts';
import { requestDetails } from './request-details.ts';
import { scimOperation } from './scim-operation.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body text as it arrived, kept for the request log (create-app.ts's JSON parser sets it). */
    rawBody?: string;
    /** What the directory's IdP profile rewrote (http/scim/normalize-request.ts sets it). */
    scimRewrites?: readonly Rewrite[];
    /** Filled by onSend for the request log: the error the client was given, a BulkResponse's locations. */
    scimOutcome?: { error?: string; bulkLocations?: string[] };
  }
}

/** Which SCIM version a URL speaks (after the case-insensitive rewrite), if any. */
function scimVersion(url: string): 'v2' | 'v1' | undefined {
  if (url.startsWith('/scim/v2/')) return 'v2';
  if (url.startsWith('/scim/v1/')) return 'v1';
  return undefined;
}

/** `/scim/v2/<directoryId>/…` → the directory id as the URL names it. */
function urlDirectoryId(url: string): string | undefined {
  const id = pathOnly(url).split('/')[3];
  return id ? id : undefined;
}

const ERROR_CHARS = 2000;

/** The detail of a SCIM error body (2.0 `detail`, 1.1 `Errors[0].description`). */
function errorDetail(payload: string): string | undefined {
  try {
    const body = JSON.parse(payload) as { detail?: unknown; Errors?: { description?: unknown }[] };
    const detail = typeof body.detail === 'string' ? body.detail : body.Errors?.[0]?.description;
    return typeof detail === 'string' ? detail.slice(0, ERROR_CHARS) : undefined;
  } catch {
    return undefined;
  }
}

function bulkLocations(payload: string): string[] {
  try {
    const body = JSON.parse(payload) as { Operations?: { location?: unknown }[] };
    return (body.Operations ?? []).map((o) => o.location).filter((l): l is string => typeof l === 'string');
  } catch {
    return [];
  }
}

/**
 * App-level hooks on every SCIM request (v2 and v1), registered before the SCIM plugins so they
 * run around them: the per-directory rate limit (after authentication, before the body is parsed),
 * the request log entry and the metrics (when the response has left). Recording costs a push onto
 * the request log's batch and two Map lookups for the metrics; the rest happens when the batch is written.
 */
export function registerOpsHooks(app: FastifyInstance, deps: { config: RosterConfig; services: Services }) {
  const { config, services } = deps;
  const { requestLog, metrics } = services;

  if (config.rateLimitPerSecond > 0) {
    const burst = config.rateLimitBurst ?? Math.max(1, Math.ceil(config.rateLimitPerSecond));
    const limiter = createRateLimiter(config.rateLimitPerSecond, burst);
    app.addHook('preParsing', async (request: FastifyRequest, reply: FastifyReply, payload) => {
      const directory = request.directory;
      if (!directory) return payload;
      const taken = limiter.take(directory.id);
      if (taken.ok) return payload;
      metrics.rateLimited.inc({ directory: directory.id });
      reply.header('retry-after', String(taken.retryAfterSeconds));
      throw new ScimError(429, undefined, `too many requests for this directory: at most ${limiter.perSecond} a second (bursts of ${limiter.burst}); retry after ${taken.retryAfterSeconds} s`);
    });
  }

  // Callback-style hooks: they run on every request, and an async hook costs a promise each time.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (typeof payload === 'string' && scimVersion(request.url)) {
      if (reply.statusCode >= 400) request.scimOutcome = { error: errorDetail(payload) };
      else if (request.method === 'POST' && request.routeOptions.url?.endsWith('/Bulk')) request.scimOutcome = { bulkLocations: bulkLocations(payload) };
    }
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    try {
      record(request, reply);
    } catch (error) {
      // The response has left; a log entry that cannot be built must not break anything else.
      request.log.warn({ reason: (error as Error)?.message }, 'request log entry not recorded');
    }
    done();
  });

  function record(request: FastifyRequest, reply: FastifyReply): void {
    const version = scimVersion(request.url);
    if (!version) return;
    const directory = request.directory;
    const directoryId = directory?.id ?? urlDirectoryId(request.url);
    if (!directoryId) return;
    const elapsedMs = reply.elapsedTime;
    const status = reply.statusCode;
    const operation = scimOperation(request.method, request.routeOptions.url);
    // Unauthenticated requests share one label: ids an attacker makes up must not grow the series.
    const label = directory ? directory.id : '';
    metrics.scimRequests.inc({ directory: label, operation, status: String(status) });
    metrics.scimDuration.observe({ directory: label, operation }, elapsedMs / 1000);
    if (!requestLog.enabled) return;
    const location = reply.getHeader('location');
    const rewrites = request.scimRewrites;
    requestLog.record({
      directoryId,
      authenticated: directory !== undefined,
      at: new Date(Date.now() - elapsedMs).toISOString(),
      requestId: request.id,
      idp: directory?.idp ?? null,
      version,
      method: request.method,
      path: pathOnly(request.url),
      query: redactedQuery(request.url),
      operation,
      status,
      latencyMs: Math.round(elapsedMs * 1000) / 1000,
      rewrites: rewrites && rewrites.length > 0 ? rewrites.map(({ quirk, at, detail }) => ({ quirk, at, detail })) : null,
      error: request.scimOutcome?.error ?? null,
      details: requestDetails({
        rawBody: request.rawBody,
        body: request.body,
        rewritten: rewrites !== undefined && rewrites.length > 0,
        operation,
        pathId: (request.params as { id?: string } | undefined)?.id,
        location: typeof location === 'string' ? location : undefined,
        bulkLocations: request.scimOutcome?.bulkLocations ?? [],
        maxChars: config.requestLogMaxBodyBytes,
      }),
    });
  }

  // The last batch is written before the store closes (serve closes the app first).
  app.addHook('onClose', async () => {
    await requestLog.close();
  });
}
