import { z } from 'zod';
import type { Services } from '../../domain/create-services.ts';
import { defineRoute, type ApiRoute } from './api-route.ts';

/** Largest page of the request and audit logs. */
const MAX_LIMIT = 500;

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2030-01-01T00:00:00Z' }).transform((v) => new Date(v).toISOString());
const page = {
  since: instant.optional(),
  until: instant.optional(),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`).default(100),
  cursor: z.string().max(64).optional(),
};
const requestsQuery = z.object({
  status: z.string().regex(/^(\d{3}|[1-5]xx|error)$/i, 'must be a status (404), a class (4xx) or "error"').optional(),
  user: z.string().min(1).max(1024).optional(),
  ...page,
});
const auditQuery = z.object({
  directory: z.string().max(500).optional(),
  actor: z.string().max(500).optional(),
  action: z.string().max(100).optional(),
  ...page,
});

/**
 * Visibility for admins: a directory's request log and provisioning status, and the audit log, as
 * route data inside the admin API (register-admin.ts), behind its admin-key hook.
 */
export function opsRoutes(deps: Pick<Services, 'requestLog' | 'audit' | 'provisioningStatus'>): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET', path: '/directories/:id/requests', tag: 'Visibility', summary: "The directory's SCIM request log, newest first", invalid: 'request.invalid', returns: 'the requests and the next cursor',
      query: requestsQuery,
      handle: ({ params, query }) => deps.requestLog.list(params.id!, query),
    }),
    defineRoute({
      method: 'GET', path: '/directories/:id/status', tag: 'Visibility', summary: "The directory's provisioning status: counts, last requests, errors", invalid: 'request.invalid', returns: 'the status',
      handle: ({ params }) => deps.provisioningStatus(params.id!),
    }),
    defineRoute({
      method: 'GET', path: '/audit', tag: 'Visibility', summary: 'The audit log of admin changes, newest first', invalid: 'request.invalid', returns: 'the entries and the next cursor',
      query: auditQuery,
      handle: ({ query }) => deps.audit.list({ directoryId: query.directory, actorId: query.actor, action: query.action, since: query.since, until: query.until, cursor: query.cursor, limit: query.limit }),
    }),
  ];
}
