import { attr, type SchemaDef } from './attribute-def.ts';

export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** RFC 7643 §4.3. */
export const enterpriseUserSchema: SchemaDef = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attr('employeeNumber', 'string'),
    attr('costCenter', 'string'),
    attr('organization', 'string'),
    attr('division', 'string'),
    attr('department', 'string'),
    attr('manager', 'complex', {
      subAttributes: [
        attr('value', 'string', { description: 'The id of the SCIM resource representing the manager.' }),
        attr('$ref', 'reference', { referenceTypes: ['User'] }),
        attr('displayName', 'string', { mutability: 'readOnly' }),
      ],
    }),
  ],
};
