// The Feeds page in a real browser (issue 12): an admin finds it in the navigation, creates a feed for a
// marketplace export (a real HTTPS server on loopback, allowed and trusted by configuration), runs it now, sees
// its import in the feed's history, and pauses it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsErrors, login, startE2E, type E2E } from './support/browser';
import { eventually } from '../support/wait';
import type { TestUser } from './support/users';
import { removeCertificate, selfSignedCertificate, startHttpsPeer, type HttpsPeer, type SelfSigned } from '../support/https-peer';
import { toCsv } from '../../src/domain/templates';

let e: E2E;
let admin: TestUser;
let tls: SelfSigned;
let peer: HttpsPeer;
const RUN = Math.random().toString(36).slice(2, 8);

before(async () => {
  tls = await selfSignedCertificate();
  const csv = toCsv([{ title: `Browser feed ${RUN}`, description: 'Nightly export', difficulty: 'beginner', learning_mode: 'text', price: 0, is_free: true }]);
  peer = await startHttpsPeer(tls, (_req, res) => res.writeHead(200, { 'content-type': 'text/csv', etag: '"e1"' }).end(csv));
  e = await startE2E('e2efeeds', { worker: true, env: { URL_IMPORT_ALLOW_HOSTS: `127.0.0.1:${peer.port}`, URL_IMPORT_CA_FILE: tls.certFile } });
  admin = await e.createUser('admin');
});

after(async () => {
  await e?.close();
  await peer?.close();
  if (tls) await removeCertificate(tls);
});

describe('feeds page', () => {
  test('create a feed, run it now, see its import, pause it', async () => {
    const page = await e.newPage();
    await login(page, admin.email, admin.password);
    await page.getByRole('link', { name: 'Feeds', exact: true }).click();
    await page.getByRole('heading', { name: 'Feeds', level: 1 }).waitFor();
    await page.locator('#no-feeds').waitFor();

    await page.getByLabel('Name').fill('Marketplace');
    await page.getByLabel('URL').fill(`${peer.origin}/export.csv`);
    await page.getByLabel('Schedule').fill('0 3 * * *');
    await Promise.all([page.waitForURL(/\/admin-dashboard\/feeds\/[0-9a-f-]{36}\/$/), page.getByRole('button', { name: 'Create the feed' }).click()]);
    await page.getByRole('heading', { name: 'Marketplace', level: 1 }).waitFor();
    assert.match((await page.locator('.flash-stack').textContent()) ?? '', /Feed Marketplace created/);

    await Promise.all([page.waitForURL(/\/feeds\/[0-9a-f-]{36}\/$/), page.getByRole('button', { name: 'Run now' }).click()]);
    // The admin reloads the page until the run shows up in the history.
    await eventually(async () => {
      await page.reload();
      return (await page.locator('#runs-table .run-outcome').count()) > 0;
    }, 'the run in the history', 180_000);
    assert.equal(await page.locator('#runs-table .run-outcome').first().textContent(), 'Imported');
    await Promise.all([page.waitForURL(/\/admin-dashboard\/imports\/[0-9a-f-]{36}\/$/), page.locator('#runs-table').getByRole('link', { name: 'import' }).click()]);
    await page.getByText('export.csv').first().waitFor();

    await page.goBack();
    await Promise.all([page.waitForURL(/\/feeds\/[0-9a-f-]{36}\/$/), page.getByRole('button', { name: 'Pause' }).click()]);
    assert.equal(await page.locator('#feed-state').textContent(), 'Paused');
    await page.getByRole('button', { name: 'Resume' }).waitFor();

    await page.getByRole('link', { name: 'Feeds', exact: true }).first().click();
    const row = page.locator('tr[data-feed="Marketplace"]');
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Paused[\s\S]*Imported/);
    assert.deepEqual(jsErrors(page), []);
  });
});
