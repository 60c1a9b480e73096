import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { ERROR_SCHEMA } from '../helpers/expect-scim-error.ts';
import { GROUP_SCHEMA, USER_SCHEMA, startRoster, type RosterUnderTest, type ScimClient, type ScimResponse } from '../helpers/start-roster.ts';

/** Discovery (RFC 7644 §4, RFC 7643 §5–7): true to what this server, with this configuration, does. */

const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const LIMITS = {
  ROSTER_MAX_PAGE_SIZE: '250',
  ROSTER_DEFAULT_PAGE_SIZE: '50',
  ROSTER_BULK_MAX_OPERATIONS: '42',
  ROSTER_BULK_MAX_PAYLOAD_BYTES: '65536',
};

// RFC 7643 §4.1: every attribute of the core User schema.
const USER_ATTRIBUTES = [
  'userName', 'name', 'displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone',
  'active', 'password', 'emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'groups', 'entitlements', 'roles', 'x509Certificates',
];
const ENTERPRISE_ATTRIBUTES = ['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager'];
const CHARACTERISTICS = ['name', 'type', 'multiValued', 'description', 'required', 'caseExact', 'mutability', 'returned', 'uniqueness'];

function expectScimJson(res: ScimResponse, status = 200) {
  expect(res.status, `${res.status} ${res.text}`).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
}

type AttributeDoc = Record<string, any> & { name: string; subAttributes?: AttributeDoc[] };

function expectCharacteristics(attrs: AttributeDoc[], where: string) {
  for (const a of attrs) {
    for (const key of CHARACTERISTICS) expect(a, `${where}.${a.name} lacks ${key}`).toHaveProperty(key);
    expect(['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'complex', 'binary']).toContain(a.type);
    expect(['readOnly', 'readWrite', 'immutable', 'writeOnly']).toContain(a.mutability);
    expect(['always', 'never', 'default', 'request']).toContain(a.returned);
    expect(['none', 'server', 'global']).toContain(a.uniqueness);
    if (a.type === 'complex') {
      expect(a.subAttributes, `${where}.${a.name} is complex without subAttributes`).toBeDefined();
      expectCharacteristics(a.subAttributes!, `${where}.${a.name}`);
    }
  }
}

describeEachEngine('discovery over HTTP', (engine) => {
  let roster: RosterUnderTest;
  let scim: ScimClient & { directoryId: string };
  beforeAll(async () => {
    roster = await startRoster(LIMITS, engine);
    scim = await roster.directory();
  });
  afterAll(() => roster.close());

  it('/ServiceProviderConfig advertises the configured limits and what is supported', async () => {
    const res = await scim.get('/ServiceProviderConfig');
    expectScimJson(res);
    const spc = res.body;
    expect(spc.schemas).toEqual([SPC_SCHEMA]);
    expect(spc.patch).toEqual({ supported: true });
    expect(spc.bulk).toEqual({ supported: true, maxOperations: 42, maxPayloadSize: 65536 });
    expect(spc.filter).toEqual({ supported: true, maxResults: 250 });
    expect(spc.sort).toEqual({ supported: true });
    expect(spc.etag).toEqual({ supported: true });
    expect(spc.changePassword).toEqual({ supported: false });
    expect(spc.pagination).toMatchObject({ cursor: true, index: true, maxPageSize: 250, defaultPageSize: 50 });
    expect(spc.authenticationSchemes.map((s: { type: string }) => s.type)).toContain('oauthbearertoken');
    for (const s of spc.authenticationSchemes) expect(s).toEqual(expect.objectContaining({ name: expect.any(String), description: expect.any(String) }));
    expect(spc.meta).toMatchObject({ resourceType: 'ServiceProviderConfig', location: `${scim.baseUrl}/ServiceProviderConfig` });
  });

  it('the advertised page sizes are the ones enforced', async () => {
    for (let i = 0; i < 60; i++) await scim.post('/Users', { schemas: [USER_SCHEMA], userName: `u${i}@example.com` });
    expect((await scim.get('/Users')).body.Resources).toHaveLength(50);
    expect((await scim.get('/Users?count=1000')).body.Resources).toHaveLength(60);
  });

  it('the advertised bulk limit is the one enforced', async () => {
    const ops = Array.from({ length: 43 }, (_, i) => ({ method: 'DELETE', path: `/Users/none-${i}` }));
    const res = await scim.post('/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: ops });
    expectScimJson(res, 413);
    expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '413' });
  });

  it('/ResourceTypes lists User, with the enterprise extension, and Group', async () => {
    const res = await scim.get('/ResourceTypes');
    expectScimJson(res);
    expect(res.body.schemas).toEqual([LIST_RESPONSE]);
    expect(res.body.totalResults).toBe(res.body.Resources.length);
    const byName = Object.fromEntries((res.body.Resources as { name: string }[]).map((r) => [r.name, r])) as Record<string, any>;
    expect(Object.keys(byName).sort()).toEqual(['Group', 'User']);
    expect(byName.User).toMatchObject({ schemas: [RESOURCE_TYPE_SCHEMA], id: 'User', endpoint: '/Users', schema: USER_SCHEMA });
    expect(byName.User.schemaExtensions).toContainEqual({ schema: ENTERPRISE, required: false });
    expect(byName.Group).toMatchObject({ schemas: [RESOURCE_TYPE_SCHEMA], id: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA });
    expect(byName.User.meta).toMatchObject({ resourceType: 'ResourceType', location: `${scim.baseUrl}/ResourceTypes/User` });

    const user = await scim.get('/ResourceTypes/User');
    expectScimJson(user);
    expect(user.body).toEqual(byName.User);
    const unknown = await scim.get('/ResourceTypes/Printer');
    expectScimJson(unknown, 404);
    expect(unknown.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '404' });
  });

  it('/Schemas has every User attribute of RFC 7643 §4.1, each with its characteristics', async () => {
    const res = await scim.get('/Schemas');
    expectScimJson(res);
    expect(res.body.schemas).toEqual([LIST_RESPONSE]);
    const byId = Object.fromEntries((res.body.Resources as { id: string }[]).map((s) => [s.id, s])) as Record<string, any>;
    expect(Object.keys(byId).sort()).toEqual([GROUP_SCHEMA, USER_SCHEMA, ENTERPRISE].sort());
    for (const schema of Object.values(byId)) {
      expect(schema.schemas).toEqual([SCHEMA_SCHEMA]);
      expect(schema.meta).toMatchObject({ resourceType: 'Schema', location: `${scim.baseUrl}/Schemas/${schema.id}` });
      expectCharacteristics(schema.attributes, schema.id);
    }
    const user = byId[USER_SCHEMA];
    expect((user.attributes as AttributeDoc[]).map((a) => a.name).sort()).toEqual([...USER_ATTRIBUTES].sort());
    const attr = (name: string) => (user.attributes as AttributeDoc[]).find((a) => a.name === name)!;
    expect(attr('userName')).toMatchObject({ type: 'string', required: true, caseExact: false, uniqueness: 'server', mutability: 'readWrite' });
    expect(attr('password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect(attr('groups')).toMatchObject({ mutability: 'readOnly', multiValued: true, type: 'complex' });
    expect(attr('emails')).toMatchObject({ multiValued: true, type: 'complex' });
    expect(attr('active')).toMatchObject({ type: 'boolean', multiValued: false });
    expect(attr('name').subAttributes!.map((s: AttributeDoc) => s.name)).toEqual(expect.arrayContaining(['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix']));
    expect(attr('emails').subAttributes!.map((s: AttributeDoc) => s.name)).toEqual(expect.arrayContaining(['value', 'display', 'type', 'primary']));
    expect((byId[ENTERPRISE].attributes as AttributeDoc[]).map((a) => a.name).sort()).toEqual([...ENTERPRISE_ATTRIBUTES].sort());
    const group = byId[GROUP_SCHEMA];
    expect((group.attributes as AttributeDoc[]).map((a) => a.name).sort()).toEqual(['displayName', 'members']);
  });

  it('/Schemas/{urn} returns one schema (URN in any case); an unknown one → 404 SCIM error', async () => {
    for (const urn of [USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE]) {
      const res = await scim.get(`/Schemas/${urn}`);
      expectScimJson(res);
      expect(res.body.id).toBe(urn);
      expect(res.body.schemas).toEqual([SCHEMA_SCHEMA]);
    }
    expect((await scim.get(`/Schemas/${USER_SCHEMA.toUpperCase()}`)).body.id).toBe(USER_SCHEMA);
    const listed = (await scim.get('/Schemas')).body.Resources.find((s: { id: string }) => s.id === USER_SCHEMA);
    expect((await scim.get(`/Schemas/${USER_SCHEMA}`)).body).toEqual(listed);
    const unknown = await scim.get('/Schemas/urn:ietf:params:scim:schemas:core:2.0:Printer');
    expectScimJson(unknown, 404);
    expect(unknown.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '404' });
  });

  it('discovery needs the directory token', async () => {
    const anonymous = roster.client(scim.baseUrl, 'rst_not-a-token');
    for (const path of ['/ServiceProviderConfig', '/ResourceTypes', '/Schemas']) {
      const res = await anonymous.get(path);
      expectScimJson(res, 401);
      expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '401' });
    }
  });

  it('every discovery endpoint answers application/scim+json', async () => {
    for (const path of ['/ServiceProviderConfig', '/ResourceTypes', '/ResourceTypes/Group', '/Schemas', `/Schemas/${ENTERPRISE}`]) {
      expectScimJson(await scim.get(path));
    }
  });

  it('no request in this file made the server answer 5xx', () => {
    expect(roster.logs()).toContain('"statusCode":');
    expect(roster.logs()).not.toMatch(/"statusCode":5\d\d/);
  });
});
