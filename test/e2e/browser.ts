import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium: playwright-core drives it and never downloads a browser of its own. */
export const CHROMIUM = process.env.ROSTER_CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/**
 * A browser suite: skipped with a message saying why when Chromium is absent, except where
 * ROSTER_REQUIRE_CHROMIUM=1 (CI), where its absence fails the run.
 */
export function describeInBrowser(name: string, suite: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, suite);
    return;
  }
  const reason = `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
  if (process.env.ROSTER_REQUIRE_CHROMIUM === '1') {
    describe(name, () => {
      throw new Error(`ROSTER_REQUIRE_CHROMIUM=1 but ${reason}`);
    });
    return;
  }
  process.stderr.write(`\n*** SKIPPING the console's end-to-end tests: ${reason}\n\n`);
  describe.skip(`${name} [skipped: ${reason}]`, suite);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/**
 * A page that fails its test on any script error or CSP violation, and collects what the console
 * logged, so a broken page is a failing test and not only a broken screenshot.
 */
export async function openPage(browser: Browser, origin: string, viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport, baseURL: origin });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A 401 on the first session check is how the console learns nobody is signed in; 403s are the read-only test's refused writes.
    if (message.type() === 'error' && !/status of (401|403)/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return { context, page, problems };
}

/** Saves a full-page screenshot under test-results/screenshots/ (look at them after a run). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Spinners settle first: a screenshot shows the loaded page.
  await page.waitForFunction(() => document.querySelectorAll('.loading').length === 0, undefined, { timeout: 10_000 }).catch(() => {});
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
