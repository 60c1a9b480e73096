import { describe, expect, it } from 'vitest';
import { attr, type SchemaDef } from './schemas/attribute-def.ts';
import { resourceTypeDoc, resourceTypeDocs, schemaDoc, schemaDocs, serviceProviderConfig, type AttributeDoc } from './discovery.ts';
import { ScimError } from './scim-error.ts';
import { allSchemas, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, resourceTypes, USER_SCHEMA, userResourceType } from './schemas/resource-types.ts';
import { userSchema } from './schemas/user-schema.ts';

const base = 'https://roster.example.com/scim/v2/dir_1';

const configOptions = {
  baseUrl: `${base}/`,
  maxPageSize: 500,
  bulk: { maxOperations: 1000, maxPayloadSize: 1048576 },
  etag: true,
  sort: true,
  patch: true,
  changePassword: false,
};

describe('serviceProviderConfig (RFC 7643 §5)', () => {
  it('advertises every feature with RFC 7643 §5 names', () => {
    const doc = serviceProviderConfig(configOptions, 'https://roster.example.com/docs');
    expect(doc).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      documentationUri: 'https://roster.example.com/docs',
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 500 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
    });
  });

  it('lists bearer token (primary) and HTTP Basic authentication', () => {
    const schemes = serviceProviderConfig(configOptions).authenticationSchemes;
    expect(schemes.map((s) => [s.type, s.primary])).toEqual([
      ['oauthbearertoken', true],
      ['httpbasic', false],
    ]);
    for (const scheme of schemes) expect(scheme).toHaveProperty('specUri');
  });

  it('advertises index paging only when cursors are off (RFC 9865 pagination block)', () => {
    expect(serviceProviderConfig({ ...configOptions, defaultPageSize: 100 }).pagination).toEqual({
      cursor: false,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: 100,
      maxPageSize: 500,
    });
  });

  it('advertises cursors with their timeout, keeping index the default', () => {
    const doc = serviceProviderConfig({ ...configOptions, defaultPageSize: 100, cursorPaging: { maxPageSize: 250, cursorTimeoutSeconds: 3600 } });
    expect(doc.pagination).toEqual({
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: 100,
      maxPageSize: 250,
      cursorTimeout: 3600,
    });
  });

  it('marks bulk unsupported when no operations are allowed, and honours maxFilterResults', () => {
    const doc = serviceProviderConfig({ ...configOptions, bulk: { maxOperations: 0, maxPayloadSize: 0 }, maxFilterResults: 200 });
    expect(doc.bulk.supported).toBe(false);
    expect(doc.filter.maxResults).toBe(200);
    expect(doc).not.toHaveProperty('documentationUri');
  });
});

describe('resourceTypeDocs (RFC 7643 §6)', () => {
  it('lists User and Group with their schemas, extensions and locations', () => {
    const list = resourceTypeDocs(base);
    expect(list).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 2, startIndex: 1, itemsPerPage: 2 });
    expect(list.Resources).toEqual([
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        description: 'User Account',
        schema: USER_SCHEMA,
        schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
        meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
      },
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        id: 'Group',
        name: 'Group',
        endpoint: '/Groups',
        description: 'Group',
        schema: GROUP_SCHEMA,
        meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` },
      },
    ]);
  });

  it('finds one resource type by name, 404 otherwise', () => {
    expect(resourceTypeDoc(base, 'group').id).toBe('Group');
    expect(() => resourceTypeDoc(base, 'Device')).toThrow(ScimError);
  });

  it('includes a directory extension passed in', () => {
    const custom: SchemaDef = { id: 'urn:example:roster:1.0:User', name: 'Custom', description: 'Custom', attributes: [attr('badge', 'string')] };
    const types = [{ ...userResourceType, extensions: [...userResourceType.extensions, { schema: custom, required: false }] }, resourceTypes[1]!];
    expect(resourceTypeDocs(base, types).Resources[0]!.schemaExtensions).toContainEqual({ schema: custom.id, required: false });
  });
});

describe('schemaDocs (RFC 7643 §7)', () => {
  const required = ['name', 'type', 'multiValued', 'description', 'required', 'caseExact', 'mutability', 'returned', 'uniqueness'];

  it('lists every schema as a ListResponse of Schema resources', () => {
    const list = schemaDocs(base);
    expect(list.totalResults).toBe(allSchemas.length);
    expect(list.Resources.map((s) => s.id)).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA]);
    for (const doc of list.Resources) {
      expect(doc.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:Schema']);
      expect(doc.meta).toEqual({ resourceType: 'Schema', location: `${base}/Schemas/${doc.id}` });
    }
  });

  it('contains every User attribute with all RFC characteristics spelled out', () => {
    const user = schemaDocs(base).Resources.find((s) => s.id === USER_SCHEMA)!;
    expect(user.attributes.map((a) => a.name)).toEqual(userSchema.attributes.map((a) => a.name));
    const check = (doc: AttributeDoc) => {
      for (const key of required) expect(doc).toHaveProperty(key);
      doc.subAttributes?.forEach(check);
    };
    user.attributes.forEach(check);
  });

  it('renders characteristics IdPs rely on', () => {
    const user = schemaDoc(base, USER_SCHEMA);
    const byName = (name: string) => user.attributes.find((a) => a.name === name)!;
    expect(byName('userName')).toMatchObject({ type: 'string', required: true, uniqueness: 'server', multiValued: false });
    expect(byName('password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect(byName('groups')).toMatchObject({ mutability: 'readOnly', multiValued: true });
    expect(byName('emails').subAttributes!.find((a) => a.name === 'type')!.canonicalValues).toEqual(['work', 'home', 'other']);
    expect(byName('profileUrl').referenceTypes).toEqual(['external']);
    expect(byName('name').subAttributes!.map((a) => a.name)).toContain('givenName');
    expect(byName('userName')).not.toHaveProperty('subAttributes');
  });

  it('renders the schemas it is given, such as a directory extension', () => {
    const custom: SchemaDef = { id: 'urn:example:roster:1.0:User', name: 'Custom', description: 'Custom', attributes: [attr('badge', 'string')] };
    expect(schemaDocs(base, [...allSchemas, custom]).Resources.map((s) => s.id)).toContain(custom.id);
    expect(schemaDoc(base, custom.id, [custom]).attributes[0]!.name).toBe('badge');
  });
});

describe('schemaDoc', () => {
  it('looks a schema up by id, ignoring case', () => {
    expect(schemaDoc(base, GROUP_SCHEMA.toUpperCase()).id).toBe(GROUP_SCHEMA);
  });

  it('answers 404 for an unknown schema id', () => {
    try {
      schemaDoc(base, 'urn:ietf:params:scim:schemas:core:2.0:Device');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ScimError);
      expect((error as ScimError).status).toBe(404);
    }
  });
});
