import type { FastifyInstance } from 'fastify';
import { pathOnly, renderScimError } from '../render-error.ts';
import { rejectRepeatedParameters } from '../reject-repeated-parameters.ts';
import { createScimAuthHook } from './authenticate-scim.ts';
import { registerBulkRoute } from './bulk-route.ts';
import { registerDiscoveryRoutes } from './discovery-routes.ts';
import { registerGroupRoutes } from './group-routes.ts';
import { registerRootSearchRoute } from './root-search-route.ts';
import { normalizeScimRequest } from './normalize-request.ts';
import type { ScimDeps } from './scim-deps.ts';
import { registerUserRoutes } from './user-routes.ts';

/** SCIM 2.0 at `/scim/v2/{directoryId}`: every route authenticated by the directory's token. */
export async function registerScim(app: FastifyInstance, deps: ScimDeps) {
  await app.register(
    async (scim) => {
      scim.setErrorHandler(renderScimError);
      scim.setNotFoundHandler((request, reply) => renderScimError(Object.assign(new Error(`no SCIM endpoint ${request.method} ${pathOnly(request.url)}`), { statusCode: 404 }), request, reply));
      scim.addHook('onRequest', createScimAuthHook(deps.services.authenticate));
      scim.addHook('onRequest', rejectRepeatedParameters);
      scim.addHook('preHandler', normalizeScimRequest);
      registerDiscoveryRoutes(scim, deps);
      registerUserRoutes(scim, deps);
      registerGroupRoutes(scim, deps);
      registerBulkRoute(scim, deps);
      registerRootSearchRoute(scim, deps);
    },
    { prefix: '/scim/v2/:directoryId' },
  );
}
