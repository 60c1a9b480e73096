import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminKeyService, AdminKeyView } from '../../domain/directories/create-admin-key-service.ts';
import type { AuditActor } from '../../domain/records.ts';
import { presentedToken } from '../scim/authenticate-scim.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The admin key that authenticated an admin API request. */
    adminKey?: AdminKeyView;
  }
}

/** Who made an admin API request, for the audit log: the key (id, prefix, label) and the client's address. */
export function actorOf(request: FastifyRequest): AuditActor {
  const key = request.adminKey;
  if (!key) return { type: 'system', id: null, label: null, address: request.ip };
  return { type: 'admin_key', id: key.id, label: key.label ? `${key.prefix} (${key.label})` : key.prefix, address: request.ip };
}

/** The admin API takes an admin key as `Authorization: Bearer rsk_…` or `X-Api-Key: rsk_…`. */
export function createAdminAuthHook(keys: AdminKeyService) {
  return async function authenticateAdmin(request: FastifyRequest, reply: FastifyReply) {
    const header = request.headers['x-api-key'];
    const key = typeof header === 'string' ? header : presentedToken(request.headers.authorization);
    const found = key ? await keys.identify(key) : undefined;
    if (!found) {
      request.log.warn('admin API authentication failed');
      reply.header('www-authenticate', 'Bearer realm="roster-admin"');
      return reply.code(401).send({ error: { code: 'auth.invalid', message: 'send an admin key as "Authorization: Bearer rsk_…" (create one with `roster admin-key create`)' } });
    }
    request.adminKey = found;
  };
}
