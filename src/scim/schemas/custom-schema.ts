import { attr, type AttributeType, type SchemaDef } from './attribute-def.ts';
import { userResourceType, type ResourceTypeDef } from './resource-types.ts';

/**
 * The extension schema holding a directory's custom attributes: declared by an admin, listed in
 * that directory's `/Schemas` so Okta's "Refresh Attribute List" and Entra's attribute mapping can
 * target them, and validated, stored and filtered like any extension.
 */
export const CUSTOM_USER_SCHEMA = 'urn:roster:params:scim:schemas:extension:custom:2.0:User';

export const CUSTOM_ATTRIBUTE_TYPES = ['string', 'boolean', 'integer', 'decimal', 'dateTime', 'reference'] as const satisfies readonly AttributeType[];
export type CustomAttributeType = (typeof CUSTOM_ATTRIBUTE_TYPES)[number];

export interface CustomAttribute {
  readonly name: string;
  readonly type: CustomAttributeType;
  readonly multiValued: boolean;
  readonly caseExact: boolean;
  readonly description: string;
}

const cache = new Map<string, ResourceTypeDef>();

/** The User resource type of a directory with these custom attributes (the core one when none). */
export function userTypeWith(attributes: readonly CustomAttribute[]): ResourceTypeDef {
  if (attributes.length === 0) return userResourceType;
  const key = JSON.stringify(attributes);
  let type = cache.get(key);
  if (!type) {
    const schema: SchemaDef = {
      id: CUSTOM_USER_SCHEMA,
      name: 'CustomUser',
      description: "Attributes this directory's administrators declared",
      attributes: attributes.map((a) => attr(a.name, a.type, { multiValued: a.multiValued, caseExact: a.caseExact, description: a.description })),
    };
    type = { ...userResourceType, extensions: [...userResourceType.extensions, { schema, required: false }] };
    // Directories change their attributes rarely; a bounded cache keeps the per-request cost at a lookup.
    if (cache.size > 1000) cache.clear();
    cache.set(key, type);
  }
  return type;
}
