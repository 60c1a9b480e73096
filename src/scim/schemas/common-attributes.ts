import { attr } from './attribute-def.ts';

/** RFC 7643 §3.1: attributes every resource has, outside any schema's attribute list. */
export const commonAttributes = [
  attr('id', 'string', { mutability: 'readOnly', returned: 'always', uniqueness: 'server', caseExact: true }),
  attr('externalId', 'string', { caseExact: true, description: 'Identifier of the resource as defined by the provisioning client.' }),
  attr('meta', 'complex', {
    mutability: 'readOnly',
    subAttributes: [
      attr('resourceType', 'string', { mutability: 'readOnly', caseExact: true }),
      attr('created', 'dateTime', { mutability: 'readOnly' }),
      attr('lastModified', 'dateTime', { mutability: 'readOnly' }),
      attr('location', 'reference', { mutability: 'readOnly', caseExact: true }),
      attr('version', 'string', { mutability: 'readOnly', caseExact: true }),
    ],
  }),
] as const;
