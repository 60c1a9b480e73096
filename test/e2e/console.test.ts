import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runSimulation } from '../../src/idp/simulator/run-simulation.ts';
import { renderReport } from '../../src/idp/simulator/sim-report.ts';
import { startRoster, type RosterUnderTest } from '../helpers/start-roster.ts';
import { describeInBrowser, launchBrowser, openPage, PHONE, screenshot } from './browser.ts';

const OWNER = { email: 'owner@example.com', password: 'correct horse battery staple' };
const VIEWER = { email: 'viewer@example.com', password: 'read only but long enough' };

/** The setup token `roster serve` would log as `<origin>/setup#token=…`. */
async function setupLink(roster: RosterUnderTest): Promise<string> {
  const token = await roster.services.adminSetup.issue();
  if (!token) throw new Error('no setup token: an admin exists already');
  return `/setup#token=${token}`;
}

async function login(page: Page, who: { email: string; password: string }) {
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Directories', level: 1 }).waitFor();
}

describeInBrowser('admin console in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('first-run setup, login, an Okta directory provisioned with the token copied from the page, rotation, logout', async () => {
    const roster = await startRoster();
    const { context, page, problems } = await openPage(browser, roster.origin);
    try {
      // First run: the setup link creates the owner, who is then signed in.
      await page.goto(await setupLink(roster));
      await page.getByRole('heading', { name: 'Welcome to Roster' }).waitFor();
      await screenshot(page, 'owner-01-setup');
      await page.getByLabel('Email').fill(OWNER.email);
      await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
      await page.getByLabel('Repeat the password').fill(OWNER.password);
      await page.getByRole('button', { name: 'Create owner and sign in' }).click();
      await page.getByRole('heading', { name: 'Directories', level: 1 }).waitFor();
      await expect.poll(() => page.getByText('No directory yet.').isVisible()).toBe(true);
      expect(new URL(page.url()).hash).toBe(''); // the setup token leaves the address bar
      await screenshot(page, 'owner-02-directories-empty');

      // The wizard: name and IdP, then the base URL and the token shown once beside Okta's steps.
      await page.getByRole('link', { name: 'New directory' }).click();
      await page.getByLabel('Name').fill('Okta employees');
      await page.getByLabel('Okta').check();
      await screenshot(page, 'owner-03-wizard-name');
      await page.getByRole('button', { name: 'Create directory' }).click();
      await page.getByText("you won't see it again").waitFor();
      await expect.poll(() => page.getByRole('heading', { name: 'In Okta' }).isVisible()).toBe(true);
      await expect.poll(() => page.getByText('Test API Credentials').isVisible()).toBe(true);
      await screenshot(page, 'owner-04-wizard-token');
      const baseUrl = await page.getByRole('textbox', { name: 'SCIM base URL' }).inputValue();
      const shownToken = await page.getByRole('textbox', { name: 'Token', exact: true }).inputValue();
      expect(baseUrl).toMatch(new RegExp(`^${roster.origin}/scim/v2/[0-9a-f-]{36}$`));
      // The Copy button puts the token on the clipboard, as an admin pastes it into Okta.
      await page.getByRole('button', { name: 'Copy Token' }).click();
      await page.getByRole('button', { name: 'Copy Token' }).filter({ hasText: 'Copied' }).waitFor();
      const token = await page.evaluate(() => navigator.clipboard.readText());
      expect(token).toBe(shownToken);
      expect(token).toMatch(/^rst_/);
      const phone = await openPage(browser, roster.origin, PHONE);
      await phone.context.addCookies(await context.cookies());
      await phone.page.goto('/directories');
      await phone.page.getByRole('heading', { name: 'Directories', level: 1 }).waitFor();
      await screenshot(phone.page, 'owner-05-directories-phone');

      // Okta provisions users and pushes groups with that token (the simulator speaks like Okta).
      const { report } = await runSimulation({ idp: 'okta', baseUrl, token, users: 12, groups: 2, members: 4 });
      expect(report.failures, renderReport(report)).toBe(0);

      await page.getByRole('link', { name: "I've copied them: open the directory" }).click();
      await expect.poll(() => page.getByTestId('stat-users').textContent()).toBe('12');
      await expect.poll(() => page.getByTestId('stat-groups').textContent()).toBe('2');
      await screenshot(page, 'owner-06-directory-overview');

      await page.getByRole('navigation', { name: 'Directory' }).getByRole('link', { name: 'Users' }).click();
      await expect.poll(() => page.getByTestId('users-table').locator('tbody tr').count()).toBe(12);
      await expect.poll(() => page.getByText('1–12 of 12').isVisible()).toBe(true);
      await screenshot(page, 'owner-07-users');
      const firstUser = (await page.getByTestId('users-table').locator('tbody th a').first().textContent())!;
      await page.getByLabel('Search users').fill(firstUser);
      await page.getByRole('button', { name: 'Search' }).click();
      await expect.poll(() => page.getByTestId('users-table').locator('tbody tr').count()).toBe(1);
      await page.getByRole('link', { name: firstUser }).click();
      await page.getByRole('heading', { name: 'SCIM resource' }).waitFor();
      await expect.poll(() => page.getByLabel('SCIM resource JSON').textContent()).toContain(`"userName": "${firstUser}"`);
      await expect.poll(() => page.locator('.timeline li').count()).toBeGreaterThan(0);
      await screenshot(page, 'owner-08-user');
      await phone.page.goto(page.url());
      await phone.page.getByRole('heading', { name: 'SCIM resource' }).waitFor();
      await screenshot(phone.page, 'owner-09-user-phone');

      await page.goBack();
      await page.goBack();
      await page.getByRole('navigation', { name: 'Directory' }).getByRole('link', { name: 'Groups' }).click();
      await expect.poll(() => page.getByTestId('groups-table').locator('tbody tr').count()).toBe(2);
      await screenshot(page, 'owner-10-groups');
      await page.getByTestId('groups-table').locator('tbody th a').first().click();
      await expect.poll(() => page.getByTestId('members-list').locator('li').count()).toBe(4);
      await screenshot(page, 'owner-11-group');

      // Rotate with an overlap: the new token works at once, the old one until the overlap ends.
      await page.locator('.crumbs').getByRole('link', { name: 'Okta employees' }).click();
      await page.getByTestId('groups-table').waitFor();
      await page.getByRole('navigation', { name: 'Directory' }).getByRole('link', { name: 'Tokens' }).click();
      await page.getByTestId('tokens-table').waitFor();
      await page.getByRole('button', { name: 'Rotate' }).click();
      await page.getByText('rotated; it keeps working for 1 hour').waitFor();
      const rotated = await page.getByRole('textbox', { name: 'Token', exact: true }).inputValue();
      expect(rotated).not.toBe(token);
      await expect.poll(() => page.getByTestId('tokens-table').locator('tbody tr').count()).toBe(2);
      await screenshot(page, 'owner-12-token-rotated');
      const scim = (t: string) => fetch(`${baseUrl}/Users?count=1`, { headers: { authorization: `Bearer ${t}` } }).then((r) => r.status);
      expect(await scim(rotated)).toBe(200);
      expect(await scim(token)).toBe(200);

      await page.getByRole('link', { name: 'Requests' }).click();
      await expect.poll(() => page.locator('.request-list li').count()).toBeGreaterThan(10);
      await screenshot(page, 'owner-13-requests');

      // Log out: the session ends; the console asks for a login, and the password works again.
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('heading', { name: 'Log in to Roster' }).waitFor();
      await screenshot(page, 'owner-14-logged-out');
      const after = await page.evaluate(() => fetch('/api/v1/directories').then((r) => r.status));
      expect(after).toBe(401);
      await login(page, OWNER);

      // The rest of the console: the audit log names the rotation, a webhook, an API key shown once, admins, the feed.
      await page.getByRole('link', { name: 'Audit log' }).click();
      await expect.poll(() => page.getByRole('rowheader', { name: 'token.rotate' }).count()).toBe(1);
      await screenshot(page, 'owner-15-audit');
      await page.getByRole('link', { name: 'Webhooks' }).click();
      await page.getByLabel('URL').fill('http://127.0.0.1:9/roster-events');
      await page.getByRole('button', { name: 'Add webhook' }).click();
      await page.getByText('Copy its signing secret now').waitFor();
      await expect.poll(() => page.getByRole('link', { name: 'http://127.0.0.1:9/roster-events' }).count()).toBe(1);
      await screenshot(page, 'owner-16-webhooks');
      await page.getByRole('link', { name: 'http://127.0.0.1:9/roster-events' }).click();
      await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
      await screenshot(page, 'owner-17-webhook');
      await page.getByRole('link', { name: 'API keys' }).click();
      await page.getByLabel('Label').fill('nightly export');
      await page.getByRole('button', { name: 'Create key' }).click();
      const key = await page.getByRole('textbox', { name: 'Admin key' }).inputValue();
      expect((await fetch(`${roster.origin}/api/v1/directories`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
      await screenshot(page, 'owner-18-admin-keys');
      await page.getByRole('link', { name: 'Admins', exact: true }).click();
      await expect.poll(() => page.getByRole('rowheader', { name: `${OWNER.email} (you)` }).count()).toBe(1);
      await screenshot(page, 'owner-19-admins');
      await page.getByRole('link', { name: 'Event feed' }).click();
      await expect.poll(() => page.locator('.timeline li').count()).toBeGreaterThan(10);
      await screenshot(page, 'owner-20-events');
      await page.getByRole('link', { name: OWNER.email }).click();
      await page.getByLabel('Current password').fill(OWNER.password);
      await page.getByLabel('New password', { exact: true }).fill(`${OWNER.password} 2`);
      await page.getByLabel('Repeat the new password').fill(`${OWNER.password} 2`);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('Password changed.').waitFor();
      await screenshot(page, 'owner-21-account');
      await phone.context.close();
      expect(problems).toEqual([]);
      expect(phone.problems).toEqual([]);
    } finally {
      await context.close();
      await roster.close();
    }
  }, 120_000);

  it('a read-only admin sees no write control, and the server refuses its writes', async () => {
    const roster = await startRoster();
    const { context, page, problems } = await openPage(browser, roster.origin);
    try {
      // The owner (set up over the API as the console does) adds a directory and a read-only admin.
      const token = (await roster.services.adminSetup.issue())!;
      const setup = await fetch(`${roster.origin}/api/v1/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, ...OWNER }) });
      expect(setup.status).toBe(201);
      const cookie = /roster_session=[^;]+/.exec(setup.headers.get('set-cookie') ?? '')![0];
      const { csrfToken } = await setup.json();
      const owner = (method: string, path: string, body: unknown) =>
        fetch(`${roster.origin}/api/v1${path}`, { method, headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await owner('POST', '/admins', { ...VIEWER, role: 'read_only' })).status).toBe(201);
      const directory = await (await owner('POST', '/directories', { name: 'Entra staff', idp: 'entra' })).json();
      const { report } = await runSimulation({ idp: 'entra', baseUrl: directory.scimBaseUrl, token: directory.token, users: 5, groups: 1, members: 3 });
      expect(report.failures, renderReport(report)).toBe(0);

      await page.goto('/');
      await page.getByRole('heading', { name: 'Log in to Roster' }).waitFor();
      await screenshot(page, 'viewer-01-login');
      await login(page, VIEWER);
      await expect.poll(() => page.getByRole('link', { name: 'Entra staff' }).isVisible()).toBe(true);
      expect(await page.getByText('Read-only', { exact: true }).isVisible()).toBe(true);
      expect(await page.getByRole('link', { name: 'New directory' }).count()).toBe(0);
      expect(await page.getByRole('link', { name: 'Admins' }).count()).toBe(0);
      await screenshot(page, 'viewer-02-directories');

      await page.getByRole('link', { name: 'Entra staff' }).click();
      // Entra's Tenant URL carries its compliance flag, ready to paste.
      expect(await page.getByRole('textbox', { name: 'Tenant URL' }).inputValue()).toBe(`${directory.scimBaseUrl}?aadOptscim062020`);
      await page.getByRole('navigation', { name: 'Directory' }).getByRole('link', { name: 'Tokens' }).click();
      await page.getByTestId('tokens-table').waitFor();
      for (const name of ['Rotate', 'Revoke', 'Create token']) expect(await page.getByRole('button', { name }).count(), name).toBe(0);
      await screenshot(page, 'viewer-03-tokens');
      await page.getByRole('navigation', { name: 'Directory' }).getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('heading', { name: 'Custom attributes' }).waitFor();
      expect(await page.getByRole('button').filter({ hasText: /Save|Add|Pause|Delete|Remove/ }).count()).toBe(0);
      await screenshot(page, 'viewer-04-settings');
      await page.getByRole('link', { name: 'Webhooks' }).click();
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      expect(await page.getByRole('button', { name: 'Add webhook' }).count()).toBe(0);
      await page.getByRole('link', { name: 'API keys' }).click();
      await page.getByRole('heading', { name: 'Admin API keys' }).waitFor();
      expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
      await page.goto('/directories/new');
      await page.getByRole('heading', { name: 'Not available' }).waitFor();
      await screenshot(page, 'viewer-05-not-available');

      // Whatever the page shows, the server refuses a read-only admin's writes, CSRF token or not.
      const refused = await page.evaluate(async (id) => {
        const { csrfToken: csrf } = await (await fetch('/api/v1/session')).json();
        const call = (method: string, path: string, body: unknown) =>
          fetch(`/api/v1${path}`, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body) }).then(async (r) => [r.status, (await r.json()).error?.code]);
        return [await call('POST', '/directories', { name: 'sneaky' }), await call('PATCH', `/directories/${id}`, { name: 'renamed' }), await call('POST', `/directories/${id}/tokens`, {})];
      }, directory.id);
      expect(refused).toEqual([
        [403, 'auth.forbidden'],
        [403, 'auth.forbidden'],
        [403, 'auth.forbidden'],
      ]);
      expect((await roster.services.directories.list()).map((d) => d.name)).toEqual(['Entra staff']);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
      await roster.close();
    }
  }, 120_000);
});
