import { describe, expect, it } from 'vitest';
import { userTypeWith } from '../schemas/custom-schema.ts';
import { userResourceType } from '../schemas/resource-types.ts';
import { ScimError } from '../scim-error.ts';
import { v1GroupType } from './okta-group-schema.ts';
import { findV1SchemaDoc, oktaCapabilities, v1ResourceTypeDocs, v1SchemaDocs, v1ServiceProviderConfig } from './v1-discovery.ts';
import { toV1ErrorBody } from './v1-error-body.ts';

describe('v1ServiceProviderConfig', () => {
  it("carries Okta's capability block and the configured page limit", () => {
    const config = v1ServiceProviderConfig({ maxResults: 100, passwordSync: false });
    expect(config.schemas).toEqual(['urn:scim:schemas:core:1.0', 'urn:okta:schemas:scim:providerconfig:1.0']);
    expect(config.filter).toEqual({ supported: true, maxResults: 100 });
    expect(config.changePassword).toEqual({ supported: false });
    expect(config['urn:okta:schemas:scim:providerconfig:1.0']).toEqual({
      userManagementCapabilities: [
        'GROUP_PUSH', 'IMPORT_NEW_USERS', 'IMPORT_PROFILE_UPDATES', 'PUSH_NEW_USERS', 'PUSH_PENDING_USERS',
        'PUSH_PROFILE_UPDATES', 'PUSH_USER_DEACTIVATION', 'REACTIVATE_USERS',
      ],
    });
  });

  it('advertises password pushes only when the directory keeps passwords', () => {
    expect(oktaCapabilities(true)).toContain('PUSH_PASSWORD_UPDATES');
    expect(oktaCapabilities(false)).not.toContain('PUSH_PASSWORD_UPDATES');
    expect(v1ServiceProviderConfig({ maxResults: 10, passwordSync: true }).changePassword).toEqual({ supported: true });
  });
});

describe('1.1 schemas', () => {
  const types = [userTypeWith([{ name: 'badge', type: 'string', multiValued: false, caseExact: false, description: 'Badge' }]), v1GroupType];

  it('lists User and Group with every attribute naming its 1.1 schema', () => {
    const docs = v1SchemaDocs(types);
    expect(docs.schemas).toEqual(['urn:scim:schemas:core:1.0']);
    expect(docs.Resources.map((d) => d.id)).toEqual(['urn:scim:schemas:core:1.0:User', 'urn:scim:schemas:core:1.0:Group']);
    const user = docs.Resources[0]!;
    const byName = new Map(user.attributes.map((a) => [a.name, a]));
    expect(byName.get('userName')).toMatchObject({ schema: 'urn:scim:schemas:core:1.0', required: true, readOnly: false });
    expect(byName.get('id')).toMatchObject({ readOnly: true });
    expect(byName.get('department')).toMatchObject({ schema: 'urn:scim:schemas:extension:enterprise:1.0' });
    expect(byName.get('badge')).toMatchObject({ schema: 'urn:roster:params:scim:schemas:extension:custom:2.0:User', type: 'string' });
    expect(byName.get('profileUrl')?.type).toBe('string');
    expect(JSON.stringify(docs)).not.toContain('$ref');
    const group = docs.Resources[1]!;
    expect(group.attributes.find((a) => a.name === 'description')).toMatchObject({ schema: 'urn:okta:custom:group:1.0' });
  });

  it('finds a schema by endpoint, name or id, and 404s otherwise', () => {
    expect(findV1SchemaDoc(types, 'Users').name).toBe('User');
    expect(findV1SchemaDoc(types, 'group').name).toBe('Group');
    expect(findV1SchemaDoc([userResourceType], 'urn:scim:schemas:core:1.0:User').endpoint).toBe('/Users');
    expect(() => findV1SchemaDoc(types, 'Devices')).toThrow(ScimError);
  });

  it('lists resource types with 1.1 URNs', () => {
    const docs = v1ResourceTypeDocs([userResourceType, v1GroupType]);
    expect(docs.Resources[0]).toMatchObject({ name: 'User', schema: 'urn:scim:schemas:core:1.0', schemaExtensions: [{ schema: 'urn:scim:schemas:extension:enterprise:1.0', required: false }] });
  });
});

describe('toV1ErrorBody', () => {
  it('turns a 2.0 error body into the 1.1 Errors list', () => {
    const v2 = new ScimError(409, 'uniqueness', 'userName "a" is already taken in this directory').toBody();
    expect(toV1ErrorBody(v2)).toEqual({
      Errors: [{ description: 'userName "a" is already taken in this directory', code: '409' }],
      detail: 'userName "a" is already taken in this directory',
      status: '409',
    });
  });

  it('leaves anything else alone', () => {
    expect(toV1ErrorBody({ error: { code: 'x', message: 'y' } })).toBeUndefined();
    expect(toV1ErrorBody('text')).toBeUndefined();
  });
});
