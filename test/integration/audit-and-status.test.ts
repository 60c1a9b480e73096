import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminApi, type AdminApi } from '../helpers/admin-api.ts';
import { describeEachEngine } from '../helpers/engines.ts';
import { groupBody, patchOp, startRoster, userBody, type RosterUnderTest } from '../helpers/start-roster.ts';

const DAY = 86_400_000;

describeEachEngine('audit log', (engine) => {
  let roster: RosterUnderTest;
  let api: AdminApi;
  let key: { key: string; view: { id: string; prefix: string } };

  beforeAll(async () => {
    roster = await startRoster({}, engine);
    key = await roster.services.adminKeys.create('ops team');
    api = adminApi(roster.origin, key.key);
  });
  afterAll(() => roster.close());

  it('records every admin action with the key, the address, before and after, and no secret', async () => {
    const created = await api('POST', '/directories', { name: 'Okta users', idp: 'okta' });
    const id = created.body.id;
    const firstToken = created.body.token;
    expect((await api('PATCH', `/directories/${id}`, { name: 'Okta staff', passwordMode: 'store' })).status).toBe(200);
    expect((await api('POST', `/directories/${id}/pause`)).status).toBe(200);
    expect((await api('POST', `/directories/${id}/resume`)).status).toBe(200);
    expect((await api('POST', `/directories/${id}/attributes`, { name: 'costCode' })).status).toBe(201);
    expect((await api('DELETE', `/directories/${id}/attributes/costCode`)).status).toBe(204);
    const token = await api('POST', `/directories/${id}/tokens`, { label: 'second', expiresAt: new Date(Date.now() + 30 * DAY).toISOString() });
    const rotated = await api('POST', `/tokens/${token.body.id}/rotate`, { graceSeconds: 60 });
    expect((await api('DELETE', `/tokens/${rotated.body.id}`)).status).toBe(200);
    expect((await api('DELETE', `/directories/${id}`)).status).toBe(204);

    const { status, body, text } = await api('GET', `/audit?directory=${id}`);
    expect(status).toBe(200);
    for (const secret of [firstToken, token.body.token, rotated.body.token, key.key]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/tokenHash|keyHash/);
    const entries = [...body.entries].reverse();
    expect(entries.map((e: { action: string }) => e.action)).toEqual([
      'directory.create',
      'directory.update',
      'directory.pause',
      'directory.resume',
      'directory.attribute_add',
      'directory.attribute_remove',
      'token.create',
      'token.rotate',
      'token.revoke',
      'directory.delete',
    ]);
    for (const e of entries) {
      expect(e.actor).toEqual({ type: 'admin_key', id: key.view.id, label: `${key.view.prefix} (ops team)`, address: '127.0.0.1' });
      expect(e.directoryId).toBe(id);
      expect(Date.parse(e.at)).not.toBeNaN();
    }
    const byAction = (action: string) => entries.find((e: { action: string }) => e.action === action);
    expect(byAction('directory.create')).toMatchObject({ targetType: 'Directory', targetId: id, before: null, after: { name: 'Okta users', idp: 'okta', initialToken: { prefix: firstToken.slice(0, 10) } } });
    expect(byAction('directory.update')).toMatchObject({ before: { name: 'Okta users', passwordMode: 'ignore' }, after: { name: 'Okta staff', passwordMode: 'store' } });
    expect(byAction('directory.pause')).toMatchObject({ before: { status: 'active' }, after: { status: 'paused' } });
    expect(byAction('directory.attribute_add').after).toMatchObject({ name: 'costCode', type: 'string' });
    expect(byAction('directory.attribute_remove').before).toMatchObject({ name: 'costCode' });
    expect(byAction('token.create')).toMatchObject({ targetType: 'Token', targetId: token.body.id, before: null, after: { label: 'second', state: 'expiring' } });
    expect(byAction('token.rotate')).toMatchObject({ targetId: token.body.id, after: { replacedBy: { id: rotated.body.id } } });
    expect(byAction('token.revoke')).toMatchObject({ targetId: rotated.body.id, before: { state: 'active' }, after: { state: 'revoked' } });
    expect(byAction('directory.delete')).toMatchObject({ before: { name: 'Okta staff' }, after: null });
  });

  it('names the CLI or Roster itself as the actor when no admin key acted, and filters by actor and action', async () => {
    const issued = await roster.services.adminKeys.create('second', { type: 'cli', id: 'alice', label: 'cli', address: null });
    await roster.services.adminKeys.revoke(issued.view.id);
    const byCli = await api('GET', '/audit?actor=alice');
    expect(byCli.body.entries).toHaveLength(1);
    expect(byCli.body.entries[0]).toMatchObject({ action: 'admin_key.create', actor: { type: 'cli', id: 'alice' }, directoryId: null, after: { id: issued.view.id, label: 'second' } });
    expect(byCli.text).not.toContain(issued.key);
    const revoked = await api('GET', '/audit?action=admin_key.revoke');
    expect(revoked.body.entries[0]).toMatchObject({ targetId: issued.view.id, actor: { type: 'system' }, after: { revokedAt: expect.any(String) } });
    expect((await api('GET', '/audit?since=yesterday')).status).toBe(400);
  });

  it('records nothing for an action that failed', async () => {
    const before = (await api('GET', '/audit?limit=500')).body.entries.length;
    expect((await api('PATCH', '/directories/00000000-0000-4000-8000-000000000000', { name: 'x' })).status).toBe(404);
    expect((await api('POST', '/directories', { name: '' })).status).toBe(400);
    expect((await api('GET', '/audit?limit=500')).body.entries.length).toBe(before);
  });
});

describeEachEngine('provisioning status', (engine) => {
  let roster: RosterUnderTest;
  let api: AdminApi;

  beforeAll(async () => {
    roster = await startRoster({}, engine);
    api = adminApi(roster.origin, (await roster.services.adminKeys.create('ops')).key);
  });
  afterAll(() => roster.close());

  it('counts what was provisioned, the traffic and its errors, and shows tokens with their expiry', async () => {
    const scim = await roster.directory({ idp: 'okta' });
    const users: string[] = [];
    for (let i = 0; i < 5; i++) users.push((await scim.post('/Users', userBody(`user${i}@example.com`))).body.id);
    const eng = (await scim.post('/Groups', groupBody('Eng', { members: users.slice(0, 3).map((value) => ({ value })) }))).body.id;
    const ops = (await scim.post('/Groups', groupBody('Ops'))).body.id;
    expect((await scim.patch(`/Groups/${ops}`, patchOp({ op: 'add', path: 'members', value: [{ value: users[4] }, { value: eng }] }))).status).toBe(204);
    expect((await scim.delete(`/Users/${users[0]}`)).status).toBe(204);
    expect((await scim.post('/Users', userBody('user1@example.com'))).status).toBe(409);
    expect((await scim.get('/Users/no-such-user')).status).toBe(404);
    const expiresAt = new Date(Date.now() + 10 * DAY).toISOString();
    await roster.services.tokens.create(scim.directoryId, { label: 'next', expiresAt });

    const { status, body } = await api('GET', `/directories/${scim.directoryId}/status`);
    expect(status).toBe(200);
    // 5 users, one deleted; Eng has 3 members, one deleted; Ops has a user and a group.
    expect(body.synced).toEqual({ users: 4, groups: 2, memberships: 4 });
    expect(body.directory).toMatchObject({ id: scim.directoryId, idp: 'okta', status: 'active' });
    expect(body.lastHour).toEqual({ requests: 11, errors: 2 });
    expect(body.lastDay).toEqual({ requests: 11, errors: 2 });
    expect(Date.now() - Date.parse(body.lastRequestAt)).toBeLessThan(60_000);
    expect(body.recentErrors.map((e: { status: number; path: string }) => [e.status, e.path])).toEqual([
      [404, `/scim/v2/${scim.directoryId}/Users/no-such-user`],
      [409, `/scim/v2/${scim.directoryId}/Users`],
    ]);
    expect(body.recentErrors[1].received.userName).toBe('user1@example.com');
    expect(body.tokens).toEqual([
      expect.objectContaining({ label: 'initial', state: 'active', expiresAt: null }),
      expect.objectContaining({ label: 'next', state: 'expiring', expiresAt }),
    ]);
    expect(JSON.stringify(body)).not.toContain(scim.token);
    expect((await api('GET', '/directories/00000000-0000-4000-8000-000000000000/status')).status).toBe(404);
  });
});

describeEachEngine('token expiry warnings', (engine) => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster({}, engine);
  });
  afterAll(() => roster.close());

  it('warn 14 days and 1 day before expiry, once per threshold, with a token.expiring event', async () => {
    const scim = await roster.directory();
    const now = Date.now();
    const expiresAt = new Date(now + 20 * DAY).toISOString();
    const token = await roster.services.tokens.create(scim.directoryId, { label: 'rotating', expiresAt });
    const near = await roster.services.tokens.create(scim.directoryId, { label: 'short', expiresAt: new Date(now + 12 * 3_600_000).toISOString() });
    const check = (offsetMs: number) => roster.services.checkTokenExpiry(new Date(now + offsetMs));
    const mine = (warnings: { tokenId: string; thresholdDays: number }[]) => warnings.filter((w) => w.tokenId === token.view.id || w.tokenId === near.view.id).map((w) => [w.tokenId, w.thresholdDays]);

    // The short-lived token is inside both thresholds at once: it gets the 1-day warning only.
    expect(mine(await check(0))).toEqual([[near.view.id, 1]]);
    expect(mine(await check(DAY))).toEqual([]);
    expect(mine(await check(6 * DAY + 1000))).toEqual([[token.view.id, 14]]);
    expect(mine(await check(7 * DAY))).toEqual([]);
    expect(mine(await check(19 * DAY + 1000))).toEqual([[token.view.id, 1]]);
    expect(mine(await check(19 * DAY + 2000))).toEqual([]);
    // Expired: no more warnings.
    expect(mine(await check(21 * DAY))).toEqual([]);

    const events = (await roster.services.events.list({ directoryId: scim.directoryId, limit: 100 })) as { type: string; resourceId: string; data: { thresholdDays: number; prefix: string } }[];
    const expiring = events.filter((e) => e.type === 'token.expiring');
    expect(expiring.map((e) => [e.resourceId, e.data.thresholdDays])).toEqual([
      [near.view.id, 1],
      [token.view.id, 14],
      [token.view.id, 1],
    ]);
    expect(JSON.stringify(expiring)).not.toContain(token.token);
  });

  it('sends no warning for a revoked token or a deleted directory', async () => {
    const scim = await roster.directory();
    const now = Date.now();
    const revoked = await roster.services.tokens.create(scim.directoryId, { expiresAt: new Date(now + 5 * DAY).toISOString() });
    await roster.services.tokens.revoke(revoked.view.id);
    const other = await roster.directory();
    const orphan = await roster.services.tokens.create(other.directoryId, { expiresAt: new Date(now + 5 * DAY).toISOString() });
    await roster.services.directories.remove(other.directoryId);
    const warned = (await roster.services.checkTokenExpiry(new Date(now))).map((w) => w.tokenId);
    expect(warned).not.toContain(revoked.view.id);
    expect(warned).not.toContain(orphan.view.id);
  });
});
