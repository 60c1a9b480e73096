import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { startRoster, type RosterUnderTest } from '../helpers/start-roster.ts';
import { adminRequest } from '../helpers/admin-api.ts';

/**
 * Admin API inputs (issue 8, item 6): every body and parameter is validated at the edge with the
 * config's schema library; a bad one is a 400 naming the field, never a 500 or a dead token.
 */
describeEachEngine('admin API input validation', (engine) => {
  let roster: RosterUnderTest;
  let adminKey: string;
  const api = (method: string, path: string, body?: unknown) => adminRequest(roster.origin, adminKey, method, path, body);

  beforeAll(async () => {
    roster = await startRoster({}, engine);
    adminKey = (await roster.services.adminKeys.create('test')).key;
  });
  afterAll(() => roster.close());

  it('refuses each bad input with 400 and the field named', async () => {
    const scim = await roster.directory();
    const dir = `/directories/${scim.directoryId}`;
    const [token] = (await api('GET', `${dir}/tokens`)).body.tokens;
    const cases: [string, string, unknown, string, string][] = [
      ['POST', '/directories', { name: 'x'.repeat(201) }, 'name', 'directory.invalid'],
      ['POST', '/directories', { name: 42 }, 'name', 'directory.invalid'],
      ['POST', '/directories', { name: 'ok', idp: ['okta'] }, 'idp', 'directory.invalid'],
      ['PATCH', dir, { passwordMode: 'sometimes' }, 'passwordMode', 'directory.invalid'],
      ['PATCH', dir, { ipAllowlist: '10.0.0.0/8' }, 'ipAllowlist', 'directory.invalid'],
      ['PATCH', dir, { name: '' }, 'name', 'directory.invalid'],
      ['POST', `${dir}/attributes`, { name: 'a'.repeat(65) }, 'name', 'directory.invalid'],
      ['POST', `${dir}/attributes`, { name: 'costCode', description: 'd'.repeat(501) }, 'description', 'directory.invalid'],
      ['POST', `${dir}/verify-password`, { userName: 7, password: 'x' }, 'userName', 'request.invalid'],
      ['POST', `${dir}/verify-password`, { userName: 'a', password: 'p'.repeat(5000) }, 'password', 'request.invalid'],
      ['POST', `${dir}/tokens`, { label: 'l'.repeat(201) }, 'label', 'token.invalid'],
      ['POST', `${dir}/tokens`, { label: 5 }, 'label', 'token.invalid'],
      ['POST', `${dir}/tokens`, { expiresAt: 'next tuesday' }, 'expiresAt', 'token.invalid'],
      ['POST', `${dir}/tokens`, { expiresAt: 1893456000000 }, 'expiresAt', 'token.invalid'],
      ['POST', `${dir}/tokens`, { expiresAt: '+010000-01-01T00:00:00Z' }, 'expiresAt', 'token.invalid'],
      ['POST', `/tokens/${token.id}/rotate`, { graceSeconds: 1e300 }, 'graceSeconds', 'token.invalid'],
      ['POST', `/tokens/${token.id}/rotate`, { graceSeconds: -1 }, 'graceSeconds', 'token.invalid'],
      ['POST', `/tokens/${token.id}/rotate`, { graceSeconds: 30 * 86400 + 1 }, 'graceSeconds', 'token.invalid'],
      ['POST', `/tokens/${token.id}/rotate`, { graceSeconds: '3600' }, 'graceSeconds', 'token.invalid'],
      ['POST', `/tokens/${token.id}/rotate`, { graceSeconds: 1.5 }, 'graceSeconds', 'token.invalid'],
    ];
    for (const [method, path, body, field, code] of cases) {
      const res = await api(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body).slice(0, 80)}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error).toMatchObject({ code, field });
      expect(res.body.error.message).toContain(field);
    }
    // Nothing was rotated or created by the refused requests.
    expect((await api('GET', `${dir}/tokens`)).body.tokens).toHaveLength(1);
    expect((await api('POST', `/tokens/${token.id}/rotate`, { graceSeconds: 30 * 86400 })).status).toBe(201);
  });

  it('a far-future expiry is compared as an instant: a token expiring in year 10000 is not expired', async () => {
    const scim = await roster.directory();
    // The CLI reaches the domain directly, so the domain compares instants too.
    const issued = await roster.services.tokens.create(scim.directoryId, { label: 'far', expiresAt: '+010000-01-01T00:00:00Z' });
    expect(issued.view.state).toBe('expiring');
    expect((await roster.client(scim.baseUrl, issued.token).get('/Users')).status).toBe(200);
    const listed = (await api('GET', `/directories/${scim.directoryId}/tokens`)).body.tokens.find((t: { id: string }) => t.id === issued.view.id);
    expect(listed.state).toBe('expiring');
    // Rotating keeps the old token for the grace period, not until year 10000.
    const rotated = await api('POST', `/tokens/${issued.view.id}/rotate`, { graceSeconds: 60 });
    expect(rotated.status).toBe(201);
    const old = (await api('GET', `/directories/${scim.directoryId}/tokens`)).body.tokens.find((t: { id: string }) => t.id === issued.view.id);
    expect(Date.parse(old.expiresAt) - Date.now()).toBeLessThan(61_000);
  });
});
