import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../domain/create-services.ts';
import { DomainError } from '../../domain/domain-error.ts';
import { AdminInputError } from './admin-inputs.ts';
import { actorOf } from './authenticate-admin.ts';

const createKey = z.object({ label: z.string().trim().max(200, 'must be at most 200 characters').nullable().optional() });

/**
 * Admin API keys, for the CLI and scripts, managed from the console as `roster admin-key` does:
 * listed (never the key), created (the key shown once, in this answer) and revoked. A key acts as
 * role `admin`, so owners and admins manage them; read-only admins only list them.
 */
export function registerAdminKeyRoutes(api: FastifyInstance, deps: Pick<Services, 'adminKeys'>): void {
  api.get('/admin-keys', async () => ({ keys: await deps.adminKeys.list() }));
  api.post('/admin-keys', async (request: FastifyRequest<{ Body: unknown }>, reply) => {
    const body = request.body ?? {};
    if (typeof body !== 'object' || Array.isArray(body)) throw new DomainError('request.invalid', 'the request body must be a JSON object');
    const parsed = createKey.safeParse(body);
    if (!parsed.success) throw new AdminInputError('request.invalid', parsed.error.issues[0]!.path.map(String).join('.') || 'body', parsed.error.issues[0]!.message);
    const created = await deps.adminKeys.create(parsed.data.label || null, actorOf(request));
    return reply.code(201).send({ ...created.view, key: created.key });
  });
  api.delete('/admin-keys/:id', async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    await deps.adminKeys.revoke(request.params.id, actorOf(request));
    return reply.code(204).send();
  });
}
