// The GraphiQL page in a real browser (Debian's chromium): the official GraphiQL bundle and React served by the
// app itself under its CSP (no CDN, no inline script), a query typed in the editor and its answer, a viewer's
// mutation refused, and the login page for someone not signed in.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { jsErrors, login, startE2E, type E2E } from './support/browser';
import { course, importJson } from '../integration/courses-helpers';

let e: E2E;
let importId = '';

before(async () => {
  e = await startE2E('e2egraphiql', { worker: true });
  const s = await importJson(e.admin.t, [course('Haskell en douceur', { tags: ['haskell'] }), course('Cuisine lyonnaise', { category: 'Cuisine' })]);
  assert.equal(s.counts.created, 2);
  importId = s.importId;
});

after(async () => {
  await e?.close();
});

/** Replaces the query editor's text as a person would: click into it, select all, type (paste) the new text. */
async function typeQuery(page: Page, query: string): Promise<void> {
  const editor = page.locator('.graphiql-query-editor .CodeMirror').first();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(query);
}

/** The response pane's text once it shows `expected`. */
async function responseWith(page: Page, expected: string): Promise<string> {
  const response = page.locator('.graphiql-response');
  await response.getByText(expected, { exact: false }).first().waitFor({ timeout: 15_000 });
  return (await response.textContent()) ?? '';
}

/** Signs in, opens GraphiQL the way a browser asks for /graphql, and waits for the editor. Returns foreign requests. */
async function openGraphiql(page: Page, role: 'admin' | 'viewer'): Promise<string[]> {
  const user = await e.createUser(role);
  const foreign: string[] = [];
  page.on('request', (req) => {
    if (!req.url().startsWith(e.url) && !req.url().startsWith('data:')) foreign.push(req.url());
  });
  await login(page, user.email, user.password);
  await page.goto('/graphql');
  assert.equal(new URL(page.url()).pathname, '/admin-dashboard/graphql/');
  await page.locator('.graphiql-query-editor .CodeMirror').first().waitFor();
  return foreign;
}

describe('GraphiQL', () => {
  test('an admin opens it from /graphql, runs a courses query and reads the answer; nothing comes from elsewhere', async () => {
    const page = await e.newPage();
    const foreign = await openGraphiql(page, 'admin');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'GraphiQL');
    await typeQuery(page, '{ courses(filter: { q: "haskell" }, perPage: 5) { total hits { title category } } }');
    await page.getByRole('button', { name: /Execute query/ }).click();
    const text = await responseWith(page, 'Haskell en douceur');
    assert.match(text, /"total":\s*1/);
    assert.doesNotMatch(text, /Cuisine lyonnaise/);
    // The documentation explorer reads the schema by introspection, through the same fetcher.
    await page.getByRole('button', { name: /Show Documentation Explorer/ }).click();
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().waitFor();
    // A dialog locks scrolling with a <style> element: allowed by the page's style nonce, not refused by the CSP.
    await page.getByRole('button', { name: /Open settings dialog/ }).click();
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    // A subscription goes over server-sent events (/graphql/stream): a finished import's progress ends at once
    // with its summary.
    await typeQuery(page, `subscription { importProgress(id: "${importId}") { status done counts { created } } }`);
    await page.getByRole('button', { name: /Execute query/ }).click();
    const progress = await responseWith(page, '"done": true');
    assert.match(progress, /"status": "succeeded"/);
    assert.match(progress, /"created": 2/);
    assert.deepEqual(jsErrors(page), [], 'no script error and no CSP violation');
    assert.deepEqual(foreign, []);
  });

  test('a viewer can open it and run queries, but a mutation is refused', async () => {
    const page = await e.newPage();
    await openGraphiql(page, 'viewer');
    await typeQuery(page, '{ me { role } }');
    await page.getByRole('button', { name: /Execute query/ }).click();
    await responseWith(page, '"viewer"');
    await typeQuery(page, 'mutation { reindex { started } }');
    await page.getByRole('button', { name: /Execute query/ }).click();
    const text = await responseWith(page, 'Your account can read but not change anything');
    assert.match(text, /FORBIDDEN/);
    assert.deepEqual(jsErrors(page), []);
  });

  test('someone not signed in gets the login page, then GraphiQL', async () => {
    const page = await e.newPage();
    await page.goto('/graphql');
    assert.equal(new URL(page.url()).pathname, '/admin-dashboard/login/');
    await page.goto('/admin-dashboard/graphql/');
    assert.equal(new URL(page.url()).pathname, '/admin-dashboard/login/');
    const user = await e.createUser('admin');
    await page.locator('#email').fill(user.email);
    await page.locator('#password').fill(user.password);
    await Promise.all([page.waitForURL(/\/admin-dashboard\/graphql\/$/), page.locator('form[action="/admin-dashboard/login/"] button[type=submit]').click()]);
    await page.locator('.graphiql-query-editor .CodeMirror').first().waitFor();
  });
});
