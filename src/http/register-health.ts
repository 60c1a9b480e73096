import type { FastifyInstance } from 'fastify';
import type { Services } from '../domain/create-services.ts';

/** `/healthz`: the process answers. `/readyz`: it can reach its database, so a balancer may send traffic. */
export function registerHealth(app: FastifyInstance, services: Services) {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (request, reply) => {
    try {
      await services.system.ping();
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'database unreachable');
      return reply.code(503).header('retry-after', '2').send({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
}
