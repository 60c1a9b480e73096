import { attr, type SchemaDef } from '../schemas/attribute-def.ts';
import { groupResourceType, type ResourceTypeDef } from '../schemas/resource-types.ts';
import { OKTA_GROUP_SCHEMA } from './v1-urns.ts';

/**
 * Okta's SCIM 1.1 group push sends the Okta group's description as
 * `"urn:okta:custom:group:1.0": {"description": "…"}` (with the URN in `schemas`). RFC 7643's Group
 * has no description, so it is stored as an extension under Okta's own URN, exactly as written: it
 * reads back through 1.1 unchanged and through 2.0 as the same extension object.
 */
export const oktaGroupSchema: SchemaDef = {
  id: OKTA_GROUP_SCHEMA,
  name: 'OktaGroup',
  description: "Okta's custom group attributes (SCIM 1.1 group push)",
  attributes: [attr('description', 'string', { description: 'The description of the Okta group.' })],
};

/** The Group type SCIM 1.1 writes through: the core Group plus Okta's extension. */
export const v1GroupType: ResourceTypeDef = {
  ...groupResourceType,
  extensions: [...groupResourceType.extensions, { schema: oktaGroupSchema, required: false }],
};
