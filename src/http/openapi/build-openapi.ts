import { z } from 'zod';
import type { ApiRoute } from '../admin/api-route.ts';

/** A group of routes under one prefix and one security scheme (none: public). */
export interface ApiSection {
  readonly prefix: string;
  readonly security: 'adminKey' | 'appKey' | null;
  readonly routes: readonly ApiRoute[];
}

type JsonSchema = Record<string, unknown>;

/** `/apps/:id/grants/:groupId` -> `/apps/{id}/grants/{groupId}` */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * The JSON Schema of what a client sends (`io: 'input'`: before defaults and transforms). A type JSON
 * Schema cannot say (a refinement's function, a transform) becomes `{}` rather than failing the document.
 */
function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function queryParameters(schema: z.ZodType | undefined): JsonSchema[] {
  if (!schema) return [];
  const json = jsonSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => ({ name, in: 'query', required: required.has(name), schema: s, ...(typeof s.description === 'string' ? { description: s.description } : {}) }));
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

function operation(route: ApiRoute, fullPath: string, security: ApiSection['security']) {
  // A route anyone may call (the console's setup and sign-in) needs no key, whatever its section.
  if (route.access === 'public') security = null;
  const pathParameters = [...fullPath.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  const status = String(route.status ?? 200);
  const responses: Record<string, unknown> = {
    [status]: status === '204' ? { description: route.returns } : { description: route.returns, content: { 'application/json': { schema: {} } } },
  };
  if (route.body || route.query) responses['400'] = errorResponse(`a body or query the schema refuses (\`${route.invalid}\`, with the field in \`field\` and the message), or a rule of the domain`);
  else if (security) responses['400'] = errorResponse('a rule of the domain refuses the request');
  if (security) responses['401'] = errorResponse('no valid key');
  if (pathParameters.length > 0) responses['404'] = errorResponse('no such resource');
  return {
    operationId: `${route.method.toLowerCase()}${fullPath.replace(/\{([^}]+)\}/g, 'By/$1').split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}`,
    tags: [route.tag],
    summary: route.summary,
    security: security ? [{ [security]: [] }] : [],
    parameters: [...pathParameters, ...queryParameters(route.query)],
    ...(route.body
      ? { requestBody: { required: !route.body.safeParse({}).success, content: { 'application/json': { schema: jsonSchema(route.body) } } } }
      : {}),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document of the APIs under `/api/v1`, made from the route tables whose schemas
 * validate the requests (src/http/admin/api-route.ts): what is documented is what is enforced.
 */
export function buildOpenApi(sections: readonly ApiSection[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  for (const section of sections) {
    for (const route of section.routes) {
      const fullPath = openApiPath(section.prefix + route.path);
      const item = (paths[fullPath] ??= {});
      const method = route.method.toLowerCase();
      if (item[method]) throw new Error(`two routes for ${route.method} ${fullPath}`);
      item[method] = operation(route, fullPath, section.security);
      tags.add(route.tag);
    }
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Roster API',
      version,
      description: 'The admin API (`/api/v1`, admin keys `rsk_…`) and the read API for apps (`/api/v1/app`, app keys `rak_…`) of Roster. The SCIM endpoints (`/scim/v2`, `/scim/v1`) follow RFC 7644 and are described by their own discovery documents.',
    },
    tags: [...tags].map((name) => ({ name })),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      securitySchemes: {
        adminKey: { type: 'http', scheme: 'bearer', description: 'An admin key (`rsk_…`, `roster admin-key create`); `X-Api-Key: rsk_…` works too' },
        appKey: { type: 'http', scheme: 'bearer', description: "An app's read-API key (`rak_…`, `roster app key create`)" },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string', description: 'an error code of docs/errors.md' }, message: { type: 'string' }, field: { type: 'string', description: 'the input field at fault, when one is' } },
            },
          },
        },
      },
    },
  };
}
