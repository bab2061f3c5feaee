// Signing in and out in a real browser, and what a viewer is (not) offered.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsErrors, login, logout, startE2E, type E2E } from './support/browser';

let e: E2E;

before(async () => {
  e = await startE2E('e2eauth');
});

after(async () => {
  await e?.close();
});

const NAV = ['Dashboard', 'Import', 'Imports', 'Courses', 'Search analytics', 'Monitoring', 'Audit'];

describe('signing in', () => {
  test('an admin signs in, sees the whole navigation, lands where they were going, and signs out', async () => {
    const admin = await e.createUser('admin');
    const page = await e.newPage();
    // A protected page first: the login page, then back to it.
    await page.goto('/admin-dashboard/audit/');
    assert.match(new URL(page.url()).pathname, /^\/admin-dashboard\/login\/$/);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/admin-dashboard\/audit\//);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Audit log');

    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const label of [...NAV, 'Users & tokens']) assert.equal(await nav.getByRole('link', { name: label, exact: true }).count(), 1, `nav has ${label}`);
    assert.equal(await nav.getByRole('link', { name: 'Audit', exact: true }).getAttribute('aria-current'), 'page');
    // Their own sign-in is on the audit page.
    assert.ok((await page.locator('table').textContent())?.includes(admin.email));
    // The stylesheet applied (CSP allows it): the top bar has its dark background.
    // (Runs in the page: getComputedStyle is the browser's; the project's TypeScript has no DOM library.)
    const bg = await page.locator('header.topbar').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
    assert.equal(bg, 'rgb(20, 33, 61)');

    await logout(page);
    assert.ok(await page.getByText('You have been signed out.').isVisible());
    await page.goto('/admin-dashboard/audit/');
    assert.match(page.url(), /\/admin-dashboard\/login\/\?next=/, 'signed out for real');
    assert.deepEqual(jsErrors(page), []);
  });

  test('a wrong password shows one generic message and keeps the typed email', async () => {
    const admin = await e.createUser('admin');
    const page = await e.newPage();
    await page.goto('/admin-dashboard/login/');
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /Incorrect email or password/);
    assert.equal(await page.getByLabel('Email').inputValue(), admin.email);
  });

  test('the keyboard alone signs in: tab to the fields, Enter submits', async () => {
    const admin = await e.createUser('viewer');
    const page = await e.newPage();
    await page.goto('/admin-dashboard/login/');
    // The email field has the focus on arrival (autofocus may land just after the load event on a busy machine).
    await page.locator('#email:focus').waitFor({ timeout: 5000 });
    await page.keyboard.type(admin.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(admin.password);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/admin-dashboard/login/')), page.keyboard.press('Enter')]);
    assert.ok(!page.url().includes('/login/'));
  });
});

describe('a viewer', () => {
  test('sees no admin-only navigation or actions, and is refused the users page', async () => {
    const viewer = await e.createUser('viewer');
    const page = await e.newPage();
    await login(page, viewer.email, viewer.password);
    await page.goto('/admin-dashboard/audit/');
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const label of NAV) assert.equal(await nav.getByRole('link', { name: label, exact: true }).count(), 1, `nav has ${label}`);
    assert.equal(await nav.getByRole('link', { name: 'Users & tokens' }).count(), 0, 'no users link for a viewer');
    const res = await page.goto('/admin-dashboard/users/');
    assert.equal(res?.status(), 403);
    assert.match((await page.locator('main').textContent()) ?? '', /Only administrators/);
  });

  test('the account page shows the read-only role', async () => {
    const viewer = await e.createUser('viewer');
    const page = await e.newPage();
    await login(page, viewer.email, viewer.password);
    await page.goto('/admin-dashboard/account/');
    assert.match((await page.locator('main').textContent()) ?? '', /Viewer \(read-only\)/);
  });
});

describe('an admin manages accounts and tokens', () => {
  test('creates a viewer, who can then sign in; creates a token shown once; revokes it after confirming', async () => {
    const admin = await e.createUser('admin');
    const page = await e.newPage();
    await login(page, admin.email, admin.password);
    await page.goto('/admin-dashboard/users/');
    const email = `new-${Date.now()}@example.com`;
    await page.getByLabel('Email').fill(email);
    await page.locator('#new-role').selectOption('viewer');
    await page.getByLabel('Initial password').fill('a fine long password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText(`Account ${email} created (viewer).`).waitFor();
    assert.equal(await page.locator(`tr[data-user="${email}"]`).count(), 1);

    const other = await e.newPage();
    await login(other, email, 'a fine long password');

    await page.getByLabel('Name').fill('ci-pipeline');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = await page.getByLabel('The new API token').inputValue();
    assert.match(token, /^cit_/);
    const me = await fetch(`${e.url}/api/me`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200);

    await page.goto('/admin-dashboard/users/');
    assert.ok(!(await page.content()).includes(token), 'the token is never shown again');
    page.once('dialog', (d) => void d.accept());
    await page.locator('tr[data-token="ci-pipeline"]').getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('revoked: it no longer works').waitFor();
    assert.equal((await fetch(`${e.url}/api/me`, { headers: { Authorization: `Bearer ${token}` } })).status, 401);
  });

  test('dismissing the confirmation dialog keeps the account active', async () => {
    const admin = await e.createUser('admin');
    const target = await e.createUser('viewer');
    const page = await e.newPage();
    await login(page, admin.email, admin.password);
    await page.goto('/admin-dashboard/users/');
    const disable = page.locator(`tr[data-user="${target.email}"]`).getByRole('button', { name: 'Disable' });
    page.once('dialog', (d) => void d.dismiss());
    await disable.click();
    // The button is usable again at once (the double-submit guard holds only a form that left the page) ...
    assert.equal(await disable.isEnabled(), true);
    // ... and a second try, confirmed, is the only one that reaches the server.
    page.once('dialog', (d) => void d.accept());
    await disable.click();
    await page.locator(`tr[data-user="${target.email}"]`).getByRole('button', { name: 'Enable' }).waitFor();
    const audit = await e.admin.t.sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'user.disable' AND target = ${target.email}`;
    assert.equal(audit[0]?.n, 1, 'the dismissed confirmation sent nothing');
  });

  test('on a phone-sized screen the menu opens from its button', async () => {
    const admin = await e.createUser('admin');
    const page = await e.newPage();
    await page.setViewportSize({ width: 390, height: 800 });
    await login(page, admin.email, admin.password);
    await page.goto('/admin-dashboard/audit/');
    const audit = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit', exact: true });
    assert.equal(await audit.isVisible(), false, 'menu folded');
    await page.getByRole('button', { name: 'Menu' }).click();
    assert.equal(await audit.isVisible(), true, 'menu open');
  });
});
