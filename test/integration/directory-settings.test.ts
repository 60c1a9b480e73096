import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { patchOp, startRoster, userBody, type RosterUnderTest } from '../helpers/start-roster.ts';
import { adminRequest } from '../helpers/admin-api.ts';

const CUSTOM = 'urn:roster:params:scim:schemas:extension:custom:2.0:User';

describeEachEngine('directory settings: custom attributes, password sync, IP allow-list', (engine) => {
  let roster: RosterUnderTest;
  let adminKey: string;
  const api = (method: string, path: string, body?: unknown) => adminRequest(roster.origin, adminKey, method, path, body);

  beforeAll(async () => {
    roster = await startRoster({ ROSTER_TRUSTED_PROXIES: '127.0.0.1/32' }, engine);
    adminKey = (await roster.services.adminKeys.create('test')).key;
  });
  afterAll(() => roster.close());

  it('custom attributes appear in /Schemas and are stored, returned and filterable', async () => {
    const scim = await roster.directory({ idp: 'okta' });
    expect((await scim.get(`/Schemas/${CUSTOM}`)).status).toBe(404);
    const added = await api('POST', `/directories/${scim.directoryId}/attributes`, { name: 'costCode', type: 'string', description: 'Finance cost code' });
    expect(added.status).toBe(201);
    await api('POST', `/directories/${scim.directoryId}/attributes`, { name: 'badges', type: 'integer', multiValued: true });
    expect((await api('POST', `/directories/${scim.directoryId}/attributes`, { name: 'userName' })).status).toBe(400);
    expect((await api('POST', `/directories/${scim.directoryId}/attributes`, { name: '9lives' })).status).toBe(400);

    const schema = await scim.get(`/Schemas/${CUSTOM}`);
    expect(schema.status).toBe(200);
    expect(schema.body.attributes.map((a: { name: string }) => a.name)).toEqual(['costCode', 'badges']);
    expect(schema.body.attributes[0]).toMatchObject({ type: 'string', multiValued: false, description: 'Finance cost code' });
    const types = await scim.get('/ResourceTypes/User');
    expect(types.body.schemaExtensions.map((e: { schema: string }) => e.schema)).toContain(CUSTOM);

    const user = await scim.post('/Users', userBody('custom@example.com', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', CUSTOM], [CUSTOM]: { costCode: 'FIN-42', badges: [3, 7] } }));
    expect(user.status).toBe(201);
    expect(user.body[CUSTOM]).toEqual({ costCode: 'FIN-42', badges: [3, 7] });
    expect(user.body.schemas).toContain(CUSTOM);
    const found = await scim.get(`/Users?filter=${encodeURIComponent(`${CUSTOM}:costCode eq "fin-42"`)}`);
    expect(found.body.Resources.map((u: { id: string }) => u.id)).toEqual([user.body.id]);
    const patched = await scim.patch(`/Users/${user.body.id}`, patchOp({ op: 'replace', path: `${CUSTOM}:costCode`, value: 'OPS-1' }));
    expect(patched.body[CUSTOM].costCode).toBe('OPS-1');
    expect((await scim.post('/Users', userBody('wrongtype@example.com', { [CUSTOM]: { badges: ['x'] } }))).status).toBe(400);

    // Another directory does not have them.
    const other = await roster.directory();
    expect((await other.post('/Users', userBody('x@example.com', { [CUSTOM]: { costCode: 'A' } }))).status).toBe(400);
  });

  it('stores synced passwords as hashes and verifies them for apps, never returning them', async () => {
    const scim = await roster.directory({ idp: 'okta' });
    const ignored = await scim.post('/Users', userBody('ignored@example.com', { password: 'Ign0red!' }));
    expect((await api('PATCH', `/directories/${scim.directoryId}`, { passwordMode: 'store' })).body.passwordMode).toBe('store');
    expect((await api('POST', `/directories/${scim.directoryId}/verify-password`, { userName: 'ignored@example.com', password: 'Ign0red!' })).body.valid).toBe(false);

    const user = await scim.post('/Users', userBody('Stored@example.com', { password: 'Corr3ct-horse' }));
    expect(user.text).not.toContain('Corr3ct-horse');
    const verify = (userName: string, password: string) => api('POST', `/directories/${scim.directoryId}/verify-password`, { userName, password });
    expect((await verify('stored@example.com', 'Corr3ct-horse')).body).toEqual({ valid: true });
    expect((await verify('stored@example.com', 'wrong')).body).toEqual({ valid: false });
    expect((await verify('nobody@example.com', 'Corr3ct-horse')).body).toEqual({ valid: false });

    // Okta's password push is a PATCH; the old password stops working.
    await scim.patch(`/Users/${user.body.id}`, patchOp({ op: 'replace', value: { password: 'N3w-password' } }));
    expect((await verify('stored@example.com', 'Corr3ct-horse')).body.valid).toBe(false);
    expect((await verify('stored@example.com', 'N3w-password')).body.valid).toBe(true);
    // A deactivated user cannot sign in with it.
    await scim.patch(`/Users/${user.body.id}`, patchOp({ op: 'replace', value: { active: false } }));
    expect((await verify('stored@example.com', 'N3w-password')).body.valid).toBe(false);

    const events = await roster.services.events.list({ directoryId: scim.directoryId, limit: 100 });
    expect(events.filter((e) => e.type === 'user.password_changed')).toHaveLength(2);
    expect(JSON.stringify(events)).not.toContain('N3w-password');
    expect(roster.logs()).not.toContain('N3w-password');
    expect(ignored.status).toBe(201);
  });

  it('an IP allow-list refuses other addresses, reading X-Forwarded-For only from trusted proxies', async () => {
    const scim = await roster.directory();
    expect((await api('PATCH', `/directories/${scim.directoryId}`, { ipAllowlist: ['not-an-ip'] })).status).toBe(400);
    expect((await api('PATCH', `/directories/${scim.directoryId}`, { ipAllowlist: ['203.0.113.0/24', '2001:db8::/32'] })).body.ipAllowlist).toEqual(['203.0.113.0/24', '2001:db8::/32']);
    const direct = await scim.get('/Users');
    expect(direct.status).toBe(403);
    expect(direct.body.detail).toMatch(/not allowed/);
    // Roster runs behind a proxy on 127.0.0.1 here; the client address is the forwarded one.
    expect((await scim.get('/Users', { 'x-forwarded-for': '203.0.113.9' })).status).toBe(200);
    expect((await scim.get('/Users', { 'x-forwarded-for': '198.51.100.1' })).status).toBe(403);
    expect(roster.logs()).toContain('rejected by the directory IP allow-list');
    await api('PATCH', `/directories/${scim.directoryId}`, { ipAllowlist: null });
    expect((await scim.get('/Users')).status).toBe(200);
  });
});
