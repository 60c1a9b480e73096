import type { FastifyInstance, FastifyRequest } from 'fastify';
import { resourceTypeDoc, resourceTypeDocs, schemaDoc, schemaDocs, serviceProviderConfig } from '../../scim/discovery.ts';
import { groupResourceType } from '../../scim/schemas/resource-types.ts';
import { SCIM_CONTENT_TYPE } from '../render-error.ts';
import { scimContext } from './scim-context.ts';
import { refuseWrites } from './refuse-writes.ts';
import type { ScimDeps } from './scim-deps.ts';

/** RFC 7644 §4: what the server really supports, derived from the same config that enforces it. */
export function registerDiscoveryRoutes(app: FastifyInstance, deps: ScimDeps) {
  const { config } = deps;
  const base = (request: FastifyRequest) => scimContext(config, request).baseUrl;
  // A directory's custom attributes are an extension schema of its own User type.
  const typesOf = (request: FastifyRequest) => [scimContext(config, request).userType, groupResourceType];
  const schemasOf = (request: FastifyRequest) => [...new Set(typesOf(request).flatMap((t) => [t.schema, ...t.extensions.map((e) => e.schema)]))];

  app.get('/ServiceProviderConfig', async (request, reply) =>
    reply.type(SCIM_CONTENT_TYPE).send(
      serviceProviderConfig({
        baseUrl: base(request),
        maxPageSize: config.limits.maxPageSize,
        defaultPageSize: config.limits.defaultPageSize,
        bulk: { maxOperations: config.limits.bulkMaxOperations, maxPayloadSize: config.limits.bulkMaxPayloadBytes },
        etag: true,
        sort: true,
        patch: true,
        changePassword: false,
        cursorPaging: { maxPageSize: config.limits.maxPageSize },
      }),
    ),
  );
  app.get('/ResourceTypes', async (request, reply) => reply.type(SCIM_CONTENT_TYPE).send(resourceTypeDocs(base(request), typesOf(request))));
  app.get('/ResourceTypes/:name', async (request: FastifyRequest<{ Params: { name: string } }>, reply) =>
    reply.type(SCIM_CONTENT_TYPE).send(resourceTypeDoc(base(request), request.params.name, typesOf(request))),
  );
  app.get('/Schemas', async (request, reply) => reply.type(SCIM_CONTENT_TYPE).send(schemaDocs(base(request), schemasOf(request))));
  app.get('/Schemas/:id', async (request: FastifyRequest<{ Params: { id: string } }>, reply) =>
    reply.type(SCIM_CONTENT_TYPE).send(schemaDoc(base(request), request.params.id, schemasOf(request))),
  );
  refuseWrites(app, ['/ServiceProviderConfig', '/ResourceTypes', '/ResourceTypes/:name', '/Schemas', '/Schemas/:id']);
}
