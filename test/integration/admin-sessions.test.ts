import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { hashSecret } from '../../src/domain/directories/secrets.ts';
import { adminApi } from '../helpers/admin-api.ts';
import { consoleSession } from '../helpers/console-session.ts';
import { createTestDatabase, describeEachEngine } from '../helpers/engines.ts';
import { runCli, spawnServer } from '../helpers/spawn-roster.ts';
import { startRoster, type RosterUnderTest } from '../helpers/start-roster.ts';

// Every login and password change runs scrypt at OWASP's cost (128 MiB, a few hundred ms; seconds on a
// loaded machine), and two tests spawn the CLI or the server: more time than the suite's default.
vi.setConfig({ testTimeout: 120_000 });

const OWNER = { email: 'Owner@Example.com', password: 'correct horse battery' };

describeEachEngine('admin accounts and console sessions', (engine) => {
  let roster: RosterUnderTest;
  /** Every password and session or setup token the tests use: none may reach a log line or a response. */
  const secrets: string[] = [OWNER.password];
  const owner = () => {
    const s = consoleSession(roster.origin);
    return s.login(OWNER.email, OWNER.password).then((r) => {
      expect(r.status).toBe(200);
      secrets.push(s.cookie!);
      return s;
    });
  };

  beforeAll(async () => {
    roster = await startRoster({}, engine);
  });
  afterAll(() => roster.close());

  it('first-run setup: an unknown, expired or reused token is refused; a valid one creates the owner and signs in', async () => {
    const browser = consoleSession(roster.origin);
    expect((await browser.request('GET', '/setup')).body).toEqual({ needed: true });
    expect((await browser.request('GET', '/session')).status).toBe(401);

    const token = (await roster.services.adminSetup.issue())!;
    secrets.push(token);
    const wrong = await browser.request('POST', '/setup', { token: 'not-the-token', ...OWNER });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('setup.invalid_token');

    const expired = 'an-expired-setup-token';
    await roster.store.write((q) => q.adminSetup.insert({ tokenHash: hashSecret(expired), createdAt: '2020-01-01T00:00:00.000Z', expiresAt: '2020-01-02T00:00:00.000Z', usedAt: null }));
    expect((await browser.request('POST', '/setup', { token: expired, ...OWNER })).body.error.code).toBe('setup.invalid_token');

    const short = await browser.request('POST', '/setup', { token, email: OWNER.email, password: 'too short' });
    expect(short.status).toBe(400);
    expect(short.body.error).toMatchObject({ code: 'admin.invalid', field: 'password' });

    const done = await browser.request('POST', '/setup', { token, ...OWNER });
    expect(done.status).toBe(201);
    expect(done.body.admin).toEqual({ id: expect.any(String), email: OWNER.email, role: 'owner' });
    expect(done.body.csrfToken).toEqual(expect.any(String));
    secrets.push(browser.cookie!);
    expect((await browser.request('GET', '/session')).body.admin.email).toBe(OWNER.email);
    expect((await browser.request('GET', '/setup')).body).toEqual({ needed: false });

    const reused = await consoleSession(roster.origin).request('POST', '/setup', { token, email: 'second@example.com', password: 'another long password' });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('setup.invalid_token');
    const another = (await roster.services.adminSetup.issue()) ?? 'none';
    expect(another).toBe('none'); // no new link once an admin exists
    const late = 'a-valid-token-after-setup';
    await roster.store.write((q) => q.adminSetup.insert({ tokenHash: hashSecret(late), createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 3600_000).toISOString(), usedAt: null }));
    const again = await consoleSession(roster.origin).request('POST', '/setup', { token: late, email: 'second@example.com', password: 'another long password' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('setup.done');
    expect((await roster.services.admins.list()).map((a) => a.email)).toEqual([OWNER.email]);
  });

  it('login sets an HttpOnly, SameSite=Strict session cookie (not Secure over plain HTTP); logout ends it', async () => {
    const browser = consoleSession(roster.origin);
    const wrong = await browser.login(OWNER.email, 'not the password at all');
    const unknown = await browser.login('nobody@example.com', OWNER.password);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('auth.invalid_credentials');
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.headers.get('set-cookie')).toBeNull();

    // Email ignores case; a forwarded proto from an untrusted client changes nothing.
    const ok = await browser.login(OWNER.email.toLowerCase(), OWNER.password, { 'x-forwarded-proto': 'https' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ admin: { id: expect.any(String), email: OWNER.email, role: 'owner' }, csrfToken: expect.any(String) });
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^roster_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    secrets.push(browser.cookie!);
    expect(ok.text).not.toContain(browser.cookie!);
    const stored = await roster.store.read((q) => q.adminSessions.findByHash(hashSecret(browser.cookie!)));
    expect(stored?.session.tokenHash).toBe(hashSecret(browser.cookie!));

    const me = await browser.request('GET', '/session');
    expect(me.body).toEqual(ok.body);

    const noCsrf = await browser.request('DELETE', '/session', undefined, { 'x-csrf-token': '' });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('auth.csrf');
    const cookieBefore = browser.cookie!;
    const out = await browser.request('DELETE', '/session');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^roster_session=; HttpOnly; SameSite=Strict; Path=\/; Max-Age=0$/);
    expect(await roster.store.read((q) => q.adminSessions.findByHash(hashSecret(cookieBefore)))).toBeUndefined();
    browser.useCookie(cookieBefore);
    const after = await browser.request('GET', '/session');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('auth.invalid');
  });

  it('ends a session idle for longer than 12 hours, and one older than 7 days however used', async () => {
    const idle = await owner();
    const found = (await roster.store.read((q) => q.adminSessions.findByHash(hashSecret(idle.cookie!))))!;
    await roster.store.write((q) => q.adminSessions.touch(found.session.id, new Date(Date.now() - 12 * 3600_000 - 60_000).toISOString()));
    const ended = await idle.request('GET', '/session');
    expect(ended.status).toBe(401);
    expect(ended.headers.get('set-cookie')).toContain('Max-Age=0');
    expect(await roster.store.read((q) => q.adminSessions.findByHash(found.session.tokenHash))).toBeUndefined();

    const old = 'an-old-but-busy-session-token-value';
    const now = new Date().toISOString();
    await roster.store.write((q) =>
      q.adminSessions.insert({ id: 'old-session', tokenHash: hashSecret(old), adminId: found.admin.id, createdAt: '2020-01-01T00:00:00.000Z', lastUsedAt: now, expiresAt: new Date(Date.now() - 1000).toISOString(), address: null }),
    );
    const browser = consoleSession(roster.origin);
    browser.useCookie(old);
    expect((await browser.request('GET', '/directories')).status).toBe(401);
  });

  it('marks the cookie Secure when a trusted proxy says the client used HTTPS', async () => {
    const behindProxy = await startRoster({ ROSTER_TRUSTED_PROXIES: '127.0.0.1/32' }, engine);
    try {
      await behindProxy.services.admins.create({ email: 'proxy@example.com', password: 'proxied password 1', role: 'owner' });
      const https = await consoleSession(behindProxy.origin).login('proxy@example.com', 'proxied password 1', { 'x-forwarded-proto': 'https' });
      expect(https.headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Strict; Path=\/; Secure$/);
      const http = await consoleSession(behindProxy.origin).login('proxy@example.com', 'proxied password 1');
      expect(http.headers.get('set-cookie')).not.toContain('Secure');
    } finally {
      await behindProxy.close();
    }
  });

  it('refuses a cookie-authenticated write without the CSRF token; an admin key needs none', async () => {
    const browser = await owner();
    const none = await browser.request('POST', '/directories', { name: 'No CSRF' }, { 'x-csrf-token': '' });
    expect(none.status).toBe(403);
    expect(none.body.error.code).toBe('auth.csrf');
    const wrong = await browser.request('POST', '/directories', { name: 'Wrong CSRF' }, { 'x-csrf-token': 'x'.repeat(43) });
    expect(wrong.body.error.code).toBe('auth.csrf');
    expect((await browser.request('GET', '/directories')).body.directories.map((d: { name: string }) => d.name)).not.toContain('No CSRF');
    const right = await browser.request('POST', '/directories', { name: 'With CSRF' });
    expect(right.status).toBe(201);

    const key = (await roster.services.adminKeys.create('script')).key;
    expect((await adminApi(roster.origin, key)('POST', '/directories', { name: 'By key' })).status).toBe(201);
    const audit = (await browser.request('GET', '/audit?action=directory.create')).body.entries;
    expect(audit.find((e: { after: { name: string } }) => e.after.name === 'With CSRF').actor).toEqual({ type: 'admin', id: right.body && expect.any(String), label: OWNER.email, address: '127.0.0.1' });
    expect(audit.find((e: { after: { name: string } }) => e.after.name === 'By key').actor.type).toBe('admin_key');
  });

  it('after 5 failed logins for an email from one address, answers 429 with Retry-After, even to the right password', async () => {
    await roster.services.admins.create({ email: 'limited@example.com', password: 'the right password', role: 'admin' });
    const browser = consoleSession(roster.origin);
    for (let i = 0; i < 5; i++) expect((await browser.login('limited@example.com', `wrong password ${i}`)).status).toBe(401);
    const limited = await browser.login('limited@example.com', 'the right password');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('auth.rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
    // Another email from the same address is not held back.
    expect((await browser.login(OWNER.email, OWNER.password)).status).toBe(200);
  });

  it('records every login and failed login in the audit log with the address, never the password; an unknown email gets the same answer', async () => {
    const admin = await roster.services.admins.create({ email: 'audited@example.com', password: 'audited password 1', role: 'admin' });
    const browser = consoleSession(roster.origin);
    const wrong = await browser.login('Audited@example.com', 'not the password 1');
    const unknown = await browser.login('nobody-here@example.com', 'not the password 1');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.headers.get('content-type')).toBe(wrong.headers.get('content-type'));
    expect((await browser.login('audited@example.com', 'audited password 1')).status).toBe(200);

    const key = (await roster.services.adminKeys.create('audit reader')).key;
    const read = async (action: string) => (await adminApi(roster.origin, key)('GET', `/audit?action=${action}`)).body.entries;
    const failed = await read('admin.login_failed');
    expect(failed.find((e: { after: { email: string } }) => e.after.email === 'audited@example.com')).toMatchObject({
      actor: { type: 'admin', id: admin.id, label: 'audited@example.com', address: '127.0.0.1' },
      targetType: 'Admin', targetId: admin.id, after: { reason: 'wrong_password' },
    });
    expect(failed.find((e: { after: { email: string } }) => e.after.email === 'nobody-here@example.com')).toMatchObject({
      actor: { type: 'admin', id: null, label: 'nobody-here@example.com', address: '127.0.0.1' },
      targetId: 'nobody-here@example.com', after: { reason: 'unknown_email' },
    });
    const logins = await read('admin.login');
    expect(logins.find((e: { targetId: string }) => e.targetId === admin.id)).toMatchObject({ actor: { type: 'admin', id: admin.id, label: 'audited@example.com', address: '127.0.0.1' }, after: { email: 'audited@example.com' } });
    expect(JSON.stringify([failed, logins])).not.toContain('password 1');
  });

  it('a password change ends the admin\'s other sessions and keeps this one', async () => {
    await roster.services.admins.create({ email: 'changer@example.com', password: 'first password 1', role: 'admin' });
    const here = consoleSession(roster.origin);
    const there = consoleSession(roster.origin);
    await here.login('changer@example.com', 'first password 1');
    await there.login('changer@example.com', 'first password 1');
    secrets.push('first password 1', 'second password 2', here.cookie!, there.cookie!);

    const wrong = await here.request('POST', '/session/password', { currentPassword: 'not it at all', newPassword: 'second password 2' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'admin.invalid', field: 'currentPassword' });
    const short = await here.request('POST', '/session/password', { currentPassword: 'first password 1', newPassword: 'short' });
    expect(short.body.error).toMatchObject({ code: 'admin.invalid', field: 'newPassword' });

    expect((await here.request('POST', '/session/password', { currentPassword: 'first password 1', newPassword: 'second password 2' })).status).toBe(204);
    expect((await here.request('GET', '/session')).status).toBe(200);
    expect((await there.request('GET', '/session')).status).toBe(401);
    expect((await consoleSession(roster.origin).login('changer@example.com', 'first password 1')).status).toBe(401);
    expect((await consoleSession(roster.origin).login('changer@example.com', 'second password 2')).status).toBe(200);
  });

  it('a read_only admin can read but gets 403 on every write route of the admin API, except logout and its own password', async () => {
    const ownerSession = await owner();
    const created = await ownerSession.request('POST', '/admins', { email: 'viewer@example.com', password: 'read only password', role: 'read_only' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), email: 'viewer@example.com', role: 'read_only', createdAt: expect.any(String), updatedAt: expect.any(String) });
    const viewer = consoleSession(roster.origin);
    expect((await viewer.login('viewer@example.com', 'read only password')).body.admin.role).toBe('read_only');
    secrets.push('read only password', viewer.cookie!);
    expect((await viewer.request('GET', '/directories')).status).toBe(200);
    expect((await viewer.request('GET', '/admins')).status).toBe(200);

    const writes = roster.app.adminRoutes.filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method) && r.access !== 'public' && r.access !== 'self');
    expect(writes.length).toBeGreaterThanOrEqual(15);
    const directory = await roster.directory({ name: 'Target' });
    for (const route of writes) {
      const url = route.url.replace(/^\/api\/v1/, '').replace(/:id\b/g, directory.directoryId).replace(/:(\w+)/g, 'x');
      const res = await viewer.request(route.method, url, {});
      expect({ route: `${route.method} ${route.url}`, status: res.status, code: res.body?.error?.code }).toEqual({ route: `${route.method} ${route.url}`, status: 403, code: 'auth.forbidden' });
    }
    expect((await roster.services.directories.get(directory.directoryId)).status).toBe('active');
    expect((await viewer.request('POST', '/session/password', { currentPassword: 'read only password', newPassword: 'read only password 2' })).status).toBe(204);
    expect((await viewer.request('DELETE', '/session')).status).toBe(204);
  });

  it('only owners manage admins; the last owner can be neither demoted nor removed', async () => {
    const ownerSession = await owner();
    const me = (await ownerSession.request('GET', '/session')).body.admin;
    const made = await ownerSession.request('POST', '/admins', { email: 'helper@example.com', password: 'helper password 1', role: 'admin' });
    expect(made.status).toBe(201);
    expect((await ownerSession.request('POST', '/admins', { email: 'HELPER@example.com', password: 'helper password 1', role: 'admin' })).body.error.code).toBe('admin.email_taken');
    expect((await ownerSession.request('POST', '/admins', { email: 'x@example.com', password: 'helper password 1', role: 'god' })).body.error).toMatchObject({ code: 'admin.invalid', field: 'role' });
    const helper = consoleSession(roster.origin);
    await helper.login('helper@example.com', 'helper password 1');
    secrets.push('helper password 1');
    const forbidden = await helper.request('POST', '/admins', { email: 'sneaky@example.com', password: 'sneaky password 1', role: 'owner' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('auth.forbidden');
    expect((await helper.request('PATCH', `/admins/${made.body.id}`, { role: 'owner' })).status).toBe(403);
    expect((await helper.request('POST', '/directories', { name: 'By an admin' })).status).toBe(201);

    const demote = await ownerSession.request('PATCH', `/admins/${me.id}`, { role: 'admin' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('admin.last_owner');
    expect((await ownerSession.request('DELETE', `/admins/${me.id}`)).body.error.code).toBe('admin.last_owner');
    expect((await ownerSession.request('PATCH', `/admins/${made.body.id}`, { role: 'owner' })).body.role).toBe('owner');
    expect((await helper.request('GET', '/session')).body.admin.role).toBe('owner');
    expect((await ownerSession.request('PATCH', `/admins/${made.body.id}`, { role: 'admin' })).status).toBe(200);
    expect((await ownerSession.request('DELETE', `/admins/${made.body.id}`)).status).toBe(204);
    expect((await helper.request('GET', '/session')).status).toBe(401);
    expect((await ownerSession.request('DELETE', `/admins/${made.body.id}`)).status).toBe(404);

    const events = (await ownerSession.request('GET', '/events?types=admin.created,admin.updated,admin.removed&limit=1000')).body.events;
    const ofHelper = events.filter((e: { resourceId: string }) => e.resourceId === made.body.id);
    expect(ofHelper.map((e: { type: string }) => e.type)).toEqual(['admin.created', 'admin.updated', 'admin.updated', 'admin.removed']);
    expect(ofHelper[0]).toMatchObject({ directoryId: null, data: { id: made.body.id, email: 'helper@example.com', role: 'admin' } });
    expect(ofHelper[1].changed).toEqual(['role']);
    const audit = (await ownerSession.request('GET', '/audit?limit=500')).body.entries.filter((e: { targetId: string }) => e.targetId === made.body.id);
    // The helper's own login is audited too, as the helper; every change to it, as the owner.
    expect(audit.map((e: { action: string }) => e.action).sort()).toEqual(['admin.create', 'admin.login', 'admin.remove', 'admin.update', 'admin.update']);
    const changes = audit.filter((e: { action: string }) => e.action !== 'admin.login');
    expect(changes.every((e: { actor: { type: string; label: string } }) => e.actor.type === 'admin' && e.actor.label === OWNER.email)).toBe(true);
    expect(audit.find((e: { action: string }) => e.action === 'admin.login').actor).toMatchObject({ type: 'admin', id: made.body.id, label: 'helper@example.com' });
  });

  it('owners list, create and revoke admin keys from the console; the key is shown once', async () => {
    const ownerSession = await owner();
    const created = await ownerSession.request('POST', '/admin-keys', { label: 'deploy script' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), label: 'deploy script', key: expect.stringMatching(/^rsk_/) });
    secrets.push(created.body.key);
    const key = adminApi(roster.origin, created.body.key);
    expect((await key('GET', '/directories')).status).toBe(200);
    const listed = await ownerSession.request('GET', '/admin-keys');
    expect(listed.body.adminKeys.map((k: { id: string }) => k.id)).toContain(created.body.id);
    expect(listed.text).not.toContain(created.body.key);
    // A key acts as an admin: it cannot mint keys or manage accounts.
    expect((await key('POST', '/admin-keys', { label: 'by a key' })).body.error.code).toBe('auth.forbidden');
    expect((await ownerSession.request('DELETE', `/admin-keys/${created.body.id}`)).status).toBe(204);
    expect((await key('GET', '/directories')).status).toBe(401);
    const audit = (await ownerSession.request('GET', '/audit?action=admin_key.create')).body.entries;
    expect(audit[0].actor).toMatchObject({ type: 'admin', label: OWNER.email });
  });

  it('`roster admin create` makes an account from the command line (password on stdin); list and remove too', async () => {
    const env: Record<string, string> = roster.config.databaseUrl ? { DATABASE_URL: roster.config.databaseUrl } : { ROSTER_DATA_DIR: roster.dataDir };
    const created = runCli(['admin', 'create', '--email', 'cli@example.com', '--role', 'owner', '--password-stdin', '--json'], env, 'typed on stdin 1\n');
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    const admin = JSON.parse(created.stdout);
    expect(admin).toMatchObject({ email: 'cli@example.com', role: 'owner' });
    expect(created.stdout).not.toContain('typed on stdin');
    secrets.push('typed on stdin 1');
    expect((await consoleSession(roster.origin).login('cli@example.com', 'typed on stdin 1')).status).toBe(200);

    const tooShort = runCli(['admin', 'create', '--email', 'short@example.com', '--role', 'admin'], env, 'short\n');
    expect(tooShort.status).toBe(1);
    expect(tooShort.stderr).toContain('password: must be at least 12 characters');

    const list = JSON.parse(runCli(['admin', 'list', '--json'], env).stdout);
    expect(list.map((a: { email: string }) => a.email)).toContain('cli@example.com');
    expect(JSON.stringify(list)).not.toContain('scrypt');
    const removed = runCli(['admin', 'remove', 'CLI@example.com', '--json'], env);
    expect(removed.status).toBe(0);
    expect(JSON.parse(removed.stdout).removed.id).toBe(admin.id);
    const entry = (await roster.services.audit.list({ action: 'admin.remove', limit: 10 })).entries.find((e) => e.targetId === admin.id);
    expect(entry?.actor).toMatchObject({ type: 'cli', label: 'cli' });
  });

  it('`roster serve` logs a one-time setup link while no admin exists', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'roster-setup-'));
    const database = engine === 'postgres' ? await createTestDatabase({ empty: true }) : undefined;
    const server = await spawnServer({ ROSTER_DATA_DIR: dataDir, ROSTER_DELIVERY_WORKER: 'off', ...(database ? { DATABASE_URL: database.url } : {}) });
    try {
      const link = new RegExp(`${server.origin.replace(/\./g, '\\.')}/setup#token=([A-Za-z0-9_-]{43})`).exec(server.output());
      expect(link, server.output()).not.toBeNull();
      const browser = consoleSession(server.origin);
      const setup = await browser.request('POST', '/setup', { token: link![1], email: 'first@example.com', password: 'first owner password' });
      expect(setup.status).toBe(201);
      expect((await browser.request('GET', '/admins')).body.admins.map((a: { role: string }) => a.role)).toEqual(['owner']);
      expect(server.output()).not.toContain('first owner password');
      expect(server.output()).not.toContain(browser.cookie!);
      // pg warns when a query is issued on a connection still running another (the pool's own SET once did).
      expect(server.output()).not.toContain('DeprecationWarning');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('no password, password hash or session token appears in a response body or a log line', async () => {
    const browser = await owner();
    const bodies = [
      (await browser.request('GET', '/admins')).text,
      (await browser.request('GET', '/audit?limit=500')).text,
      (await browser.request('GET', '/events?limit=1000')).text,
      (await browser.request('GET', '/session')).text,
    ].join('\n');
    const logs = roster.logs();
    expect(bodies).not.toMatch(/scrypt\$|passwordHash|password_hash/);
    for (const secret of secrets) {
      expect(bodies).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    expect(logs.length).toBeGreaterThan(0);
  });

  it('two creations of one admin email at once: one is made, the other is told the email is taken', async () => {
    const input = { email: 'twice@example.com', password: 'twice password 1', role: 'admin' };
    const results = await Promise.allSettled([roster.services.admins.create(input), roster.services.admins.create({ ...input, email: 'TWICE@example.com' })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'admin.email_taken' });
  });
});
