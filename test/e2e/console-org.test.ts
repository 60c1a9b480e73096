import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runSimulation } from '../../src/idp/simulator/run-simulation.ts';
import { renderReport } from '../../src/idp/simulator/sim-report.ts';
import { patchOp, startRoster } from '../helpers/start-roster.ts';
import { describeInBrowser, launchBrowser, openPage, PHONE, screenshot } from './browser.ts';

const OWNER = { email: 'owner@example.com', password: 'correct horse battery staple' };
const VIEWER = { email: 'viewer@example.com', password: 'read only but long enough' };

async function login(page: Page, who: { email: string; password: string }) {
  await page.goto('/');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Directories', level: 1 }).waitFor();
}

/** Follows a link of the main navigation (a page may link the same name in its crumbs). */
const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();

const label = (a: { displayName: string | null; email: string | null; userName: string | null; id: string }) => a.displayName || a.email || a.userName || a.id;

describeInBrowser('admin console in Chromium: the organization pages', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('an app granted to a synced group with the preview first, access explained, a held deprovision approved', async () => {
    const roster = await startRoster();
    const { context, page, problems } = await openPage(browser, roster.origin);
    const phone = await openPage(browser, roster.origin, PHONE);
    try {
      // The owner (set up over the API as the console does) and a read-only admin; the owner logs in.
      const token = (await roster.services.adminSetup.issue())!;
      const setup = await fetch(`${roster.origin}/api/v1/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, ...OWNER }) });
      expect(setup.status).toBe(201);
      await roster.services.admins.create({ ...VIEWER, role: 'read_only' });
      await login(page, OWNER);

      // An Okta directory from the wizard, provisioned by the simulator with the token shown once.
      await page.getByRole('link', { name: 'New directory' }).click();
      await page.getByLabel('Name').fill('Okta employees');
      await page.getByLabel('Okta').check();
      await page.getByRole('button', { name: 'Create directory' }).click();
      const baseUrl = await page.getByRole('textbox', { name: 'SCIM base URL' }).inputValue();
      const scimToken = await page.getByRole('textbox', { name: 'Token', exact: true }).inputValue();
      const { report } = await runSimulation({ idp: 'okta', baseUrl, token: scimToken, users: 8, groups: 1, members: 5 });
      expect(report.failures, renderReport(report)).toBe(0);
      const directoryId = baseUrl.split('/').pop()!;

      // The org group the pushed IdP group became, and its members as the pages name them.
      const synced = (await roster.services.orgGroups.list({})).filter((g) => g.memberCount > 0);
      expect(synced).toHaveLength(1);
      const group = synced[0]!;
      const members = await roster.services.orgGroups.members(group.id, { limit: 100 });
      expect(members).toHaveLength(5);
      // Okta's run deactivates some users: only active members get access.
      const entitled = members.filter((m) => m.status === 'active');
      expect(entitled.length).toBeGreaterThan(2);

      // Apps: create one, grant it to the group; the preview lists who gains it before anything is saved.
      await nav(page, 'Apps');
      await page.getByText('No app yet.').waitFor();
      await screenshot(page, 'org-01-apps-empty');
      await page.getByLabel('App name').fill('Wiki');
      await page.getByLabel('Kind').selectOption('wiki');
      await page.getByLabel('Seat limit').fill('100');
      await page.getByRole('button', { name: 'Create app' }).click();
      await page.getByRole('heading', { name: 'Wiki', level: 1 }).waitFor();
      await page.getByText('Not granted to any group').waitFor();
      await page.getByLabel('Group', { exact: true }).selectOption(group.id);
      await page.getByRole('button', { name: 'Preview grant' }).click();
      const preview = page.getByTestId('preview');
      await preview.getByText('Would gain access').waitFor();
      for (const m of entitled) await expect.poll(() => preview.getByRole('link', { name: label(m), exact: true }).count(), { message: label(m) }).toBe(1);
      const app = (await roster.services.apps.list())[0]!;
      expect(app.grantedGroups).toEqual([]); // the preview saved nothing
      await screenshot(page, 'org-02-app-grant-preview');
      await page.getByRole('button', { name: `Confirm: grant to ${group.name}` }).click();
      await expect.poll(() => page.getByTestId('grants-table').locator('tbody tr').count()).toBe(1);
      await expect.poll(() => page.getByTestId('access-table').locator('tbody tr').count()).toBe(entitled.length);
      await expect.poll(() => page.getByTestId('app-seats').textContent()).toContain(`${entitled.length} of 100`);
      // A read-API key, shown once.
      await page.getByLabel('Key label').fill('wiki sync');
      await page.getByRole('button', { name: 'Create app key' }).click();
      const appKey = await page.getByRole('textbox', { name: 'App key' }).inputValue();
      expect((await fetch(`${roster.origin}/api/v1/app/accounts`, { headers: { authorization: `Bearer ${appKey}` } })).status).toBe(200);
      await screenshot(page, 'org-03-app');
      await phone.context.addCookies(await context.cookies());
      await phone.page.goto(page.url());
      await phone.page.getByTestId('access-table').waitFor();
      await screenshot(phone.page, 'org-04-app-phone');

      // An account with the access, and why: Wiki → the group → Okta's IdP group.
      await page.getByTestId('access-table').getByRole('link', { name: label(entitled[0]!), exact: true }).click();
      await page.getByRole('heading', { name: 'Linked directories' }).waitFor();
      await page.getByTestId('account-apps').getByRole('button', { name: 'Why?' }).click();
      const why = page.getByTestId(`explain-${app.id}`);
      await expect.poll(() => why.textContent()).toContain('has Wiki.');
      await expect.poll(() => why.getByRole('link', { name: 'Okta employees' }).count()).toBe(1);
      await page.getByTestId('account-link').getByText('Raw SCIM resource').click();
      await expect.poll(() => page.getByLabel('SCIM resource JSON').textContent()).toContain(`"userName": "${entitled[0]!.userName}"`);
      await screenshot(page, 'org-05-account');
      await phone.page.goto(page.url());
      await phone.page.getByTestId('account-apps').getByRole('button', { name: 'Why?' }).click();
      await phone.page.getByTestId(`explain-${app.id}`).getByText('has Wiki.').waitFor();
      await screenshot(phone.page, 'org-06-account-phone');

      // Accounts, filtered by app on the server.
      await nav(page, 'Accounts');
      await expect.poll(() => page.getByTestId('accounts-table').locator('tbody tr').count()).toBe(8);
      await page.getByLabel('App').selectOption(app.id);
      await expect.poll(() => page.getByTestId('accounts-table').locator('tbody tr').count()).toBe(entitled.length);
      await screenshot(page, 'org-07-accounts');

      // The org group: source, members paged by the server, and a synced group refused as a default group.
      await nav(page, 'Org groups');
      await page.getByRole('link', { name: group.name }).click();
      await expect.poll(() => page.getByTestId('org-members-table').locator('tbody tr').count()).toBe(5);
      await page.getByLabel('Default for').selectOption('new');
      await page.getByRole('button', { name: 'Preview' }).click();
      await page.getByText('a synced group cannot be a default group').waitFor();
      await screenshot(page, 'org-08-group');

      // The directory's rules: the guard set to hold past one deprovision, previewed then applied.
      await page.goto(`/directories/${directoryId}/rules`);
      const guard = page.getByTestId('rules-guard');
      await guard.getByLabel('Minimum count').fill('1');
      await guard.getByLabel('Share of linked accounts (%)').fill('1');
      await guard.getByRole('button', { name: 'Preview changes' }).click();
      await guard.getByTestId('preview-empty').waitFor();
      await screenshot(page, 'org-09-rules-preview');
      await guard.getByRole('button', { name: 'Apply mass-deprovision guard' }).click();
      await expect.poll(async () => (await roster.services.rules.get(directoryId)).rules.guard.minCount).toBe(1);
      await page.getByText('Rules version 1.').waitFor();

      // Okta deactivates two more users: past the guard, the accounts stay active and wait for an admin.
      const scim = roster.client(baseUrl, scimToken);
      for (const m of entitled.slice(0, 2)) {
        const [link] = (await roster.services.accounts.get(m.id)).links;
        expect((await scim.patch(`/Users/${link!.userId}`, patchOp({ op: 'replace', value: { active: false } }))).status).toBe(200);
      }
      const heldBefore = await roster.services.held.list();
      expect(heldBefore.length).toBeGreaterThanOrEqual(1);
      await nav(page, 'Held');
      await expect.poll(() => page.getByTestId('held-table').locator('tbody tr').count()).toBe(heldBefore.length);
      const heldAccount = members.find((m) => m.id === heldBefore[0]!.accountId)!;
      await expect.poll(() => page.getByTestId('held-table').getByRole('link', { name: label(heldAccount) }).count()).toBe(1);
      await screenshot(page, 'org-10-held');
      await page.getByTestId('held-table').getByRole('button', { name: 'Approve' }).first().click();
      await page.getByTestId('held-result').getByText(/^Approved 1; 1 applied/).waitFor();
      expect((await roster.services.accounts.get(heldBefore[0]!.accountId)).status).toBe('deactivated');
      await screenshot(page, 'org-11-held-approved');

      // Domains: adding one is previewed first.
      await nav(page, 'Domains');
      await page.getByLabel('Domain', { exact: true }).fill('okta.local');
      await page.getByRole('button', { name: 'Preview' }).click();
      await page.getByTestId('preview').waitFor();
      await page.getByRole('button', { name: 'Add okta.local' }).click();
      await expect.poll(() => page.getByTestId('domains-table').getByRole('rowheader', { name: 'okta.local' }).count()).toBe(1);
      await screenshot(page, 'org-12-domains');
      // The one 409 is the synced group refused as a default group, shown on the page above.
      expect(problems.filter((p) => !/status of 409/.test(p))).toEqual([]);
      expect(phone.problems).toEqual([]);

      // A read-only admin sees the same pages with no write control.
      const viewer = await openPage(browser, roster.origin);
      try {
        await login(viewer.page, VIEWER);
        await viewer.page.goto(`/apps/${app.id}`);
        const seated = (await roster.services.apps.get(app.id)).seatsUsed;
        await expect.poll(() => viewer.page.getByTestId('access-table').locator('tbody tr').count()).toBe(seated);
        for (const name of ['Preview grant', 'Remove grant', 'Create app key', 'Revoke', 'Save limit', 'Delete app']) expect(await viewer.page.getByRole('button', { name }).count(), name).toBe(0);
        await screenshot(viewer.page, 'org-13-viewer-app');
        await viewer.page.goto(`/directories/${directoryId}/rules`);
        await viewer.page.getByTestId('rules-guard').waitFor();
        expect(await viewer.page.getByRole('button', { name: 'Preview changes' }).count()).toBe(0);
        await viewer.page.goto('/held');
        await viewer.page.getByRole('heading', { name: 'Held deprovisions' }).waitFor();
        expect(await viewer.page.getByRole('button', { name: /Approve|Reject/ }).count()).toBe(0);
        expect(viewer.problems).toEqual([]);
      } finally {
        await viewer.context.close();
      }
    } catch (error) {
      await screenshot(page, 'org-failed').catch(() => {});
      throw error;
    } finally {
      await phone.context.close();
      await context.close();
      await roster.close();
    }
  }, 120_000);
});
