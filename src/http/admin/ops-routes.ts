import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../domain/create-services.ts';
import { AdminInputError } from './admin-inputs.ts';

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

function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const parsed = schema.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new AdminInputError('request.invalid', issue.path.map(String).join('.') || 'query', issue.message);
}

type WithId = FastifyRequest<{ Params: { id: string } }>;

/**
 * Visibility for admins: a directory's request log and provisioning status, and the audit log.
 * Registered inside the admin API (register-admin.ts), behind its admin-key hook.
 */
export function registerOpsRoutes(api: FastifyInstance, deps: Pick<Services, 'requestLog' | 'audit' | 'provisioningStatus'>) {
  api.get('/directories/:id/requests', async (request: WithId) => deps.requestLog.list(request.params.id, parseQuery(requestsQuery, request.query)));

  api.get('/directories/:id/status', async (request: WithId) => deps.provisioningStatus(request.params.id));

  api.get('/audit', async (request) => {
    const q = parseQuery(auditQuery, request.query);
    return deps.audit.list({ directoryId: q.directory, actorId: q.actor, action: q.action, since: q.since, until: q.until, cursor: q.cursor, limit: q.limit });
  });
}
