import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { expectScimError } from '../helpers/expect-scim-error.ts';
import { startRoster, userBody, type RosterUnderTest } from '../helpers/start-roster.ts';

/**
 * Smaller points of issue 8 ("Security and robustness", item 7): what reaches the log, the request
 * id a client may set, the origin built into `Location` without ROSTER_PUBLIC_URL, and one answer
 * for every 401.
 */

/** node:http lets a test set `Host` and forwarding headers, which fetch does not. */
function rawGet(origin: string, path: string, headers: Record<string, string>, method = 'GET', body?: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }>((resolve, reject) => {
    const req = httpRequest(`${origin}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('logs, request ids and public origins', () => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster({ ROSTER_TRUSTED_PROXIES: '127.0.0.1/32' });
  });
  afterAll(() => roster.close());

  it('request URLs are logged without their query strings: a filter value never reaches the log', async () => {
    const scim = await roster.directory();
    const rejected = await scim.get(`/Users?filter=${encodeURIComponent('password eq "Hunter2-rejected"')}`);
    expect(rejected.status).toBe(400);
    const accepted = await scim.get(`/Users?filter=${encodeURIComponent('userName eq "Hunter2-accepted"')}`);
    expect(accepted.status).toBe(200);
    const unknown = await scim.get(`/Nowhere?filter=${encodeURIComponent('userName eq "Hunter2-unknown"')}`);
    expect(unknown.status).toBe(404);
    expect(roster.logs()).toContain(`/scim/v2/${scim.directoryId}/Users`);
    expect(roster.logs()).not.toContain('Hunter2');
  });

  it('a bounded, printable X-Request-Id is echoed; any other is replaced by a generated one', async () => {
    const scim = await roster.directory();
    expect((await scim.get('/Users', { 'x-request-id': 'okta-7f3a.91_b' })).headers.get('x-request-id')).toBe('okta-7f3a.91_b');
    for (const sent of ['x'.repeat(129), 'two words', '']) {
      const echoed = (await scim.get('/Users', { 'x-request-id': sent })).headers.get('x-request-id');
      expect(echoed).not.toBe(sent);
      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(roster.logs()).not.toContain('x'.repeat(129));
  });

  it('without ROSTER_PUBLIC_URL, a valid Host builds Location; an invalid Host falls back to the listening address', async () => {
    const scim = await roster.directory();
    const auth = { authorization: `Bearer ${scim.token}`, 'content-type': 'application/scim+json' };
    const path = `/scim/v2/${scim.directoryId}/Users`;
    const good = await rawGet(roster.origin, path, { ...auth, host: 'roster.example.com:8443' }, 'POST', JSON.stringify(userBody('host-good@example.com')));
    expect(good.status).toBe(201);
    expect(good.headers.location).toBe(`http://roster.example.com:8443${path}/${good.body.id}`);
    for (const [i, host] of ['evil.example.com/x?', 'a"b', 'exa mple.com', 'host:99999', '[not-ipv6]'].entries()) {
      const res = await rawGet(roster.origin, path, { ...auth, host }, 'POST', JSON.stringify(userBody(`host-bad-${i}@example.com`)));
      expect(res.status, host).toBe(201);
      expect(res.headers.location, host).toBe(`${roster.origin}${path}/${res.body.id}`);
      expect(res.body.meta.location, host).toBe(`${roster.origin}${path}/${res.body.id}`);
    }
  });

  it('X-Forwarded-Proto other than http/https through a trusted proxy never becomes the scheme', async () => {
    const scim = await roster.directory();
    const auth = { authorization: `Bearer ${scim.token}`, 'content-type': 'application/scim+json' };
    const path = `/scim/v2/${scim.directoryId}/Users`;
    const https = await rawGet(roster.origin, path, { ...auth, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'roster.example.com' }, 'POST', JSON.stringify(userBody('proto-https@example.com')));
    expect(https.headers.location).toBe(`https://roster.example.com${path}/${https.body.id}`);
    const js = await rawGet(roster.origin, path, { ...auth, 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'alert(1)' }, 'POST', JSON.stringify(userBody('proto-js@example.com')));
    expect(js.status).toBe(201);
    expect(js.headers.location).toBe(`${roster.origin}${path}/${js.body.id}`);
    const list = await rawGet(roster.origin, `/api/v1/directories`, { 'x-forwarded-proto': 'javascript' });
    expect(list.status).toBe(401);
  });
});

describeEachEngine('one answer for every 401', (engine) => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster({}, engine);
  });
  afterAll(() => roster.close());

  it('unknown, revoked, expired, other-directory and missing tokens get the same 401; the log says which', async () => {
    const scim = await roster.directory();
    const other = await roster.directory();
    const revoked = await roster.services.tokens.create(scim.directoryId, { label: 'to revoke' });
    await roster.services.tokens.revoke(revoked.view.id);
    const expired = await roster.services.tokens.create(scim.directoryId, { label: 'to expire', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    await roster.store.write((q) => q.tokens.update(expired.view.id, { expiresAt: '2001-01-01T00:00:00.000Z' }));

    const answers = [
      await roster.client(scim.baseUrl, 'rst_unknown').get('/Users'),
      await roster.client(scim.baseUrl, revoked.token).get('/Users'),
      await roster.client(scim.baseUrl, expired.token).get('/Users'),
      await roster.client(scim.baseUrl, other.token).get('/Users'),
      await fetch(`${scim.baseUrl}/Users`).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.clone().text(), body: await r.json() })),
    ];
    for (const res of answers) {
      expectScimError(res, 401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect(new Set(answers.map((a) => a.body.detail)).size).toBe(1);
    const logs = roster.logs();
    for (const reason of ['"reason":"unknown"', '"reason":"revoked"', '"reason":"expired"', '"reason":"other_directory"']) expect(logs).toContain(reason);
    for (const token of [revoked.token, expired.token, other.token]) expect(logs).not.toContain(token);
  });
});
