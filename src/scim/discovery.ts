/**
 * The discovery documents (RFC 7644 §4): `/ServiceProviderConfig` (RFC 7643 §5), `/ResourceTypes`
 * (RFC 7643 §6) and `/Schemas` (RFC 7643 §7), rendered from the same SchemaDefs that drive
 * validation, filtering and projection. Schemas and resource types are arguments, never globals: a
 * directory may add its own extension schema.
 */
import type { AttributeDef, SchemaDef } from './schemas/attribute-def.ts';
import { allSchemas, resourceTypes as defaultResourceTypes, type ResourceTypeDef } from './schemas/resource-types.ts';
import { listResponse, type ListResponse } from './list-response.ts';
import { scimErrors } from './scim-error.ts';

export const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export interface ServiceProviderConfigOptions {
  readonly baseUrl: string;
  readonly maxPageSize: number;
  /** Page size when `count` is absent; advertised in RFC 9865's `pagination` block when given. */
  readonly defaultPageSize?: number;
  /** RFC 7643 §5 `filter.maxResults`; defaults to `maxPageSize`. */
  readonly maxFilterResults?: number;
  /** `maxOperations: 0` advertises bulk as unsupported. */
  readonly bulk: { readonly maxOperations: number; readonly maxPayloadSize: number };
  readonly etag: boolean;
  readonly sort: boolean;
  readonly patch: boolean;
  readonly changePassword: boolean;
  /** Present when RFC 9865 cursor paging is on. */
  readonly cursorPaging?: { readonly maxPageSize: number; readonly cursorTimeoutSeconds?: number };
}

interface Meta {
  resourceType: string;
  location: string;
}

export interface ServiceProviderConfigResource {
  schemas: [typeof SERVICE_PROVIDER_CONFIG_SCHEMA];
  documentationUri?: string;
  patch: { supported: boolean };
  bulk: { supported: boolean; maxOperations: number; maxPayloadSize: number };
  filter: { supported: boolean; maxResults: number };
  changePassword: { supported: boolean };
  sort: { supported: boolean };
  etag: { supported: boolean };
  authenticationSchemes: AuthenticationScheme[];
  pagination: PaginationConfig;
  meta: Meta;
}

interface AuthenticationScheme {
  type: string;
  name: string;
  description: string;
  specUri: string;
  documentationUri?: string;
  primary: boolean;
}

/** RFC 9865, "Service Provider Configuration": the `pagination` block. */
interface PaginationConfig {
  cursor: boolean;
  index: boolean;
  defaultPaginationMethod: 'index' | 'cursor';
  defaultPageSize?: number;
  maxPageSize: number;
  cursorTimeout?: number;
}

export function serviceProviderConfig(opts: ServiceProviderConfigOptions, documentationUri?: string): ServiceProviderConfigResource {
  const base = trimSlash(opts.baseUrl);
  const pagination: PaginationConfig = {
    cursor: opts.cursorPaging !== undefined,
    index: true,
    // Index stays the default: Okta and Entra page by startIndex and never send `cursor` (RFC 9865,
    // "Implementing Both Cursors and Index Pagination": keep index the default for existing clients).
    defaultPaginationMethod: 'index',
    ...(opts.defaultPageSize !== undefined ? { defaultPageSize: opts.defaultPageSize } : {}),
    // One number for both methods: the smaller, so a client asking for it gets full pages either way.
    maxPageSize: opts.cursorPaging ? Math.min(opts.maxPageSize, opts.cursorPaging.maxPageSize) : opts.maxPageSize,
    ...(opts.cursorPaging?.cursorTimeoutSeconds !== undefined ? { cursorTimeout: opts.cursorPaging.cursorTimeoutSeconds } : {}),
  };
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    ...(documentationUri !== undefined ? { documentationUri } : {}),
    patch: { supported: opts.patch },
    bulk: { supported: opts.bulk.maxOperations > 0, maxOperations: opts.bulk.maxOperations, maxPayloadSize: opts.bulk.maxPayloadSize },
    filter: { supported: true, maxResults: opts.maxFilterResults ?? opts.maxPageSize },
    changePassword: { supported: opts.changePassword },
    sort: { supported: opts.sort },
    etag: { supported: opts.etag },
    // DESIGN §4: a bearer token, or HTTP Basic with the token as password for IdP apps that only offer Basic.
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with the directory token sent as an OAuth 2.0 bearer token.',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
      {
        type: 'httpbasic',
        name: 'HTTP Basic',
        description: 'HTTP Basic authentication with any user name and the directory token as the password.',
        specUri: 'https://www.rfc-editor.org/info/rfc7617',
        primary: false,
      },
    ],
    pagination,
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

export interface ResourceTypeResource {
  schemas: [typeof RESOURCE_TYPE_SCHEMA];
  id: string;
  name: string;
  endpoint: string;
  description: string;
  schema: string;
  schemaExtensions?: { schema: string; required: boolean }[];
  meta: Meta;
}

function renderResourceType(base: string, type: ResourceTypeDef): ResourceTypeResource {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: type.name,
    name: type.name,
    endpoint: type.endpoint,
    description: type.description,
    schema: type.schema.id,
    // Left out when empty, as in RFC 7643 §8.6's Group example.
    ...(type.extensions.length > 0
      ? { schemaExtensions: type.extensions.map((e) => ({ schema: e.schema.id, required: e.required })) }
      : {}),
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/${type.name}` },
  };
}

/** `GET /ResourceTypes` (RFC 7644 §4). */
export function resourceTypeDocs(baseUrl: string, types: readonly ResourceTypeDef[] = defaultResourceTypes): ListResponse<ResourceTypeResource> {
  const base = trimSlash(baseUrl);
  const docs = types.map((t) => renderResourceType(base, t));
  return listResponse(docs, { totalResults: docs.length });
}

/** `GET /ResourceTypes/{name}`; unknown names are 404 (RFC 7644 §3.12). */
export function resourceTypeDoc(baseUrl: string, name: string, types: readonly ResourceTypeDef[] = defaultResourceTypes): ResourceTypeResource {
  const type = types.find((t) => t.name.toLowerCase() === name.toLowerCase());
  if (!type) throw scimErrors.notFound(`Resource type ${name} not found`);
  return renderResourceType(trimSlash(baseUrl), type);
}

export interface SchemaResource {
  schemas: [typeof SCHEMA_SCHEMA];
  id: string;
  name: string;
  description: string;
  attributes: AttributeDoc[];
  meta: Meta;
}

/** RFC 7643 §7: an attribute with every characteristic spelled out, so clients assume no defaults. */
export interface AttributeDoc {
  name: string;
  type: AttributeDef['type'];
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: AttributeDef['mutability'];
  returned: AttributeDef['returned'];
  uniqueness: AttributeDef['uniqueness'];
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDoc[];
}

function renderAttribute(def: AttributeDef): AttributeDoc {
  return {
    name: def.name,
    type: def.type,
    multiValued: def.multiValued,
    description: def.description,
    required: def.required,
    caseExact: def.caseExact,
    mutability: def.mutability,
    returned: def.returned,
    uniqueness: def.uniqueness,
    ...(def.canonicalValues && def.canonicalValues.length > 0 ? { canonicalValues: [...def.canonicalValues] } : {}),
    ...(def.referenceTypes ? { referenceTypes: [...def.referenceTypes] } : {}),
    ...(def.subAttributes ? { subAttributes: def.subAttributes.map(renderAttribute) } : {}),
  };
}

function renderSchema(base: string, schema: SchemaDef): SchemaResource {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(renderAttribute),
    // The URN goes into the path unencoded, as in RFC 7643 §8.7.1 ("/v2/Schemas/urn:ietf:…:User").
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${schema.id}` },
  };
}

/** `GET /Schemas`: Entra reads it on every save of a provisioning config and wants a ListResponse. */
export function schemaDocs(baseUrl: string, schemas: readonly SchemaDef[] = allSchemas): ListResponse<SchemaResource> {
  const base = trimSlash(baseUrl);
  const docs = schemas.map((s) => renderSchema(base, s));
  return listResponse(docs, { totalResults: docs.length });
}

/** `GET /Schemas/{id}`; URNs compare ignoring case (RFC 8141 §3.1 for the NID, and clients vary). */
export function schemaDoc(baseUrl: string, id: string, schemas: readonly SchemaDef[] = allSchemas): SchemaResource {
  const schema = schemas.find((s) => s.id.toLowerCase() === id.toLowerCase());
  if (!schema) throw scimErrors.notFound(`Schema ${id} not found`);
  return renderSchema(trimSlash(baseUrl), schema);
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
