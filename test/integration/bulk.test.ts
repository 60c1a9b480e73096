import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { ERROR_SCHEMA, expectScimError } from '../helpers/expect-scim-error.ts';
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, startRoster, userBody, type RosterUnderTest, type ScimClient, type ScimResponse } from '../helpers/start-roster.ts';

/** `/Bulk` (RFC 7644 §3.7) over a real socket: bulkId references, failOnErrors, advertised limits. */

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';
const MAX_OPERATIONS = 8;
const MAX_PAYLOAD = 8192;

const bulk = (operations: unknown[], extra: Record<string, unknown> = {}) => ({ schemas: [BULK_REQUEST], ...extra, Operations: operations });
type BulkResult = { method: string; bulkId?: string; status: string; location?: string; version?: string; response?: Record<string, any> };

describeEachEngine('bulk over HTTP', (engine) => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster({ ROSTER_BULK_MAX_OPERATIONS: String(MAX_OPERATIONS), ROSTER_BULK_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD) }, engine);
  });
  afterAll(() => roster.close());

  async function totals(scim: ScimClient) {
    return { users: (await scim.get('/Users?count=0')).body.totalResults, groups: (await scim.get('/Groups?count=0')).body.totalResults };
  }

  it('creates a user and a group whose members reference it by bulkId, linked both ways', async () => {
    const scim = await roster.directory();
    // The group comes first and refers to a user created later in the same request (RFC 7644 §3.7.2).
    const res = await scim.post(
      '/Bulk',
      bulk([
        { method: 'POST', path: '/Groups', bulkId: 'grp', data: { schemas: [GROUP_SCHEMA], displayName: 'Bulk group', members: [{ type: 'User', value: 'bulkId:ada' }] } },
        { method: 'POST', path: '/Users', bulkId: 'ada', data: userBody('ada@example.com', { displayName: 'Ada' }) },
      ]),
    );
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.body.schemas).toEqual([BULK_RESPONSE]);
    const ops = res.body.Operations as BulkResult[];
    expect(ops).toHaveLength(2);
    const group = ops.find((o) => o.bulkId === 'grp')!;
    const user = ops.find((o) => o.bulkId === 'ada')!;
    for (const op of [group, user]) {
      expect(op.method).toBe('POST');
      expect(op.status).toBe('201');
      expect(typeof op.status).toBe('string');
      expect(op.version).toMatch(/^W\/"\d+"$/);
    }
    expect(user.location).toMatch(new RegExp(`^${scim.baseUrl}/Users/[^/]+$`));
    expect(group.location).toMatch(new RegExp(`^${scim.baseUrl}/Groups/[^/]+$`));
    const userId = user.location!.split('/').pop()!;
    const groupId = group.location!.split('/').pop()!;

    const readGroup = await scim.get(`/Groups/${groupId}`);
    expect(readGroup.status).toBe(200);
    expect(readGroup.body.displayName).toBe('Bulk group');
    expect((readGroup.body.members as { value: string; type: string }[]).map((m) => [m.value, m.type])).toEqual([[userId, 'User']]);
    expect(readGroup.body.meta.version).toBe(group.version);
    const readUser = await scim.get(`/Users/${userId}`);
    expect(readUser.body.userName).toBe('ada@example.com');
    expect((readUser.body.groups as { value: string }[]).map((g) => g.value)).toEqual([groupId]);
    // The location is one an IdP can follow.
    expect((await scim.get(user.location!.slice(scim.baseUrl.length))).status).toBe(200);
  });

  it('runs PUT, PATCH and DELETE on existing resources, with string statuses and locations', async () => {
    const scim = await roster.directory();
    const existing = await scim.post('/Users', userBody('existing@example.com'));
    const other = await scim.post('/Users', userBody('other@example.com'));
    const res = await scim.post(
      '/Bulk',
      bulk([
        { method: 'PATCH', path: `/Users/${other.body.id}`, data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Patched' }] } },
        { method: 'PUT', path: `/Users/${existing.body.id}`, version: existing.body.meta.version, data: userBody('existing@example.com', { title: 'Put' }) },
        { method: 'DELETE', path: `/Users/${existing.body.id}` },
      ]),
    );
    expect(res.status, res.text).toBe(200);
    const ops = res.body.Operations as BulkResult[];
    expect(ops.map((o) => [o.method, o.status, o.location])).toEqual([
      ['PATCH', '200', `${scim.baseUrl}/Users/${other.body.id}`],
      ['PUT', '200', `${scim.baseUrl}/Users/${existing.body.id}`],
      ['DELETE', '204', `${scim.baseUrl}/Users/${existing.body.id}`],
    ]);
    expect(ops[0]!.version).toBe((await scim.get(`/Users/${other.body.id}`)).body.meta.version);
    expect((await scim.get(`/Users/${other.body.id}`)).body.displayName).toBe('Patched');
    expect((await scim.get(`/Users/${existing.body.id}`)).status).toBe(404);
  });

  it('a bulk version that is stale fails that operation with 412', async () => {
    const scim = await roster.directory();
    const user = await scim.post('/Users', userBody('stale@example.com'));
    const res = await scim.post(
      '/Bulk',
      bulk([{ method: 'PUT', path: `/Users/${user.body.id}`, version: 'W/"99"', data: userBody('stale@example.com', { title: 'Nope' }) }]),
    );
    expect((res.body.Operations as BulkResult[]).map((o) => o.status)).toEqual(['412']);
    expect((await scim.get(`/Users/${user.body.id}`)).body).not.toHaveProperty('title');
  });

  it('PATCH, PUT and DELETE can address a resource created earlier in the request by bulkId in the path', async () => {
    const scim = await roster.directory();
    const res = await scim.post(
      '/Bulk',
      bulk([
        { method: 'POST', path: '/Users', bulkId: 'new', data: userBody('new@example.com') },
        { method: 'PATCH', path: '/Users/bulkId:new', data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Patched' }] } },
        { method: 'POST', path: '/Groups', bulkId: 'grp', data: { schemas: [GROUP_SCHEMA], displayName: 'Temp' } },
        { method: 'PUT', path: '/Groups/bulkId:grp', data: { schemas: [GROUP_SCHEMA], displayName: 'Renamed', members: [{ value: 'bulkId:new' }] } },
        { method: 'POST', path: '/Users', bulkId: 'gone', data: userBody('gone@example.com') },
        { method: 'DELETE', path: '/Users/bulkId:gone' },
      ]),
    );
    expect(res.status, res.text).toBe(200);
    const ops = res.body.Operations as BulkResult[];
    expect(ops.map((o) => [o.method, o.status])).toEqual([
      ['POST', '201'],
      ['PATCH', '200'],
      ['POST', '201'],
      ['PUT', '200'],
      ['POST', '201'],
      ['DELETE', '204'],
    ]);
    const userId = ops[0]!.location!.split('/').pop()!;
    const groupId = ops[2]!.location!.split('/').pop()!;
    expect(ops[1]!.location).toBe(`${scim.baseUrl}/Users/${userId}`);
    expect((await scim.get(`/Users/${userId}`)).body.displayName).toBe('Patched');
    const group = await scim.get(`/Groups/${groupId}`);
    expect(group.body.displayName).toBe('Renamed');
    expect((group.body.members as { value: string }[]).map((m) => m.value)).toEqual([userId]);
    expect((await scim.get(`/Users?filter=${encodeURIComponent('userName eq "gone@example.com"')}`)).body.totalResults).toBe(0);
  });

  it('reports each failed operation with a string status and a SCIM error response, and runs the rest', async () => {
    const scim = await roster.directory();
    await scim.post('/Users', userBody('taken@example.com'));
    const res = await scim.post(
      '/Bulk',
      bulk([
        { method: 'POST', path: '/Users', bulkId: 'dup', data: userBody('TAKEN@example.com') },
        { method: 'POST', path: '/Users', bulkId: 'bad', data: { schemas: [USER_SCHEMA], userName: 7 } },
        { method: 'PATCH', path: '/Users/00000000-0000-0000-0000-000000000000', data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] } },
        { method: 'POST', path: '/Users', bulkId: 'ok', data: userBody('ok@example.com') },
      ]),
    );
    expect(res.status, res.text).toBe(200);
    const ops = res.body.Operations as BulkResult[];
    expect(ops.map((o) => o.status)).toEqual(['409', '400', '404', '201']);
    expect(ops[0]!.response).toMatchObject({ schemas: [ERROR_SCHEMA], status: '409', scimType: 'uniqueness' });
    expect(ops[1]!.response).toMatchObject({ schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidValue' });
    expect(ops[2]!.response).toMatchObject({ schemas: [ERROR_SCHEMA], status: '404' });
    expect(ops[3]!.location).toMatch(new RegExp(`^${scim.baseUrl}/Users/`));
    expect(await totals(scim)).toEqual({ users: 2, groups: 0 });
  });

  it('failOnErrors=1 stops after the first error', async () => {
    const scim = await roster.directory();
    await scim.post('/Users', userBody('taken@example.com'));
    const res = await scim.post(
      '/Bulk',
      bulk(
        [
          { method: 'POST', path: '/Users', bulkId: 'first', data: userBody('first@example.com') },
          { method: 'POST', path: '/Users', bulkId: 'dup', data: userBody('taken@example.com') },
          { method: 'POST', path: '/Users', bulkId: 'never', data: userBody('never@example.com') },
          { method: 'POST', path: '/Groups', bulkId: 'nevergroup', data: { schemas: [GROUP_SCHEMA], displayName: 'Never' } },
        ],
        { failOnErrors: 1 },
      ),
    );
    expect(res.status, res.text).toBe(200);
    const ops = res.body.Operations as BulkResult[];
    expect(ops.map((o) => [o.bulkId, o.status])).toEqual([
      ['first', '201'],
      ['dup', '409'],
    ]);
    expect((await scim.get(`/Users?filter=${encodeURIComponent('userName eq "never@example.com"')}`)).body.totalResults).toBe(0);
    expect(await totals(scim)).toEqual({ users: 2, groups: 0 });
  });

  it('failOnErrors=2 runs until the second error', async () => {
    const scim = await roster.directory();
    const res = await scim.post(
      '/Bulk',
      bulk(
        [
          { method: 'POST', path: '/Users', bulkId: 'e1', data: { schemas: [USER_SCHEMA] } },
          { method: 'POST', path: '/Users', bulkId: 'ok', data: userBody('ok@example.com') },
          { method: 'POST', path: '/Users', bulkId: 'e2', data: { schemas: [USER_SCHEMA] } },
          { method: 'POST', path: '/Users', bulkId: 'never', data: userBody('never@example.com') },
        ],
        { failOnErrors: 2 },
      ),
    );
    expect((res.body.Operations as BulkResult[]).map((o) => [o.bulkId, o.status])).toEqual([
      ['e1', '400'],
      ['ok', '201'],
      ['e2', '400'],
    ]);
    expect(await totals(scim)).toEqual({ users: 1, groups: 0 });
  });

  it('a reference to a bulkId that is never created fails that operation only', async () => {
    const scim = await roster.directory();
    const res = await scim.post(
      '/Bulk',
      bulk([
        { method: 'POST', path: '/Groups', bulkId: 'orphan', data: { schemas: [GROUP_SCHEMA], displayName: 'Orphan', members: [{ value: 'bulkId:nobody' }] } },
        { method: 'POST', path: '/Users', bulkId: 'u', data: userBody('u@example.com') },
      ]),
    );
    expect(res.status, res.text).toBe(200);
    const ops = res.body.Operations as BulkResult[];
    expect(ops.find((o) => o.bulkId === 'u')!.status).toBe('201');
    const orphan = ops.find((o) => o.bulkId === 'orphan')!;
    expect(orphan.status).toMatch(/^4\d\d$/);
    expect(orphan.response).toMatchObject({ schemas: [ERROR_SCHEMA], status: orphan.status });
    expect(await totals(scim)).toEqual({ users: 1, groups: 0 });
  });

  it('more operations than maxOperations → 413 SCIM error, nothing run; /ServiceProviderConfig advertises the limit', async () => {
    const scim = await roster.directory();
    const config = await scim.get('/ServiceProviderConfig');
    expect(config.body.bulk).toEqual({ supported: true, maxOperations: MAX_OPERATIONS, maxPayloadSize: MAX_PAYLOAD });
    const operations = Array.from({ length: MAX_OPERATIONS + 1 }, (_, i) => ({ method: 'POST', path: '/Users', bulkId: `u${i}`, data: userBody(`u${i}@example.com`) }));
    expectScimError(await scim.post('/Bulk', bulk(operations)), 413);
    expect(await totals(scim)).toEqual({ users: 0, groups: 0 });
    // Exactly the limit is fine.
    const atLimit = await scim.post('/Bulk', bulk(operations.slice(0, MAX_OPERATIONS)));
    expect(atLimit.status, atLimit.text).toBe(200);
    expect((atLimit.body.Operations as BulkResult[]).every((o) => o.status === '201')).toBe(true);
    expect(await totals(scim)).toEqual({ users: MAX_OPERATIONS, groups: 0 });
  });

  it('a payload larger than maxPayloadSize → 413 SCIM error, nothing run', async () => {
    const scim = await roster.directory();
    const res = await scim.post('/Bulk', bulk([{ method: 'POST', path: '/Users', bulkId: 'big', data: userBody('big@example.com', { displayName: 'x'.repeat(MAX_PAYLOAD) }) }]));
    expectScimError(res, 413);
    expect(await totals(scim)).toEqual({ users: 0, groups: 0 });
  });

  it('a malformed BulkRequest → 400 SCIM error, nothing run', async () => {
    const scim = await roster.directory();
    const good = { method: 'POST', path: '/Users', bulkId: 'g', data: userBody('g@example.com') };
    const cases: [unknown, string][] = [
      ['{"schemas": [', 'invalidSyntax'],
      [{ Operations: [good] }, 'invalidSyntax'],
      [{ schemas: [BULK_REQUEST] }, 'invalidSyntax'],
      [bulk([good, { method: 'GET', path: '/Users' }]), 'invalidSyntax'],
      [bulk([good, { method: 'POST', path: '/Elsewhere', bulkId: 'x', data: {} }]), 'invalidSyntax'],
      [bulk([good, { method: 'POST', path: '/Users', data: userBody('nobulkid@example.com') }]), 'invalidSyntax'],
      [bulk([good], { failOnErrors: 0 }), 'invalidValue'],
    ];
    for (const [body, scimType] of cases) expectScimError(await scim.post('/Bulk', body), 400, scimType);
    expect(await totals(scim)).toEqual({ users: 0, groups: 0 });
  });

  it('no request in this file made the server answer 5xx', () => {
    expect(roster.logs()).toContain('"statusCode":');
    expect(roster.logs()).not.toMatch(/"statusCode":5\d\d/);
  });
});
