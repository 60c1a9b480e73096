import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/create-services.ts';
import { renderApiError } from '../render-error.ts';
import { adminKeyRoutes } from './admin-key-routes.ts';
import { createAdminAuthHook } from './authenticate-admin.ts';
import { registerApiRoutes, type ApiRoute } from './api-route.ts';
import { directoryRoutes, type DirectoryDeps } from './directory-routes.ts';
import { opsRoutes } from './ops-routes.ts';
import { orgRoutes, type OrgDeps } from './org-routes.ts';
import { scimBrowseRoutes, type ScimBrowseDeps } from './scim-browse-routes.ts';
import { sessionRoutes } from './session-routes.ts';
import { webhookRoutes, type FeedAndWebhookDeps } from './webhook-routes.ts';

export type AdminDeps = Pick<Services, 'adminKeys' | 'admins' | 'adminSessions' | 'adminSetup' | 'requestLog' | 'audit' | 'provisioningStatus'> & DirectoryDeps & FeedAndWebhookDeps & OrgDeps & ScimBrowseDeps;

/** A route of the admin API as registered: tests walk them all (every write route is role-checked). */
export interface AdminRouteInfo {
  readonly method: string;
  readonly url: string;
  readonly access: string | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the admin API, filled as they are registered. */
    adminRoutes: readonly AdminRouteInfo[];
  }
}

/**
 * Every route of the admin API, relative to `/api/v1`, as data. Handlers only close over `deps`, so
 * the table can be built without services (`{} as never`) to describe it (src/http/openapi/).
 */
export function adminRoutes(deps: AdminDeps): ApiRoute[] {
  return [...directoryRoutes(deps), ...webhookRoutes(deps), ...opsRoutes(deps), ...sessionRoutes(deps), ...adminKeyRoutes(deps), ...scimBrowseRoutes(deps), ...orgRoutes(deps)];
}

/** The admin REST API at `/api/v1`, behind the admin auth hook (admin keys and console sessions). */
export async function registerAdmin(app: FastifyInstance, deps: AdminDeps) {
  const routes: AdminRouteInfo[] = [];
  app.decorate('adminRoutes', routes);
  await app.register(
    async (api) => {
      api.addHook('onRoute', (route) => {
        for (const method of [route.method].flat()) routes.push({ method, url: route.url, access: (route.config as { access?: string } | undefined)?.access });
      });
      api.setErrorHandler(renderApiError);
      api.addHook('onRequest', createAdminAuthHook(deps));
      registerApiRoutes(api, adminRoutes(deps));
    },
    { prefix: '/api/v1' },
  );
}
