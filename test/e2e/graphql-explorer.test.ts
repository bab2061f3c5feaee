// The GraphQL explorer page in a real browser (Debian's chromium): it runs under the app's CSP with its own
// script (no CDN), sends the session's CSRF token, and shows the answer as text.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsErrors, login, startE2E, type E2E } from './support/browser';

let e: E2E;

before(async () => {
  e = await startE2E('e2egraphql');
});

after(async () => {
  await e?.close();
});

describe('GraphQL explorer', () => {
  test('an admin runs a query and reads the JSON answer; the page loads nothing from elsewhere', async () => {
    const user = await e.createUser('admin');
    const page = await e.newPage();
    const errors = jsErrors(page);
    const foreign: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(e.url)) foreign.push(req.url());
    });
    await login(page, user.email, user.password);
    await page.goto('/admin-dashboard/graphql/');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'GraphQL explorer');
    await page.getByLabel('Query').fill('{ me { email role via } }');
    await page.getByRole('button', { name: 'Run' }).click();
    await page.locator('#graphql-result').getByText('"via": "session"').waitFor();
    const answer = JSON.parse((await page.locator('#graphql-result').textContent()) ?? '') as { data: { me: { email: string; role: string } } };
    assert.deepEqual(answer.data.me, { email: user.email, role: 'admin', via: 'session' });
    // Bad variables are reported, not sent.
    await page.getByLabel('Variables (JSON)').fill('{ not json');
    await page.getByRole('button', { name: 'Run' }).click();
    await page.locator('#graphql-result').getByText('The variables are not valid JSON.').waitFor();
    assert.deepEqual(errors, []);
    assert.deepEqual(foreign, []);
  });
});
