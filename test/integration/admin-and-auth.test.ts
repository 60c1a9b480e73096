import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { startRoster, userBody, type RosterUnderTest } from '../helpers/start-roster.ts';
import { adminRequest } from '../helpers/admin-api.ts';

describeEachEngine('directories, tokens and the admin API', (engine) => {
  let roster: RosterUnderTest;
  let adminKey: string;
  const api = (method: string, path: string, body?: unknown, key = adminKey) => adminRequest(roster.origin, key, method, path, body);

  beforeAll(async () => {
    roster = await startRoster({}, engine);
    adminKey = (await roster.services.adminKeys.create('test')).key;
  });
  afterAll(() => roster.close());

  it('refuses the admin API without a valid admin key', async () => {
    expect((await api('GET', '/directories', undefined, 'rsk_wrong')).status).toBe(401);
    const res = await fetch(`${roster.origin}/api/v1/directories`);
    expect(res.status).toBe(401);
  });

  it('creates a directory whose token works once shown and is never shown again', async () => {
    const created = await api('POST', '/directories', { name: 'Okta users', idp: 'okta' });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^rst_[A-Za-z0-9_-]{43}$/);
    expect(created.body.scimBaseUrl).toBe(`${roster.origin}/scim/v2/${created.body.id}`);
    const scim = roster.client(created.body.scimBaseUrl, created.body.token);
    expect((await scim.get('/Users?startIndex=1&count=2')).status).toBe(200);

    const shown = await api('GET', `/directories/${created.body.id}`);
    expect(shown.body).toMatchObject({ name: 'Okta users', idp: 'okta', status: 'active', users: 0, groups: 0 });
    expect(JSON.stringify(shown.body)).not.toContain(created.body.token);
    const tokens = await api('GET', `/directories/${created.body.id}/tokens`);
    expect(tokens.body.tokens).toHaveLength(1);
    expect(JSON.stringify(tokens.body)).not.toContain(created.body.token);
    expect(tokens.body.tokens[0].prefix).toBe(created.body.token.slice(0, 10));
  });

  it('stores only a hash of each token', async () => {
    const scim = await roster.directory();
    const rows = await roster.store.read((q) => q.tokens.listForDirectory(scim.directoryId));
    expect(JSON.stringify(rows)).not.toContain(scim.token);
  });

  it('rejects invalid directory input with a clear error', async () => {
    const bad = await api('POST', '/directories', { name: '', idp: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('directory.invalid');
    expect((await api('GET', '/directories/not-a-directory')).status).toBe(404);
  });

  it('a token reaches exactly one directory', async () => {
    const a = await roster.directory({ name: 'A' });
    const b = await roster.directory({ name: 'B' });
    const user = await a.post('/Users', userBody('only.in.a@example.com'));
    const crossed = roster.client(b.baseUrl, a.token);
    const res = await crossed.get(`/Users/${user.body.id}`);
    expect(res.status).toBe(401);
    expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect((await b.get(`/Users/${user.body.id}`)).status).toBe(404);
    expect((await b.get('/Users')).body.totalResults).toBe(0);
  });

  it('accepts HTTP Basic with the token as the password', async () => {
    const scim = await roster.directory();
    const basic = roster.client(scim.baseUrl, scim.token, 'Basic');
    expect((await basic.get('/Users')).status).toBe(200);
    const wrong = roster.client(scim.baseUrl, 'rst_not-the-token', 'Basic');
    const res = await wrong.get('/Users');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('a paused directory answers 403 and a deleted one 404, never a silent 200', async () => {
    const scim = await roster.directory();
    await scim.post('/Users', userBody('paused@example.com'));
    expect((await api('POST', `/directories/${scim.directoryId}/pause`)).body.status).toBe('paused');
    const paused = await scim.post('/Users', userBody('while.paused@example.com'));
    expect(paused.status).toBe(403);
    expect(paused.body.detail).toMatch(/paused/);
    await api('POST', `/directories/${scim.directoryId}/resume`);
    expect((await scim.get('/Users')).body.totalResults).toBe(1);

    expect((await api('DELETE', `/directories/${scim.directoryId}`)).status).toBe(204);
    const gone = await scim.get('/Users');
    expect(gone.status).toBe(404);
    expect(gone.body.detail).toMatch(/deleted/);
    expect((await api('GET', `/directories/${scim.directoryId}`)).status).toBe(404);
    const listed = await api('GET', '/directories');
    expect(listed.body.directories.map((d: { id: string }) => d.id)).not.toContain(scim.directoryId);
  });

  it('rotating keeps the old token valid for the grace period; revoking ends it at once', async () => {
    const scim = await roster.directory();
    const [first] = (await api('GET', `/directories/${scim.directoryId}/tokens`)).body.tokens;
    const rotated = await api('POST', `/tokens/${first.id}/rotate`, { graceSeconds: 600 });
    expect(rotated.status).toBe(201);
    const fresh = roster.client(scim.baseUrl, rotated.body.token);
    expect((await fresh.get('/Users')).status).toBe(200);
    expect((await scim.get('/Users')).status).toBe(200);
    const tokens = (await api('GET', `/directories/${scim.directoryId}/tokens`)).body.tokens;
    expect(tokens.find((t: { id: string }) => t.id === first.id).state).toBe('expiring');

    const immediate = await api('POST', `/tokens/${rotated.body.id}/rotate`, { graceSeconds: 0 });
    expect((await fresh.get('/Users')).status).toBe(401);
    const newest = roster.client(scim.baseUrl, immediate.body.token);
    expect((await newest.get('/Users')).status).toBe(200);
    await api('DELETE', `/tokens/${immediate.body.id}`);
    const revoked = await newest.get('/Users');
    expect(revoked.status).toBe(401);
    // The client is told only that the token is not valid (one 401 for all); the log says why.
    expect(revoked.body.detail).toMatch(/valid token/);
    expect(roster.logs()).toContain('"reason":"revoked"');
  });

  it('a token with an expiry stops working after it', async () => {
    const scim = await roster.directory();
    const soon = new Date(Date.now() + 1500).toISOString();
    const issued = await api('POST', `/directories/${scim.directoryId}/tokens`, { expiresAt: soon, label: 'short' });
    expect(issued.status).toBe(201);
    const client = roster.client(scim.baseUrl, issued.body.token);
    const early = await client.get('/Users');
    expect(early.status).toBe(200);
    expect(early.headers.get('warning')).toMatch(/expires at .*rotate/);
    expect(roster.logs()).toContain('SCIM token expires soon');
    expect((await scim.get('/Users')).headers.get('warning')).toBeNull();
    await new Promise((r) => setTimeout(r, 1600));
    const expired = await client.get('/Users');
    expect(expired.status).toBe(401);
    expect(expired.body.detail).toMatch(/valid token/);
    expect(roster.logs()).toContain('"reason":"expired"');
    expect((await api('POST', `/directories/${scim.directoryId}/tokens`, { expiresAt: '2001-01-01T00:00:00Z' })).status).toBe(400);
  });

  it('never writes a token, admin key or password into the log', async () => {
    const scim = await roster.directory();
    await scim.post('/Users', userBody('secretive@example.com', { password: 'Sup3r-Secret-Pa55' }));
    await scim.patch('/Users/nope', { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'password', value: 'An0ther-Secret' }] });
    await roster.client(scim.baseUrl, 'rst_bogus-token-value').get('/Users');
    const logs = roster.logs();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [scim.token, adminKey, 'Sup3r-Secret-Pa55', 'An0ther-Secret', 'rst_bogus-token-value']) expect(logs).not.toContain(secret);
  });

  it('never returns a password, and does not store it', async () => {
    const scim = await roster.directory();
    const created = await scim.post('/Users', userBody('pw@example.com', { password: 'Hidden-123' }));
    expect(created.text).not.toContain('Hidden-123');
    expect((await scim.get(`/Users/${created.body.id}?attributes=password`)).text).not.toContain('Hidden-123');
    const user = await roster.store.read((q) => q.users.get(scim.directoryId, created.body.id));
    expect(JSON.stringify(user!.resource)).not.toContain('Hidden-123');
  });
});
