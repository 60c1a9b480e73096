import type { AttributeDef, SchemaDef } from './attribute-def.ts';
import { commonAttributes } from './common-attributes.ts';
import { ENTERPRISE_USER_SCHEMA, enterpriseUserSchema } from './enterprise-user-schema.ts';
import { GROUP_SCHEMA, groupSchema } from './group-schema.ts';
import { USER_SCHEMA, userSchema } from './user-schema.ts';

export type ResourceTypeName = 'User' | 'Group';

export interface ResourceTypeDef {
  readonly name: ResourceTypeName;
  readonly endpoint: '/Users' | '/Groups';
  readonly description: string;
  readonly schema: SchemaDef;
  readonly extensions: readonly { readonly schema: SchemaDef; readonly required: boolean }[];
}

export const userResourceType: ResourceTypeDef = {
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: userSchema,
  extensions: [{ schema: enterpriseUserSchema, required: false }],
};

export const groupResourceType: ResourceTypeDef = {
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: groupSchema,
  extensions: [],
};

export const resourceTypes: readonly ResourceTypeDef[] = [userResourceType, groupResourceType];

export const allSchemas: readonly SchemaDef[] = [userSchema, enterpriseUserSchema, groupSchema];

/** Where a resolved attribute lives: the core schema (top level of the resource) or an extension object. */
export interface ResolvedAttribute {
  /** The extension URN holding the attribute, or undefined for core and common attributes. */
  readonly extension: string | undefined;
  readonly def: AttributeDef;
}

/**
 * Finds a top-level attribute of a resource type by name, ignoring case (RFC 7644 §3.10: attribute
 * names are case-insensitive). `schemaUrn` is the URN prefix of a fully qualified path, if any.
 */
export function findAttribute(type: ResourceTypeDef, schemaUrn: string | undefined, name: string): ResolvedAttribute | undefined {
  const lower = name.toLowerCase();
  if (schemaUrn === undefined || schemaUrn.toLowerCase() === type.schema.id.toLowerCase()) {
    const def =
      commonAttributes.find((a) => a.name.toLowerCase() === lower) ??
      type.schema.attributes.find((a) => a.name.toLowerCase() === lower);
    if (def) return { extension: undefined, def };
    if (schemaUrn !== undefined) return undefined;
  }
  for (const ext of type.extensions) {
    if (schemaUrn !== undefined && schemaUrn.toLowerCase() !== ext.schema.id.toLowerCase()) continue;
    const def = ext.schema.attributes.find((a) => a.name.toLowerCase() === lower);
    if (def) return { extension: ext.schema.id, def };
  }
  return undefined;
}

/** Finds a sub-attribute of a complex attribute, ignoring case. */
export function findSubAttribute(parent: AttributeDef, name: string): AttributeDef | undefined {
  const lower = name.toLowerCase();
  return parent.subAttributes?.find((a) => a.name.toLowerCase() === lower);
}

/** The extension URN a schema id names in this resource type, in its canonical case. */
export function findExtension(type: ResourceTypeDef, urn: string): SchemaDef | undefined {
  const lower = urn.toLowerCase();
  return type.extensions.find((e) => e.schema.id.toLowerCase() === lower)?.schema;
}

export { USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA };
