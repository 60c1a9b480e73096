import type { FastifyInstance } from 'fastify';
import type { RosterConfig } from '../../config/load-config.ts';
import type { Services } from '../../domain/create-services.ts';
import { ipAllowed } from '../../domain/directories/directory-settings.ts';
import { presentedToken } from '../scim/authenticate-scim.ts';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from './render-prometheus.ts';

/**
 * `GET /metrics` in Prometheus's text format, for a scraper holding an admin key
 * (`Authorization: Bearer rsk_…`) or calling from an address in `ROSTER_METRICS_ALLOWLIST`.
 * Label values are directory ids, never names or anything an IdP sent.
 */
export function registerMetricsRoute(app: FastifyInstance, deps: { config: RosterConfig; services: Services }) {
  const allowlist = deps.config.metricsAllowlist.length > 0 ? deps.config.metricsAllowlist : null;
  // Parsed now: a malformed CIDR stops the start instead of failing the first scrape.
  if (allowlist) ipAllowed(allowlist, '127.0.0.1');

  app.get('/metrics', async (request, reply) => {
    const allowed = allowlist !== null && ipAllowed(allowlist, request.ip);
    if (!allowed) {
      const header = request.headers['x-api-key'];
      const key = typeof header === 'string' ? header : presentedToken(request.headers.authorization);
      if (!key || !(await deps.services.adminKeys.verify(key))) {
        request.log.warn('metrics scrape refused');
        reply.header('www-authenticate', 'Bearer realm="roster-admin"');
        return reply.code(401).send({ error: { code: 'auth.invalid', message: 'send an admin key as "Authorization: Bearer rsk_…", or scrape from an address in ROSTER_METRICS_ALLOWLIST' } });
      }
    }
    return reply.type(PROMETHEUS_CONTENT_TYPE).send(renderPrometheus(await deps.services.metrics.registry.collect()));
  });
}
