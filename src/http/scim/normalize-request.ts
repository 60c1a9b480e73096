import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdpRequest, ScimAction } from '../../idp/idp-request.ts';
import { normalizeIdpRequest, rewriteNames } from '../../idp/normalize-idp-request.ts';
import { redactPasswords } from '../../idp/redact-passwords.ts';
import { resolveIdpProfile } from '../../idp/resolve-idp-profile.ts';

/** Bodies larger than this are logged as a prefix only: a full push of 100,000 members is not a log line. */
const LOG_BODY_CHARS = 64 * 1024;

const COLLECTION_ACTIONS: Readonly<Record<string, ScimAction>> = { POST: 'create', GET: 'list' };
const RESOURCE_ACTIONS: Readonly<Record<string, ScimAction>> = { GET: 'read', PUT: 'replace', PATCH: 'patch', DELETE: 'delete' };

/** The SCIM action of a v2 route, from its pattern (`/scim/v2/:directoryId/Users/:id`) and method. */
function routeTarget(method: string, pattern: string | undefined): Pick<IdpRequest, 'action' | 'resourceType'> {
  const match = pattern ? /\/(Users|Groups)(\/\.search|\/:id)?$/.exec(pattern) : null;
  if (!match) return { action: 'other', resourceType: undefined };
  const resourceType = match[1] === 'Users' ? 'User' : 'Group';
  const actions = match[2] === undefined ? COLLECTION_ACTIONS : match[2] === '/:id' ? RESOURCE_ACTIONS : { POST: 'search' as const };
  return { action: (actions as Record<string, ScimAction>)[method] ?? 'other', resourceType };
}

function stringQuery(query: unknown): Record<string, string> {
  if (typeof query !== 'object' || query === null) return {};
  return Object.fromEntries(Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** Pino's numeric levels: whether `debug` lines are written at all, before building one. */
const LEVEL_VALUES: Readonly<Record<string, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

function debugEnabled(request: FastifyRequest): boolean {
  return (LEVEL_VALUES[request.log.level] ?? Infinity) <= LEVEL_VALUES.debug!;
}

function loggable(body: unknown): unknown {
  if (body === undefined) return undefined;
  const safe = redactPasswords(body);
  const text = JSON.stringify(safe);
  return text.length <= LOG_BODY_CHARS ? safe : { truncated: true, chars: text.length, prefix: text.slice(0, LOG_BODY_CHARS) };
}

/**
 * `preHandler` for SCIM v2: after authentication (`request.directory` is set) and body parsing,
 * before the route. The directory's IdP profile (src/idp/) rewrites the client's known deviations
 * from RFC 7644, the route sees the normalized body and query, and the admin sees what changed:
 * `x-roster-rewrites: <quirk names>` on the response, and at debug level the raw and normalized
 * bodies with the list of rewrites (passwords redacted in both).
 */
export async function normalizeScimRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const directory = request.directory;
  if (!directory) return;
  const { profile, detected } = resolveIdpProfile(directory.idp, { url: request.url, userAgent: request.headers['user-agent'], body: request.body });
  const raw: IdpRequest = { ...routeTarget(request.method, request.routeOptions.url), body: request.body, query: stringQuery(request.query) };
  const { request: normalized, rewrites } = normalizeIdpRequest(profile, raw);
  if (rewrites.length > 0) {
    request.body = normalized.body;
    if (normalized.query !== raw.query) request.query = { ...(request.query as object), ...normalized.query };
    reply.header('x-roster-rewrites', rewriteNames(rewrites).join(', '));
    request.scimRewrites = rewrites; // for the request log (http/ops/register-ops-hooks.ts)
  }
  if ((raw.body !== undefined || rewrites.length > 0) && debugEnabled(request)) {
    request.log.debug(
      {
        idp: profile.name,
        ...(detected ? { detectedBy: detected.by } : {}),
        rewrites,
        raw: loggable(raw.body),
        normalized: loggable(normalized.body),
        ...(normalized.query !== raw.query ? { rawQuery: raw.query, normalizedQuery: normalized.query } : {}),
      },
      rewrites.length > 0 ? 'SCIM request normalized' : 'SCIM request',
    );
  }
}
