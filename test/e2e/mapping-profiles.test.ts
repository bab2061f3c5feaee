// Column mapping profiles in a real browser (issue 12): a marketplace export whose columns are not ours is uploaded,
// the admin lands on the mapping page, checks the proposed fields, adds the missing instructor and maps the URL while
// the preview follows, saves the profile and imports; then a file dropped into drop/<profile name>/ is imported
// with that profile, and its page says so.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { jsErrors, login, startE2E, type E2E } from './support/browser';
import type { TestUser } from './support/users';
import { eventually } from '../support/wait';
import { DropWatcher } from '../../src/watcher/drop-watcher';
import { logger } from '../../src/logger';
import type { ImportRecord } from '../../src/db/imports';

let e: E2E;
let admin: TestUser;
let watcher: DropWatcher | null = null;
let header = '';
let lines: string[] = [];
// Run-unique content: workflow ids come from the content, and a leftover run must not match.
const RUN = Math.random().toString(36).slice(2, 8);
const slice = (from: number, to: number) => [header, ...lines.slice(from, to).map((l) => l.replace('https://www.example-market.test/', `https://www.example-market.test/${RUN}/`))].join('\n') + '\n';

before(async () => {
  e = await startE2E('e2emapping', { worker: true });
  admin = await e.createUser('admin');
  const text = await readFile(path.join(import.meta.dirname, '..', 'fixtures', 'marketplace-courses.csv'), 'utf8');
  [header = '', ...lines] = text.trim().split('\n');
});

after(async () => {
  await watcher?.close();
  await e?.close();
});

/** Script errors and CSP violations; a missing page of another feature (the dashboard one lands on) is not ours. */
function scriptErrors(page: Page): string[] {
  return jsErrors(page).filter((m) => !/Failed to load resource: .*404/.test(m));
}

const target = (page: Page, column: string) => page.getByLabel(`Field for column ${column}`, { exact: true });
/** A cell of the preview's first row, by its column header. */
async function previewCell(page: Page, heading: string): Promise<string> {
  const headings = await page.locator('#mapping-preview thead th').allTextContents();
  const index = headings.findIndex((h) => h.trim() === heading);
  assert.ok(index >= 0, `a preview column '${heading}' in ${headings.join(', ')}`);
  return (await page.locator('#mapping-preview tbody tr').first().locator('td').nth(index).textContent()) ?? '';
}

describe('mapping profiles in the browser', () => {
  test('a marketplace export is mapped once in the browser, imported, then imported again from a drop subfolder', async () => {
    const page = await e.newPage();
    page.on('dialog', (d) => void d.accept());
    await login(page, admin.email, admin.password);

    // An ordinary upload: the file has no title column, so the admin is taken to the mapping page.
    await page.goto('/admin-dashboard/courses/import/');
    const uploadForm = page.getByRole('region', { name: 'Upload a file' });
    await uploadForm.getByLabel('File', { exact: true }).setInputFiles({ name: 'marketplace-export.csv', mimeType: 'text/csv', buffer: Buffer.from(slice(0, 30)) });
    await Promise.all([page.waitForURL(/\/admin-dashboard\/mapping-drafts\/[0-9a-f-]{36}\//), uploadForm.getByRole('button', { name: 'Import', exact: true }).click()]);
    await page.getByRole('heading', { name: 'Map the columns of marketplace-export.csv' }).waitFor();
    assert.match((await page.locator('.flash-stack').textContent()) ?? '', /No column of marketplace-export\.csv is the title/);

    // Each column with its sample values and the field proposed from its name or values.
    assert.match((await page.locator('tr[data-column="content_duration"]').textContent()) ?? '', /45 mins[\s\S]*2 hours/);
    assert.equal(await target(page, 'course_title').inputValue(), 'title');
    assert.equal(await target(page, 'is_paid').inputValue(), 'is_free');
    assert.equal(await target(page, 'level').inputValue(), 'difficulty');
    assert.equal(await target(page, 'content_duration').inputValue(), 'duration');
    assert.equal(await target(page, 'subject').inputValue(), 'category');
    assert.equal(await target(page, 'url').inputValue(), '', 'the URL is ignored until the admin says otherwise');
    assert.equal(await page.getByLabel('Value map of column is_paid').inputValue(), 'True => false\nFalse => true');
    assert.match(await page.locator('[data-live="missing"]').textContent() ?? '', /Instructor/);
    // The preview already reads the first row as the import would.
    assert.equal(await previewCell(page, 'Title'), 'Investment Banking: A Complete Course');
    assert.equal(await previewCell(page, 'Duration (hours)'), '0.75');
    assert.equal(await previewCell(page, 'Level'), 'beginner');
    assert.equal(await previewCell(page, 'Instructor'), '∅');

    // The preview follows the form, without reloading: a constant for the missing instructor, the URL as external id.
    await page.getByLabel('Instructor for every course').fill('Marketplace Team');
    await page.locator('#mapping-preview tbody tr').first().getByText('Marketplace Team').waitFor();
    await target(page, 'url').selectOption('external_id');
    await page.locator('#mapping-preview tbody tr').first().getByText(`https://www.example-market.test/${RUN}/course/investment-banking-1/`).waitFor();
    assert.doesNotMatch(await page.locator('[data-live="missing"]').textContent() ?? '', /Instructor/);

    // Saved as a profile, and the file imported with it (not in test mode).
    await page.getByLabel('Profile name').fill('marketplace');
    await page.getByLabel(/Test mode/).uncheck();
    await Promise.all([page.waitForURL(/\/admin-dashboard\/imports\/[0-9a-f-]{36}\/$/), page.getByRole('button', { name: 'Save the profile and import' }).click()]);
    await page.locator('.page-header .badge[data-status]', { hasText: 'Succeeded' }).waitFor({ timeout: 120_000 });
    assert.match((await page.locator('#import-mapping-profile').textContent()) ?? '', /marketplace, version 1/);
    const [course] = await e.admin.t.sql<{ instructor: string; external_id: string; difficulty: string }[]>`
      SELECT instructor, external_id, difficulty FROM courses WHERE title = 'Options Trading: A Complete Course'`;
    assert.deepEqual({ ...course }, { instructor: 'Marketplace Team', external_id: `https://www.example-market.test/${RUN}/course/options-trading-3/`, difficulty: 'advanced' });

    // The profiles page lists it with its version; its page has the history (who, what).
    await page.getByRole('link', { name: 'Mapping profiles' }).click();
    await page.getByRole('heading', { name: 'Mapping profiles', level: 1 }).waitFor();
    assert.match((await page.locator('#profiles-table').textContent()) ?? '', /marketplace[\s\S]*v1 \(1 in all\)[\s\S]*admin-/);
    await page.getByRole('link', { name: 'marketplace', exact: true }).click();
    assert.match((await page.locator('#history-table').textContent()) ?? '', new RegExp(`created`));
    assert.match((await page.locator('#history-table').textContent()) ?? '', new RegExp(admin.email.replace(/[.]/g, '\\.')));

    // Exported as JSON and imported back under another name, as into another environment.
    const exported = await page.request.get('/admin-dashboard/mapping-profiles/marketplace/export.json');
    assert.equal(exported.status(), 200);
    await page.goto('/admin-dashboard/mapping-profiles/');
    await page.getByLabel('Or paste its content').fill(await exported.text());
    await page.getByLabel('Save under another name (optional)').fill('marketplace-copy');
    await Promise.all([page.waitForURL(/\/mapping-profiles\/marketplace-copy\/$/), page.getByRole('button', { name: 'Import the profile' }).click()]);
    assert.match((await page.locator('.flash-stack').textContent()) ?? '', /Profile marketplace-copy imported \(version 1\)/);
    assert.match((await page.locator('#rules-table').textContent()) ?? '', /course_title[\s\S]*Title[\s\S]*Instructor = Marketplace Team/);

    // The same kind of export, dropped into drop/marketplace/: imported with the profile, no browser needed.
    watcher = new DropWatcher({ client: e.admin.t.client, sql: e.admin.t.sql, config: e.admin.t.config, logger: logger.child({ test: 'e2e-mapping' }) });
    await watcher.start();
    const folder = path.join(e.admin.t.folder('drop'), 'marketplace');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, '.next-export.csv.part'), slice(30, 49));
    await rename(path.join(folder, '.next-export.csv.part'), path.join(folder, 'next-export.csv'));
    const dropped = await eventually(async () => {
      const [r] = await e.admin.t.sql<ImportRecord[]>`SELECT * FROM imports WHERE file_name = 'next-export.csv' AND finished_at IS NOT NULL`;
      return r;
    }, 'the dropped export to be imported', 120_000);
    assert.equal(dropped.status, 'succeeded', String(dropped.error_message));
    assert.equal(dropped.counts?.created, 19);
    // Its page, as the admin sees it.
    await page.goto(`/admin-dashboard/imports/${dropped.id}/`);
    assert.match((await page.locator('#import-mapping-profile').textContent()) ?? '', /marketplace, version 1/);
    assert.deepEqual(scriptErrors(page), []);
  });
});
