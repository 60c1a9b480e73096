import { attr, type SchemaDef } from './attribute-def.ts';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** RFC 7643 §4.2. Members live in their own table; `members` here only describes their shape. */
export const groupSchema: SchemaDef = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    attr('displayName', 'string', { required: true, uniqueness: 'server', description: 'A human-readable name for the Group.' }),
    attr('members', 'complex', {
      multiValued: true,
      description: 'A list of members of the Group.',
      subAttributes: [
        attr('value', 'string', { mutability: 'immutable', description: 'Identifier of the member.' }),
        attr('$ref', 'reference', { mutability: 'immutable', referenceTypes: ['User', 'Group'] }),
        attr('display', 'string', { mutability: 'immutable' }),
        attr('type', 'string', { mutability: 'immutable', canonicalValues: ['User', 'Group'] }),
      ],
    }),
  ],
};
