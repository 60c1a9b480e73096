import type { FastifyInstance } from 'fastify';
import { registerApiRoutes, type ApiRoute, defineRoute } from '../admin/api-route.ts';
import { adminRoutes } from '../admin/register-admin.ts';
import { appApiRoutes } from '../app-api/register-app-api.ts';
import { renderApiError } from '../render-error.ts';
import { buildOpenApi } from './build-openapi.ts';

const API_VERSION = '1';

/**
 * `GET /api/v1/openapi.json`, public (it holds no secret), registered outside the admin API's plugin so
 * its key hook does not apply. The tables are built with no services: handlers only close over them
 * and are never called here, so the document needs nothing but the schemas.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  let document: unknown;
  const openApiRoute: ApiRoute = defineRoute({
    method: 'GET', path: '/openapi.json', tag: 'Meta', summary: 'This document: the OpenAPI 3.1 description of the admin API and the read API', invalid: 'request.invalid', returns: 'the OpenAPI document',
    handle: async () => (document ??= buildOpenApi(
      [
        { prefix: '/api/v1', security: null, routes: [openApiRoute] },
        { prefix: '/api/v1', security: 'adminKey', routes: adminRoutes({} as never) },
        { prefix: '/api/v1/app', security: 'appKey', routes: appApiRoutes({} as never) },
      ],
      API_VERSION,
    )),
  });
  await app.register(
    async (api) => {
      api.setErrorHandler(renderApiError);
      registerApiRoutes(api, [openApiRoute]);
    },
    { prefix: '/api/v1' },
  );
}
