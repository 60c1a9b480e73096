import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminKeyService } from '../../domain/directories/create-admin-key-service.ts';
import { presentedToken } from '../scim/authenticate-scim.ts';

/** The admin API takes an admin key as `Authorization: Bearer rsk_…` or `X-Api-Key: rsk_…`. */
export function createAdminAuthHook(keys: AdminKeyService) {
  return async function authenticateAdmin(request: FastifyRequest, reply: FastifyReply) {
    const header = request.headers['x-api-key'];
    const key = typeof header === 'string' ? header : presentedToken(request.headers.authorization);
    if (!key || !(await keys.verify(key))) {
      request.log.warn('admin API authentication failed');
      reply.header('www-authenticate', 'Bearer realm="roster-admin"');
      return reply.code(401).send({ error: { code: 'auth.invalid', message: 'send an admin key as "Authorization: Bearer rsk_…" (create one with `roster admin-key create`)' } });
    }
  };
}
