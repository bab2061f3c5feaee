// Imports in a real browser: a test-mode upload read and confirmed, a template downloaded and imported,
// an import reverted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { jsErrors, login, startE2E, type E2E } from './support/browser';
import { eventually } from '../support/wait';
import type { TestUser } from './support/users';

let e: E2E;
let admin: TestUser;
let downloads: string;

before(async () => {
  e = await startE2E('e2eimports', { worker: true });
  admin = await e.createUser('admin');
  downloads = await mkdtemp(path.join(tmpdir(), 'e2e-downloads-'));
});

after(async () => {
  await e?.close();
  if (downloads) await rm(downloads, { recursive: true, force: true });
});

/** Script errors and CSP violations; a missing page of another feature (the dashboard one lands on) is not ours. */
function scriptErrors(page: Page): string[] {
  return jsErrors(page).filter((m) => !/Failed to load resource: .*404/.test(m));
}

async function signedInPage(): Promise<Page> {
  const page = await e.newPage();
  // The Discard / Cancel / Revert buttons ask first (app.js): a person says yes.
  page.on('dialog', (d) => void d.accept());
  await login(page, admin.email, admin.password);
  return page;
}

async function uploadFile(page: Page, file: { name: string; buffer: Buffer }, testMode: boolean): Promise<string> {
  // Workflow ids come from the content and are shared by every suite on this Temporal: a template imported by
  // another suite at this very moment answers "already being imported"; try again once it is done.
  for (let attempt = 0; attempt < 5; attempt++) {
    const id = await uploadOnce(page, file, testMode);
    if (!(await page.getByText('already being imported').count())) return id;
    await page.waitForTimeout(3000);
  }
  throw new Error(`${file.name}: the same content stayed busy in other runs`);
}

async function uploadOnce(page: Page, file: { name: string; buffer: Buffer }, testMode: boolean): Promise<string> {
  await page.goto('/admin-dashboard/courses/import/');
  // The page has two import forms (a file, a URL): this is the file's.
  const form = page.locator('form[enctype="multipart/form-data"]');
  await form.getByLabel('File', { exact: true }).setInputFiles({ name: file.name, mimeType: 'application/octet-stream', buffer: file.buffer });
  const box = form.getByLabel(/Test mode/);
  if (testMode) await box.check();
  else await box.uncheck();
  await Promise.all([page.waitForURL(/\/admin-dashboard\/imports\/[0-9a-f-]{36}\/$/), form.getByRole('button', { name: 'Import', exact: true }).click()]);
  return /imports\/([0-9a-f-]{36})\//.exec(page.url())![1]!;
}

/** The page follows the run by itself (public/imports.js): wait for the badge, without reloading. */
async function waitForStatus(page: Page, label: string): Promise<void> {
  await page.locator('.page-header .badge[data-status]', { hasText: label }).waitFor({ timeout: 60_000 });
}

describe('imports in the browser', () => {
  test('upload a CSV in test mode, read the preview, confirm', async () => {
    const page = await signedInPage();
    // Run-unique content: workflow ids derive from the content, and a leftover run must not match.
    const run = Math.random().toString(36).slice(2, 8);
    const csv = [
      'title,description,difficulty,learning_mode,price,is_free,lessons,tags',
      `E2E Rust,Ownership and borrowing ${run},beginner,text,0,true,Intro;Borrowing,rust`,
      'E2E Go,Goroutines,intermediate,video,19.5,false,Intro,go',
      'E2E Broken,Bad level,expertissime,text,0,true,,',
    ].join('\n');
    const id = await uploadFile(page, { name: 'e2e-courses.csv', buffer: Buffer.from(csv) }, true);
    await page.getByRole('heading', { name: 'Preview: nothing has been written yet' }).waitFor({ timeout: 60_000 });
    assert.match((await page.locator('#preview-counts').textContent()) ?? '', /2 to create, 0 to update, 0 unchanged, 0 skipped, 1 with errors \(of 3 rows\)/);
    const rows = page.locator('#rows-table tbody tr');
    assert.equal(await rows.count(), 3);
    assert.match((await rows.nth(0).textContent()) ?? '', /create\s+E2E Rust/);
    assert.match((await rows.nth(2).textContent()) ?? '', /error\s+E2E Broken[\s\S]*difficulty/);
    assert.match((await page.locator('#errors-table').textContent()) ?? '', /4\s*difficulty/);
    const before = await e.admin.t.sql`SELECT count(*)::int AS n FROM courses WHERE title LIKE 'E2E %'`;
    assert.equal(before[0]!.n, 0, 'nothing written before confirming');

    await page.getByRole('button', { name: 'Confirm and import' }).click();
    await waitForStatus(page, 'Succeeded with errors');
    assert.match((await page.locator('#counts').textContent()) ?? '', /Created\s*2/);
    const titles = await e.admin.t.sql`SELECT title FROM courses WHERE title LIKE 'E2E %' ORDER BY title`;
    assert.deepEqual(titles.map((r) => r.title), ['E2E Go', 'E2E Rust']);
    // The failed row downloads, ready to fix.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download the failed rows/ }).click()]);
    const failed = await readFile(await download.path());
    assert.match(failed.toString('utf8'), /E2E Broken.*expertissime.*row 4: difficulty/);
    assert.ok(id);
    assert.deepEqual(scriptErrors(page), []);
  });

  test('download a template and import it, then revert that import', async () => {
    const page = await signedInPage();
    await page.goto('/admin-dashboard/courses/import/');
    await page.getByLabel('Template', { exact: true }).selectOption('bulk');
    await page.getByLabel('Format', { exact: true }).selectOption('csv');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download', exact: true }).click()]);
    assert.equal(download.suggestedFilename(), 'courses-bulk-template.csv');
    const saved = path.join(downloads, download.suggestedFilename());
    await download.saveAs(saved);

    const id = await uploadFile(page, { name: download.suggestedFilename(), buffer: await readFile(saved) }, false);
    await waitForStatus(page, 'Succeeded');
    assert.match((await page.locator('#counts').textContent()) ?? '', /Created\s*20[\s\S]*Failed\s*0/);
    const sql = e.admin.t.sql;
    assert.equal((await sql`SELECT count(*)::int AS n FROM courses WHERE created_by_import = ${id}`)[0]!.n, 20);

    await page.getByRole('button', { name: 'Revert this import' }).click();
    await page.getByText('Revert started').waitFor();
    // The revert runs as a workflow: reload until the page says it is done.
    await eventually(async () => (await page.locator('#reverted-badge').count()) > 0 || (await page.reload(), false), 'the page to say the import is reverted');
    assert.equal(await page.locator('#reverted-badge').textContent(), 'Reverted');
    assert.match((await page.locator('dl.facts', { hasText: 'Import id' }).textContent()) ?? '', /Reverted[\s\S]*20 deleted, 0 restored/);
    assert.equal((await sql`SELECT count(*)::int AS n FROM courses WHERE created_by_import = ${id}`)[0]!.n, 0);
    assert.equal(await page.getByRole('button', { name: 'Revert this import' }).count(), 0, 'no second revert');
    const audit = await sql`SELECT action, actor FROM audit_log WHERE target = ${id} ORDER BY id`;
    assert.deepEqual(audit.map((r) => r.action), ['import.start', 'import.revert']);
    assert.equal(audit[1]!.actor, admin.email);
    assert.deepEqual(scriptErrors(page), []);
  });
});
