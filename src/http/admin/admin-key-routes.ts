import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/create-services.ts';
import { DomainError } from '../../domain/domain-error.ts';
import { AdminInputError } from './admin-inputs.ts';
import { actorOf } from './authenticate-admin.ts';

const LABEL_MAX = 200;

function labelOf(body: unknown): string | null {
  if (body === undefined || body === null) return null;
  if (typeof body !== 'object' || Array.isArray(body)) throw new DomainError('request.invalid', 'the request body must be a JSON object');
  const label = (body as { label?: unknown }).label;
  if (label === undefined || label === null) return null;
  if (typeof label !== 'string' || label.length > LABEL_MAX) throw new AdminInputError('request.invalid', 'label', `must be a string of at most ${LABEL_MAX} characters`);
  return label;
}

/**
 * Admin keys (for the CLI and scripts) from the console: listed by any admin, created and revoked by
 * owners only (a key acts as an admin and outlives the account of whoever made it). The key itself is
 * in the create answer only.
 */
export function registerAdminKeyRoutes(api: FastifyInstance, deps: Pick<Services, 'adminKeys'>): void {
  api.get('/admin-keys', async () => ({ adminKeys: await deps.adminKeys.list() }));
  api.post('/admin-keys', { config: { access: 'owner' } }, async (request, reply) => {
    const created = await deps.adminKeys.create(labelOf(request.body), actorOf(request));
    return reply.code(201).send({ ...created.view, key: created.key });
  });
  api.delete('/admin-keys/:id', { config: { access: 'owner' } }, async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    await deps.adminKeys.revoke(request.params.id, actorOf(request));
    return reply.code(204).send();
  });
}
