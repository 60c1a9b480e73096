/**
 * SCIM 1.1 discovery (draft-scim-api-01 §4, draft-scim-core-schema-01 §5 and §7): the plural
 * `/ServiceProviderConfigs` with Okta's capability block, and `/Schemas` in the 1.1 form where every
 * attribute names its schema. Rendered from the same SchemaDefs that validate and filter.
 */
import { commonAttributes } from '../schemas/common-attributes.ts';
import type { AttributeDef } from '../schemas/attribute-def.ts';
import type { ResourceTypeDef } from '../schemas/resource-types.ts';
import { scimErrors } from '../scim-error.ts';
import { v1ListResponse, type V1ListResponse } from './v1-list-response.ts';
import { CORE_V1_SCHEMA, OKTA_PROVIDER_CONFIG_SCHEMA, toV1Urn } from './v1-urns.ts';

export interface V1ServiceProviderConfigOptions {
  /** `filter.maxResults`: the largest page the server returns. */
  readonly maxResults: number;
  /** Whether the directory keeps synced passwords (`changePassword`, Okta's PUSH_PASSWORD_UPDATES). */
  readonly passwordSync: boolean;
}

/**
 * What Roster does for an Okta SCIM 1.1 app, in the names of Okta's on-premises provisioning
 * capabilities. PUSH_PASSWORD_UPDATES only when the directory stores passwords: advertising it
 * otherwise would make Okta push passwords that are then dropped.
 */
export function oktaCapabilities(passwordSync: boolean): string[] {
  return [
    'GROUP_PUSH',
    'IMPORT_NEW_USERS',
    'IMPORT_PROFILE_UPDATES',
    'PUSH_NEW_USERS',
    ...(passwordSync ? ['PUSH_PASSWORD_UPDATES'] : []),
    'PUSH_PENDING_USERS',
    'PUSH_PROFILE_UPDATES',
    'PUSH_USER_DEACTIVATION',
    'REACTIVATE_USERS',
  ];
}

/** `GET /ServiceProviderConfigs` (draft-scim-core-schema-01 §5). 1.1 has no `/Bulk` here. */
export function v1ServiceProviderConfig(options: V1ServiceProviderConfigOptions): Record<string, unknown> {
  return {
    schemas: [CORE_V1_SCHEMA, OKTA_PROVIDER_CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: options.maxResults },
    changePassword: { supported: options.passwordSync },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        // RFC 7643 §5 `type` values; Okta's SCIM 1.1 test reads `authenticationSchemes[].type`.
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'The directory token sent as "Authorization: Bearer <token>".',
        specUrl: 'https://www.rfc-editor.org/info/rfc6750',
      },
      {
        type: 'httpbasic',
        name: 'HTTP Basic',
        description: 'HTTP Basic with any user name and the directory token as the password.',
        specUrl: 'https://www.rfc-editor.org/info/rfc7617',
      },
    ],
    [OKTA_PROVIDER_CONFIG_SCHEMA]: { userManagementCapabilities: oktaCapabilities(options.passwordSync) },
  };
}

/** draft-scim-core-schema-01 §7: an attribute's characteristics, with the schema it belongs to. */
export interface V1AttributeDoc {
  name: string;
  type: string;
  multiValued: boolean;
  description: string;
  schema: string;
  readOnly: boolean;
  required: boolean;
  caseExact: boolean;
  subAttributes?: V1AttributeDoc[];
}

export interface V1SchemaDoc {
  id: string;
  name: string;
  description: string;
  schema: string;
  endpoint: string;
  attributes: V1AttributeDoc[];
}

function attributeDoc(def: AttributeDef, schema: string): V1AttributeDoc {
  return {
    name: def.name,
    // 1.1 has no `reference` type: references are strings (URIs) there.
    type: def.type === 'reference' ? 'string' : def.type,
    multiValued: def.multiValued,
    description: def.description,
    schema,
    readOnly: def.mutability === 'readOnly',
    required: def.required,
    caseExact: def.caseExact,
    ...(def.subAttributes
      ? { subAttributes: def.subAttributes.filter((s) => s.name !== '$ref' && s.name !== 'resourceType').map((s) => attributeDoc(s, schema)) }
      : {}),
  };
}

/** One resource type as a 1.1 schema: core and common attributes, then each extension's. */
export function v1SchemaDoc(type: ResourceTypeDef): V1SchemaDoc {
  const attributes = [...commonAttributes, ...type.schema.attributes].map((def) => attributeDoc(def, CORE_V1_SCHEMA));
  for (const ext of type.extensions) attributes.push(...ext.schema.attributes.map((def) => attributeDoc(def, toV1Urn(ext.schema.id))));
  return {
    id: `${CORE_V1_SCHEMA}:${type.name}`,
    name: type.name,
    description: type.description,
    schema: CORE_V1_SCHEMA,
    endpoint: type.endpoint,
    attributes,
  };
}

export function v1SchemaDocs(types: readonly ResourceTypeDef[]): V1ListResponse<V1SchemaDoc> {
  const docs = types.map(v1SchemaDoc);
  return v1ListResponse(docs, { totalResults: docs.length, startIndex: 1 });
}

/** `GET /Schemas/Users` (1.1 names schemas by endpoint), `/Schemas/User` or by id; unknown names are 404. */
export function findV1SchemaDoc(types: readonly ResourceTypeDef[], name: string): V1SchemaDoc {
  const lower = name.toLowerCase();
  const type = types.find((t) => [t.name, t.endpoint.slice(1), `${CORE_V1_SCHEMA}:${t.name}`].some((n) => n.toLowerCase() === lower));
  if (!type) throw scimErrors.notFound(`Schema ${name} not found`);
  return v1SchemaDoc(type);
}

/** `/ResourceTypes` does not exist in 1.1; this is its 2.0 content in 1.1 names, for clients that look. */
export function v1ResourceTypeDocs(types: readonly ResourceTypeDef[]): V1ListResponse<Record<string, unknown>> {
  const docs = types.map((t) => ({
    name: t.name,
    endpoint: t.endpoint,
    description: t.description,
    schema: CORE_V1_SCHEMA,
    ...(t.extensions.length > 0 ? { schemaExtensions: t.extensions.map((e) => ({ schema: toV1Urn(e.schema.id), required: e.required })) } : {}),
  }));
  return v1ListResponse(docs, { totalResults: docs.length, startIndex: 1 });
}
