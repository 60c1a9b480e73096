import type { FastifyInstance } from 'fastify';
import { pathOnly, renderScimError } from '../render-error.ts';
import { rejectRepeatedParameters } from '../reject-repeated-parameters.ts';
import { createScimAuthHook } from '../scim/authenticate-scim.ts';
import type { ScimDeps } from '../scim/scim-deps.ts';
import { toV1Response } from './send-v1.ts';
import { registerV1DiscoveryRoutes } from './v1-discovery-routes.ts';
import { registerV1GroupRoutes } from './v1-group-routes.ts';
import { registerV1UserRoutes } from './v1-user-routes.ts';

/**
 * SCIM 1.1 at `/scim/v1/{directoryId}` (draft-scim-api-01, as Okta's SCIM 1.1 apps speak it): the
 * same authentication, directory checks, storage and provisioning as `/scim/v2`, translated at the
 * edge (src/scim/v1). Errors go through the shared SCIM error handler and leave as 1.1 bodies.
 */
export async function registerScimV1(app: FastifyInstance, deps: ScimDeps) {
  await app.register(
    async (scim) => {
      scim.setErrorHandler(renderScimError);
      scim.setNotFoundHandler((request, reply) => renderScimError(Object.assign(new Error(`no SCIM 1.1 endpoint ${request.method} ${pathOnly(request.url)}`), { statusCode: 404 }), request, reply));
      scim.addHook('onRequest', createScimAuthHook(deps.services.authenticate));
      scim.addHook('onRequest', rejectRepeatedParameters);
      scim.addHook('onSend', toV1Response);
      registerV1DiscoveryRoutes(scim, deps);
      registerV1UserRoutes(scim, deps);
      registerV1GroupRoutes(scim, deps);
    },
    { prefix: '/scim/v1/:directoryId' },
  );
}
