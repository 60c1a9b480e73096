import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/create-services.ts';
import { renderApiError } from '../render-error.ts';
import { createAdminAuthHook } from './authenticate-admin.ts';
import { registerApiRoutes, type ApiRoute } from './api-route.ts';
import { directoryRoutes, type DirectoryDeps } from './directory-routes.ts';
import { opsRoutes } from './ops-routes.ts';
import { orgRoutes, type OrgDeps } from './org-routes.ts';
import { webhookRoutes, type FeedAndWebhookDeps } from './webhook-routes.ts';

export type AdminDeps = Pick<Services, 'adminKeys' | 'requestLog' | 'audit' | 'provisioningStatus'> & DirectoryDeps & FeedAndWebhookDeps & OrgDeps;

/**
 * Every route of the admin API, relative to `/api/v1`, as data. Handlers only close over `deps`, so
 * the table can be built without services (`{} as never`) to describe it (src/http/openapi/).
 */
export function adminRoutes(deps: Omit<AdminDeps, 'adminKeys'>): ApiRoute[] {
  return [...directoryRoutes(deps), ...webhookRoutes(deps), ...opsRoutes(deps), ...orgRoutes(deps)];
}

/** The admin REST API at `/api/v1`, behind the admin-key hook. */
export async function registerAdmin(app: FastifyInstance, deps: AdminDeps) {
  await app.register(
    async (api) => {
      api.setErrorHandler(renderApiError);
      api.addHook('onRequest', createAdminAuthHook(deps.adminKeys));
      registerApiRoutes(api, adminRoutes(deps));
    },
    { prefix: '/api/v1' },
  );
}
