import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminApi, type AdminApi } from '../helpers/admin-api.ts';
import { describeEachEngine } from '../helpers/engines.ts';
import { groupBody, patchOp, startRoster, userBody, USER_SCHEMA, type RosterUnderTest } from '../helpers/start-roster.ts';

const PASSWORD = 'Pa55-word-never-logged-7f3a';
const NEW_PASSWORD = 'Second-pa55word-never-logged-91c2';

describeEachEngine('request log', (engine) => {
  let roster: RosterUnderTest;
  let api: AdminApi;

  beforeAll(async () => {
    roster = await startRoster({ ROSTER_REQUEST_LOG_MAX_BODY_BYTES: '4096' }, engine);
    api = adminApi(roster.origin, (await roster.services.adminKeys.create('ops')).key);
  });
  afterAll(() => roster.close());

  it('records what Entra sent and what its profile normalized, with passwords redacted', async () => {
    const scim = await roster.directory({ idp: 'entra' });
    const created = await scim.post('/Users', {
      schemas: [USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
      userName: 'ann@example.com',
      active: true,
      password: PASSWORD,
      title: null,
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const patched = await scim.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'displayName', value: 'Ann A.' }, { op: 'Replace', path: 'password', value: NEW_PASSWORD }));
    expect(patched.status).toBe(200);
    expect(patched.headers.get('x-roster-rewrites')).toContain('entra-capitalized-op');

    const { status, body, text } = await api('GET', `/directories/${scim.directoryId}/requests`);
    expect(status).toBe(200);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(NEW_PASSWORD);
    expect(text).not.toContain(scim.token);
    const [patch, create] = body.requests;
    expect(create).toMatchObject({
      directoryId: scim.directoryId,
      idp: 'entra',
      version: 'v2',
      method: 'POST',
      path: `/scim/v2/${scim.directoryId}/Users`,
      operation: 'User.create',
      status: 201,
      resources: [id],
      error: null,
    });
    expect(create.received).toMatchObject({ userName: 'ann@example.com', password: '[redacted]', title: null });
    // Entra's explicit null and schema typo were rewritten; the normalized body shows the result.
    expect(create.rewrites.map((r: { quirk: string }) => r.quirk).sort()).toEqual(['entra-enterprise-schema-typo', 'entra-explicit-nulls']);
    expect(create.received.schemas).toContain('urn:ietf:params:scim:schemas:extension:enterprise:2.0User');
    expect(create.normalized).not.toHaveProperty('title');
    expect(create.normalized.schemas).toEqual([USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']);
    expect(create.normalized.password).toBe('[redacted]');
    expect(create.requestId).toMatch(/\S/);
    expect(create.latencyMs).toBeGreaterThan(0);

    expect(patch).toMatchObject({ method: 'PATCH', operation: 'User.patch', status: 200, resources: [id] });
    expect(patch.received.Operations).toEqual([
      { op: 'Replace', path: 'displayName', value: 'Ann A.' },
      { op: 'Replace', path: 'password', value: '[redacted]' },
    ]);
    expect(patch.normalized.Operations).toEqual([
      { op: 'replace', path: 'displayName', value: 'Ann A.' },
      { op: 'replace', path: 'password', value: '[redacted]' },
    ]);
    expect(patch.rewrites).toContainEqual({ quirk: 'entra-capitalized-op', at: 'Operations[0]', detail: '"op":"Replace" → "replace"' });
  });

  it('stores no normalized body when nothing was rewritten, and redacts filter values in the query', async () => {
    const scim = await roster.directory({ idp: 'okta' });
    expect((await scim.get('/Users?filter=userName%20eq%20%22secret-looking%40example.com%22&count=5')).status).toBe(200);
    const { body } = await api('GET', `/directories/${scim.directoryId}/requests`);
    expect(body.requests[0]).toMatchObject({ method: 'GET', operation: 'User.list', status: 200, received: null, normalized: null, rewrites: null, query: 'filter=userName eq "…"&count=5' });
    expect(JSON.stringify(body)).not.toContain('secret-looking');
  });

  it('finds requests by user (id or userName), by status and time, with the error the IdP was given', async () => {
    const scim = await roster.directory({ idp: 'okta' });
    const ann = (await scim.post('/Users', userBody('Ann.Lee@example.com'))).body.id;
    const bob = (await scim.post('/Users', userBody('bob@example.com'))).body.id;
    const duplicate = await scim.post('/Users', userBody('ann.lee@example.com'));
    expect(duplicate.status).toBe(409);
    const group = await scim.post('/Groups', groupBody('Eng'));
    expect((await scim.patch(`/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: ann }] }))).status).toBe(204);
    expect((await scim.get(`/Users/${bob}`)).status).toBe(200);

    const list = async (query: string) => (await api('GET', `/directories/${scim.directoryId}/requests?${query}`)).body;
    const byName = await list('user=ANN.LEE@example.com');
    expect(byName.requests.map((r: { status: number }) => r.status)).toEqual([409, 201]);
    const byId = await list(`user=${ann}`);
    expect(byId.requests.map((r: { operation: string }) => r.operation)).toEqual(['Group.patch', 'User.create']);
    const errors = await list('status=4xx');
    expect(errors.requests).toHaveLength(1);
    expect(errors.requests[0]).toMatchObject({ status: 409, operation: 'User.create' });
    expect(errors.requests[0].error).toMatch(/userName/);
    expect((await list('status=409')).requests).toHaveLength(1);
    expect((await list('status=error')).requests).toHaveLength(1);
    expect((await list(`since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).requests).toEqual([]);
    expect((await list(`until=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).requests).toHaveLength(6);

    // Pages of two, newest first, each entry once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { requests: { requestId: string }[]; nextCursor: string | null } = await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.requests.map((r) => r.requestId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
  });

  it('logs SCIM 1.1 requests, refused tokens of a known directory, and caps large bodies', async () => {
    const scim = await roster.directory({ idp: 'okta' });
    const v1 = roster.client(`${roster.origin}/scim/v1/${scim.directoryId}`, scim.token);
    expect((await v1.post('/Users', { schemas: ['urn:scim:schemas:core:1.0'], userName: 'v1@example.com', password: PASSWORD })).status).toBe(201);
    const stranger = roster.client(scim.baseUrl, 'rst_not-a-real-token');
    expect((await stranger.get('/Users')).status).toBe(401);
    const big = await scim.post('/Users', userBody('big@example.com', { title: 'x'.repeat(10_000) }));
    expect(big.status).toBe(201);

    const { body, text } = await api('GET', `/directories/${scim.directoryId}/requests`);
    expect(text).not.toContain(PASSWORD);
    const [capped, refused, v1Create] = body.requests;
    expect(v1Create).toMatchObject({ version: 'v1', path: `/scim/v1/${scim.directoryId}/Users`, status: 201, operation: 'User.create' });
    expect(v1Create.received.password).toBe('[redacted]');
    expect(refused).toMatchObject({ status: 401, idp: null, operation: 'User.list', received: null });
    expect(capped.received.truncated).toBe(true);
    expect(capped.received.prefix).toHaveLength(4096);
    expect(capped.received.size).toBeGreaterThan(10_000);
  });

  it('keeps no entry for a directory that does not exist, and refuses bad queries', async () => {
    const ghost = roster.client(`${roster.origin}/scim/v2/00000000-0000-4000-8000-000000000000`, 'rst_whatever');
    expect((await ghost.get('/Users')).status).toBe(401);
    expect((await api('GET', '/directories/00000000-0000-4000-8000-000000000000/requests')).status).toBe(404);
    const scim = await roster.directory();
    const bad = await api('GET', `/directories/${scim.directoryId}/requests?status=teapot`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'request.invalid', field: 'status' });
    expect((await api('GET', `/directories/${scim.directoryId}/requests?cursor=nonsense`)).status).toBe(400);
    expect((await api('GET', `/directories/${scim.directoryId}/requests?limit=501`)).status).toBe(400);
  });
});

describeEachEngine('request log turned off', (engine) => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster({ ROSTER_REQUEST_LOG: 'off' }, engine);
  });
  afterAll(() => roster.close());

  it('writes nothing, and says so in the status', async () => {
    const scim = await roster.directory();
    expect((await scim.post('/Users', userBody('ann@example.com'))).status).toBe(201);
    expect((await roster.services.requestLog.list(scim.directoryId, { limit: 10 })).requests).toEqual([]);
    expect(await roster.services.provisioningStatus(scim.directoryId)).toMatchObject({ requestLog: 'off', lastRequestAt: null, synced: { users: 1 } });
  });
});
