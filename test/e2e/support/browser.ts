// End-to-end harness: Debian's chromium driven by playwright-core (browsers cannot be downloaded here), against
// the admin started in-process on a free port over a createTestEnv() corner of the real stack.
import { existsSync } from 'node:fs';
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Role } from '../../../src/api/deps';
import { startAdmin, type TestAdmin } from './app';
import { createUser as insertUser, type TestUser } from './users';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run 'apt-get install -y chromium' (infra/test.sh does it as root)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface E2E {
  admin: TestAdmin;
  browser: Browser;
  /** The app's base URL (http://127.0.0.1:<port>). */
  url: string;
  /**
   * A fresh browser context (own cookies), one page in it. Its browser asks for English (`Accept-Language: en`)
   * unless `acceptLanguage` says otherwise; null sends no Accept-Language at all (the admin then answers in French).
   */
  newPage(opts?: { acceptLanguage?: string | null }): Promise<Page>;
  createUser(role: Role): Promise<TestUser>;
  close(): Promise<void>;
}

/** Starts the app (with a worker when the test imports files) and a browser. */
export async function startE2E(label: string, opts: { worker?: boolean; env?: Record<string, string> } = {}): Promise<E2E> {
  const admin = await startAdmin(label, { worker: opts.worker, env: opts.env });
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (err) {
    await admin.close();
    throw err;
  }
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  return {
    admin,
    browser,
    url: admin.url,
    async newPage(opts = {}) {
      const acceptLanguage = opts.acceptLanguage === undefined ? 'en' : opts.acceptLanguage;
      const context = await browser.newContext({
        baseURL: admin.url,
        viewport: { width: 1280, height: 900 },
        // Chromium always sends its locale's Accept-Language (a routed request gets it back): an empty value is the
        // way to test a browser that states no language.
        extraHTTPHeaders: { 'Accept-Language': acceptLanguage ?? '' },
      });
      contexts.push(context);
      const page = await context.newPage();
      // A CSP violation or a script error is a bug: collect them so tests can assert there were none.
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      (page as Page & { jsErrors?: string[] }).jsErrors = errors;
      return page;
    },
    createUser: (role) => insertUser(admin.t.sql, role),
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
      await admin.close();
    },
  };
}

/** Script errors and CSP violations the pages of this run reported. */
export function jsErrors(page: Page): string[] {
  return (page as Page & { jsErrors?: string[] }).jsErrors ?? [];
}

/**
 * Signs in through the login form, like a person: fills it, submits, and waits to leave the login page.
 * The fields are found by id, so it works whatever language the page is in.
 */
export async function login(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/admin-dashboard/login/');
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/admin-dashboard/login/')), page.locator('form[action="/admin-dashboard/login/"] button[type=submit]').click()]);
  assert.ok(!page.url().includes('/login/'), `signed in as ${email}`);
}

/** Signs out with the nav's button. */
export async function logout(page: Page): Promise<void> {
  await Promise.all([page.waitForURL(/\/admin-dashboard\/login\//), page.getByRole('button', { name: 'Log out' }).click()]);
}
