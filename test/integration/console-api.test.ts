import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../src/http/console/register-console.ts';
import { adminApi, type AdminApi } from '../helpers/admin-api.ts';
import { consoleSession } from '../helpers/console-session.ts';
import { describeEachEngine } from '../helpers/engines.ts';
import { groupBody, patchOp, startRoster, userBody, type RosterUnderTest, type ScimClient } from '../helpers/start-roster.ts';

/** The admin API routes the console browses a directory's SCIM layer with (docs/console-api.md). */
describeEachEngine('console API: users, groups, members and history of a directory', (engine) => {
  let roster: RosterUnderTest;
  let api: AdminApi;
  let scim: ScimClient & { directoryId: string };
  let other: ScimClient & { directoryId: string };
  const ids: Record<string, string> = {};
  let groupId = '';
  let bigGroupId = '';

  beforeAll(async () => {
    roster = await startRoster({}, engine);
    api = adminApi(roster.origin, (await roster.services.adminKeys.create('console test')).key);
    scim = await roster.directory({ name: 'Okta', idp: 'okta' });
    other = await roster.directory({ name: 'Other' });
    const people = [
      ['ann@example.com', 'Ann Lee', true],
      ['bob@example.com', 'Bob "Bobby" Stone', true],
      ['carol@example.com', 'Carol Lee', false],
      ['dan@example.com', 'Dan Brown', true],
    ] as const;
    for (const [userName, displayName, active] of people) {
      const res = await scim.post('/Users', userBody(userName, { displayName, active, externalId: `ext-${userName}`, emails: [{ value: userName, primary: true }] }));
      expect(res.status).toBe(201);
      ids[userName] = res.body.id;
    }
    groupId = (await scim.post('/Groups', groupBody('Engineering', { members: [{ value: ids['ann@example.com'] }, { value: ids['carol@example.com'] }] }))).body.id;
    // 250 members: three member pages of 100.
    const many: { value: string }[] = [];
    for (let i = 0; i < 250; i++) many.push({ value: (await scim.post('/Users', userBody(`bulk${String(i).padStart(3, '0')}@example.com`))).body.id });
    bigGroupId = (await scim.post('/Groups', groupBody('Everyone', { members: many }))).body.id;
    await other.post('/Users', userBody('ann@example.com'));
  });
  afterAll(() => roster.close());

  it('lists users a page at a time with the total counted by the server', async () => {
    const first = await api('GET', `/directories/${scim.directoryId}/users?count=100`);
    expect(first.status).toBe(200);
    expect(first.body.totalResults).toBe(254);
    expect(first.body.users).toHaveLength(100);
    const last = await api('GET', `/directories/${scim.directoryId}/users?startIndex=201&count=100`);
    expect(last.body.users).toHaveLength(54);
    expect(last.body.startIndex).toBe(201);
    expect(first.body.users[0]).toEqual({ id: ids['ann@example.com'], userName: 'ann@example.com', displayName: 'Ann Lee', email: 'ann@example.com', externalId: 'ext-ann@example.com', active: true, updatedAt: expect.any(String) });
  });

  it('searches by userName prefix, name, email and externalId, and filters by status and group', async () => {
    const names = async (query: string) => (await api('GET', `/directories/${scim.directoryId}/users?${query}`)).body.users.map((u: { userName: string }) => u.userName).sort();
    expect(await names('q=Lee')).toEqual(['ann@example.com', 'carol@example.com']);
    expect(await names('q=dan')).toEqual(['dan@example.com']);
    expect(await names('q=ext-bob%40example.com')).toEqual(['bob@example.com']);
    // Quotes and backslashes in the search text are a literal, never a filter the admin did not write.
    expect(await names(`q=${encodeURIComponent('"Bobby"')}`)).toEqual(['bob@example.com']);
    expect(await names(`q=${encodeURIComponent('x" or userName pr or "')}`)).toEqual([]);
    expect(await names('active=false')).toEqual(['carol@example.com']);
    expect(await names('q=Lee&active=true')).toEqual(['ann@example.com']);
    expect(await names(`group=${groupId}`)).toEqual(['ann@example.com', 'carol@example.com']);
    expect(await names(`filter=${encodeURIComponent('userName eq "dan@example.com"')}`)).toEqual(['dan@example.com']);
  });

  it('answers a bad query with a 400 that says what is wrong', async () => {
    const count = await api('GET', `/directories/${scim.directoryId}/users?count=5000`);
    expect(count.status).toBe(400);
    expect(count.body.error).toMatchObject({ code: 'request.invalid', field: 'count' });
    const filter = await api('GET', `/directories/${scim.directoryId}/users?filter=${encodeURIComponent('userName eq')}`);
    expect(filter.status).toBe(400);
    expect(filter.body.error.message).toMatch(/./);
    const missing = await api('GET', '/directories/nope/users');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('directory.not_found');
  });

  it('shows a user as its IdP reads it back, with its groups, and never another directory\'s user', async () => {
    const res = await api('GET', `/directories/${scim.directoryId}/users/${ids['ann@example.com']}`);
    expect(res.status).toBe(200);
    expect(res.body.groups).toEqual([{ id: groupId, displayName: 'Engineering' }]);
    const scimView = await scim.get(`/Users/${ids['ann@example.com']}`);
    expect(res.body.resource).toEqual(scimView.body);
    expect((await api('GET', `/directories/${other.directoryId}/users/${ids['ann@example.com']}`)).status).toBe(404);
  });

  it('lists and searches groups, and pages a group\'s members on the server', async () => {
    const groups = await api('GET', `/directories/${scim.directoryId}/groups?q=engin`);
    expect(groups.body).toMatchObject({ totalResults: 1, groups: [{ id: groupId, displayName: 'Engineering', memberCount: 2 }] });
    const detail = await api('GET', `/directories/${scim.directoryId}/groups/${bigGroupId}`);
    expect(detail.body).toMatchObject({ displayName: 'Everyone', memberCount: 250 });
    expect(detail.body.resource.members).toBeUndefined();

    const seen: string[] = [];
    let after: number | null = 0;
    let pages = 0;
    while (after !== null) {
      const page: { status: number; body: { members: { value: string; type: string }[]; next: number | null } } = await api('GET', `/directories/${scim.directoryId}/groups/${bigGroupId}/members?after=${after}&limit=100`);
      expect(page.status).toBe(200);
      seen.push(...page.body.members.map((m) => m.value));
      after = page.body.next;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect((await api('GET', `/directories/${other.directoryId}/groups/${bigGroupId}/members`)).status).toBe(404);
    expect((await api('GET', `/directories/${scim.directoryId}/groups/${bigGroupId}/members?limit=0`)).status).toBe(400);
  });

  it("gives a resource's events newest first, a page at a time", async () => {
    const id = ids['dan@example.com']!;
    await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: false }));
    await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Daniel Brown' }));
    const first = await api('GET', `/directories/${scim.directoryId}/resources/${id}/events?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.events.map((e: { type: string }) => e.type)).toEqual(['user.updated', 'user.deactivated']);
    expect(first.body.next).toEqual(expect.any(Number));
    const rest = await api('GET', `/directories/${scim.directoryId}/resources/${id}/events?limit=2&before=${first.body.next}`);
    expect(rest.body.events.map((e: { type: string }) => e.type)).toEqual(['user.created']);
    expect(rest.body.next).toBeNull();
  });

  it('admin API keys from a console session, as the console uses them: listed without the key, shown once, revoked; read-only admins only list', async () => {
    const owner = consoleSession(roster.origin);
    const token = (await roster.services.adminSetup.issue())!;
    expect((await owner.request('POST', '/setup', { token, email: 'owner@example.com', password: 'a long enough password' })).status).toBe(201);
    const created = await owner.request('POST', '/admin-keys', { label: 'nightly export' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ label: 'nightly export', revokedAt: null, key: expect.stringMatching(/^rsk_/) });
    expect(created.body.key.startsWith(created.body.prefix)).toBe(true);
    expect((await adminApi(roster.origin, created.body.key)('GET', '/directories')).status).toBe(200);

    const listed = await owner.request('GET', '/admin-keys');
    expect(listed.body.adminKeys.map((k: { label: string }) => k.label)).toContain('nightly export');
    expect(listed.text).not.toContain(created.body.key);
    expect((await owner.request('POST', '/admin-keys', { label: 'x'.repeat(201) })).body.error).toMatchObject({ code: 'request.invalid', field: 'label' });

    expect((await owner.request('POST', '/admins', { email: 'viewer@example.com', password: 'another long password', role: 'read_only' })).status).toBe(201);
    const viewer = consoleSession(roster.origin);
    expect((await viewer.login('viewer@example.com', 'another long password')).status).toBe(200);
    expect((await viewer.request('GET', '/admin-keys')).status).toBe(200);
    expect((await viewer.request('POST', '/admin-keys', { label: 'mine' })).body.error.code).toBe('auth.forbidden');
    expect((await viewer.request('DELETE', `/admin-keys/${created.body.id}`)).body.error.code).toBe('auth.forbidden');

    expect((await owner.request('DELETE', `/admin-keys/${created.body.id}`)).status).toBe(204);
    expect((await adminApi(roster.origin, created.body.key)('GET', '/directories')).status).toBe(401);
    expect((await owner.request('DELETE', '/admin-keys/nope')).body.error.code).toBe('admin_key.not_found');
    const audit = await owner.request('GET', '/audit?action=admin_key.revoke');
    expect(audit.body.entries[0].actor).toMatchObject({ label: expect.stringContaining('owner@example.com') });
  });

  it('requires an admin credential like every admin route', async () => {
    const res = await fetch(`${roster.origin}/api/v1/directories/${scim.directoryId}/users`);
    expect(res.status).toBe(401);
  });
});

describe('the console is served at / without shadowing the APIs', () => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster();
  });
  afterAll(() => roster.close());

  it('serves index.html at / and at client routes, never cached, with a CSP that allows only this origin', async () => {
    for (const path of ['/', '/setup', '/directories/abc/users', '/login?next=%2F']) {
      const res = await fetch(`${roster.origin}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it('serves the hashed bundle as immutable, and a missing file as 404, not as the app', async () => {
    const html = await (await fetch(`${roster.origin}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(`${roster.origin}${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // No CDN: the bundle loads nothing from another origin.
    expect(html).not.toMatch(/https?:\/\//);
    const missing = await fetch(`${roster.origin}/assets/index-gone.js`);
    expect(missing.status).toBe(404);
  });

  it('leaves /api, /scim, /metrics and the health checks their own answers', async () => {
    const api = await fetch(`${roster.origin}/api/v1/no-such-thing`);
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBeDefined();
    const scim = await fetch(`${roster.origin}/scim/v2/nope/Nothing`);
    expect(scim.status).toBe(401);
    expect(scim.headers.get('content-type')).toMatch(/scim\+json/);
    expect((await fetch(`${roster.origin}/metrics`)).headers.get('content-type')).not.toMatch(/html/);
    expect((await fetch(`${roster.origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${roster.origin}/healthzz`)).headers.get('content-type')).not.toMatch(/html/);
    // Only reads get the app: a POST to a console path is the API's 404.
    const post = await fetch(`${roster.origin}/directories`, { method: 'POST' });
    expect(post.status).toBe(404);
  });
});
