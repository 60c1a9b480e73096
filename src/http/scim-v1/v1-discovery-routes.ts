import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findV1SchemaDoc, v1ResourceTypeDocs, v1SchemaDocs, v1ServiceProviderConfig } from '../../scim/v1/v1-discovery.ts';
import { refuseWrites } from '../scim/refuse-writes.ts';
import type { ScimDeps } from '../scim/scim-deps.ts';
import { V1_CONTENT_TYPE } from './send-v1.ts';
import { v1Context } from './v1-context.ts';

/** SCIM 1.1 discovery, derived from the same config and schemas that enforce the behaviour. */
export function registerV1DiscoveryRoutes(app: FastifyInstance, deps: ScimDeps) {
  const { config } = deps;
  const typesOf = (request: FastifyRequest) => {
    const ctx = v1Context(config, request);
    return [ctx.userType, ctx.groupType];
  };

  // Okta's on-premises agent reads `userManagementCapabilities` and `filter.maxResults` here.
  app.get('/ServiceProviderConfigs', async (request, reply) =>
    reply.type(V1_CONTENT_TYPE).send(
      v1ServiceProviderConfig({ maxResults: config.limits.maxPageSize, passwordSync: v1Context(config, request).passwordMode === 'store' }),
    ),
  );
  app.get('/Schemas', async (request, reply) => reply.type(V1_CONTENT_TYPE).send(v1SchemaDocs(typesOf(request))));
  app.get('/Schemas/:name', async (request: FastifyRequest<{ Params: { name: string } }>, reply) =>
    reply.type(V1_CONTENT_TYPE).send(findV1SchemaDoc(typesOf(request), request.params.name)),
  );
  app.get('/ResourceTypes', async (request, reply) => reply.type(V1_CONTENT_TYPE).send(v1ResourceTypeDocs(typesOf(request))));
  refuseWrites(app, ['/ServiceProviderConfigs', '/Schemas', '/Schemas/:name', '/ResourceTypes']);
}
