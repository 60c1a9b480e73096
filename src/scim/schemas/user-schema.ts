import { attr, multiValuedSubs, type SchemaDef } from './attribute-def.ts';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

const ref = (types: string[]) => attr('$ref', 'reference', { referenceTypes: types, description: 'The URI of the referenced resource.' });

/** RFC 7643 §4.1 and §8.7.1. */
export const userSchema: SchemaDef = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    attr('userName', 'string', { required: true, uniqueness: 'server', description: 'Unique identifier for the User, typically used by the user to directly authenticate.' }),
    attr('name', 'complex', {
      description: "The components of the user's real name.",
      subAttributes: [
        attr('formatted', 'string'),
        attr('familyName', 'string'),
        attr('givenName', 'string'),
        attr('middleName', 'string'),
        attr('honorificPrefix', 'string'),
        attr('honorificSuffix', 'string'),
      ],
    }),
    attr('displayName', 'string', { description: 'The name of the User, suitable for display to end-users.' }),
    attr('nickName', 'string'),
    attr('profileUrl', 'reference', { referenceTypes: ['external'] }),
    attr('title', 'string'),
    attr('userType', 'string'),
    attr('preferredLanguage', 'string'),
    attr('locale', 'string'),
    attr('timezone', 'string'),
    attr('active', 'boolean', { description: "The User's administrative status." }),
    attr('password', 'string', { mutability: 'writeOnly', returned: 'never', description: "The User's cleartext password; never returned." }),
    attr('emails', 'complex', { multiValued: true, subAttributes: multiValuedSubs(['work', 'home', 'other']) }),
    attr('phoneNumbers', 'complex', { multiValued: true, subAttributes: multiValuedSubs(['work', 'home', 'mobile', 'fax', 'pager', 'other']) }),
    attr('ims', 'complex', { multiValued: true, subAttributes: multiValuedSubs(['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']) }),
    attr('photos', 'complex', { multiValued: true, subAttributes: multiValuedSubs(['photo', 'thumbnail'], 'reference') }),
    attr('addresses', 'complex', {
      multiValued: true,
      subAttributes: [
        attr('formatted', 'string'),
        attr('streetAddress', 'string'),
        attr('locality', 'string'),
        attr('region', 'string'),
        attr('postalCode', 'string'),
        attr('country', 'string'),
        attr('type', 'string', { canonicalValues: ['work', 'home', 'other'] }),
        attr('primary', 'boolean'),
      ],
    }),
    attr('groups', 'complex', {
      multiValued: true,
      mutability: 'readOnly',
      description: 'Groups to which the user belongs, derived from group membership; read-only here.',
      subAttributes: [
        attr('value', 'string', { mutability: 'readOnly' }),
        ref(['User', 'Group']),
        attr('display', 'string', { mutability: 'readOnly' }),
        attr('type', 'string', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
      ],
    }),
    attr('entitlements', 'complex', { multiValued: true, subAttributes: multiValuedSubs([]) }),
    attr('roles', 'complex', { multiValued: true, subAttributes: multiValuedSubs([]) }),
    attr('x509Certificates', 'complex', { multiValued: true, subAttributes: multiValuedSubs([], 'binary') }),
  ],
};
