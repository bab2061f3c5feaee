// Dead ends removed (issue 11), in a real browser: download buttons usable again at once, a cancelled confirm
// leaves its form usable, the progress of a 20,000-row import moving on its page up to the total, and a file over
// the size limit refused with the form kept, the limit stated, no token in the address bar, nothing in incoming/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { jsErrors, login, startE2E, type E2E } from './support/browser';
import { eventually } from '../support/wait';
import type { TestUser } from './support/users';
import { coursesToCsv, generateCourses } from '../support/generate';

// 8 MB: a 20,000-row CSV (about 4 MB) fits, a 9 MB file does not.
const MAX_FILE_MB = 8;

let e: E2E;
let admin: TestUser;
let importedId = '';

before(async () => {
  e = await startE2E('e2edeadends', { worker: true, env: { MAX_FILE_MB: String(MAX_FILE_MB) } });
  admin = await e.createUser('admin');
});

after(async () => {
  await e?.close();
});

function scriptErrors(page: Page): string[] {
  // A missing page of another feature (the dashboard one lands on) is not ours; a refused upload's 413 is expected.
  return jsErrors(page).filter((m) => !/Failed to load resource: .*(404|413)/.test(m));
}

async function signedInPage(opts: { javaScript?: boolean } = {}): Promise<Page> {
  let page: Page;
  if (opts.javaScript === false) {
    const context = await e.browser.newContext({ baseURL: e.url, javaScriptEnabled: false, extraHTTPHeaders: { 'Accept-Language': 'en' } });
    page = await context.newPage();
  } else page = await e.newPage();
  await login(page, admin.email, admin.password);
  return page;
}

/** The digits of a figure as the page shows it ("20,000", "20 000"). */
function figure(text: string | null): number {
  return Number((text ?? '').replace(/\D/g, '') || '0');
}

/** The file upload form (the page has others: templates, an import from a URL). */
function uploadForm(page: Page) {
  return page.locator('form[enctype="multipart/form-data"]');
}

const oversize = () => ({ name: 'too-big.csv', mimeType: 'text/csv', buffer: Buffer.alloc(9 * 1024 * 1024, 'a') });

describe('dead ends', () => {
  test('a template download leaves its button usable at once, twice in a row', async () => {
    const page = await signedInPage();
    await page.goto('/admin-dashboard/courses/import/');
    const form = page.locator('form[action="/admin-dashboard/courses/template/"]');
    const first = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download', exact: true }).click()]);
    const name = first[0].suggestedFilename();
    assert.match(name, /^courses-\w+-template\.(xlsx|csv)$/);
    // Not held: the form is not marked as on its way, and a second click downloads again (the old guard held 5 s).
    assert.notEqual(await form.getAttribute('data-submitting'), '1');
    const second = await Promise.all([page.waitForEvent('download', { timeout: 4000 }), page.getByRole('button', { name: 'Download', exact: true }).click()]);
    assert.equal(second[0].suggestedFilename(), name);
    assert.deepEqual(scriptErrors(page), []);
  });

  test('the progress of a 20,000-row import moves on its page and reaches the total', async () => {
    const page = await signedInPage();
    const seed = Math.floor(Math.random() * 1e9);
    const csv = coursesToCsv(generateCourses(20_000, seed));
    await page.goto('/admin-dashboard/courses/import/');
    // The limit is stated on the form before anything is sent.
    assert.match((await page.locator('#upload-limit').textContent()) ?? '', /Largest file accepted: 8 MB/);
    await uploadForm(page).getByLabel('File', { exact: true }).setInputFiles({ name: 'twenty-thousand.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await uploadForm(page).getByLabel(/Test mode/).uncheck();
    await Promise.all([page.waitForURL(/\/admin-dashboard\/imports\/[0-9a-f-]{36}\/$/, { timeout: 60_000 }), uploadForm(page).getByRole('button', { name: 'Import', exact: true }).click()]);
    importedId = /imports\/([0-9a-f-]{36})\//.exec(page.url())![1]!;

    // What a person watching sees: the figures and the bar of the running step, each time they change.
    const seen: { parsed: number; step: string; value: number; max: number; text: string }[] = [];
    const badge = page.locator('.page-header .badge[data-status]');
    await eventually(async () => {
      // One reading of the whole box (the page may update between two separate reads).
      // No named helper inside: the function runs in the page as written, without the test runner's own helpers.
      // The page reloads itself once the import ends (the finished page is rendered by the server): a reading
      // cut by that navigation is simply taken again on the new page.
      const shot = await page.locator('#progress').evaluate((box) => ({
        parsed: Number((box.querySelector('[data-live="parsed"]')?.textContent ?? '').replace(/\D/g, '') || '0'),
        step: box.querySelector('[data-step-progress="step"]')?.textContent ?? '',
        value: Number(box.querySelector('[data-step-progress="bar"]')?.getAttribute('value') ?? 0),
        max: Number(box.querySelector('[data-step-progress="bar"]')?.getAttribute('max') ?? 0),
        text: box.querySelector('[data-step-progress="text"]')?.textContent ?? '',
      })).catch((err: Error) => {
        if (/context was destroyed|navigation/i.test(err.message)) return null;
        throw err;
      });
      if (shot === null) {
        await page.waitForLoadState();
        return false;
      }
      const last = seen[seen.length - 1];
      if (!last || JSON.stringify(last) !== JSON.stringify(shot)) seen.push(shot);
      return /Succeeded/.test((await badge.textContent()) ?? '');
    }, 'the import succeeded', 240_000).catch(async (err: Error) => {
      const reason = (await page.locator('#import-error').count()) ? await page.locator('#import-error').textContent() : '';
      throw new Error(`${err.message}; badge ${await badge.textContent()} ${reason}; seen ${JSON.stringify(seen)}`);
    });

    // The rows read only grow, and reach the file's 20,000.
    const parsed = seen.map((s) => s.parsed);
    assert.deepEqual(parsed, [...parsed].sort((x, y) => x - y), `rows read never go back: ${parsed.join(' ')}`);
    assert.equal(figure(await page.locator('[data-live="parsed"]').textContent()), 20_000);
    // The bar moved inside a step: some step was seen part-way, with its total and a percentage.
    const partWay = seen.filter((s) => s.max > 0 && s.value > 0 && s.value < s.max);
    assert.ok(partWay.length > 0, `a step was seen part-way: ${JSON.stringify(seen)}`);
    for (const s of partWay) assert.match(s.text, /of (about )?[\d,]+ rows \(\d+%\)/);
    // Within each step the bar only moves forward.
    for (const step of new Set(seen.map((s) => s.step))) {
      const values = seen.filter((s) => s.step === step && s.max > 0).map((s) => s.value);
      assert.deepEqual(values, [...values].sort((x, y) => x - y), `${step}: ${values.join(' ')}`);
    }
    assert.equal(figure(await page.locator('#counts dd').first().textContent()), 20_000);
    assert.deepEqual(scriptErrors(page), []);
  });

  test('a courses export button is usable again at once after its download', async () => {
    const page = await signedInPage();
    await page.goto('/admin-dashboard/courses/');
    // Every matching course (the 20,000 of the import above), as a person would choose before exporting.
    await page.locator('#bulk-form input[name="scope"][value="all"]').check();
    const exportCsv = page.getByRole('button', { name: 'Export CSV' });
    const [a] = await Promise.all([page.waitForEvent('download'), exportCsv.click()]);
    assert.match(a.suggestedFilename(), /\.csv$/);
    // A click the double-submit guard held would never be sent (no download at all, however long one waits): the
    // second export may take what the server needs to start its answer on a busy machine.
    const [b] = await Promise.all([page.waitForEvent('download'), exportCsv.click()]);
    assert.match(b.suggestedFilename(), /\.csv$/);
  });

  test('a cancelled confirm leaves the form usable: the same button then works', async () => {
    assert.ok(importedId, 'the import of the previous test');
    const page = await signedInPage();
    await page.goto(`/admin-dashboard/imports/${importedId}/`);
    const revert = page.getByRole('button', { name: 'Revert this import' });
    // First the person says no: nothing is sent, the page stays.
    const dismissed = page.waitForEvent('dialog').then((d) => d.dismiss());
    await revert.click();
    await dismissed;
    assert.equal(await page.locator('#revert form').getAttribute('data-submitting'), null);
    assert.match(page.url(), new RegExp(`/imports/${importedId}/$`));
    // Then yes, at once: the revert starts.
    const accepted = page.waitForEvent('dialog').then((d) => d.accept());
    await Promise.all([page.waitForURL(new RegExp(`/imports/${importedId}/`)), page.waitForResponse((r) => r.url().endsWith('/revert/') && r.request().method() === 'POST'), revert.click()]);
    await accepted;
    await page.locator('.flash').first().waitFor();
    assert.match((await page.locator('.flash').first().textContent()) ?? '', /[Rr]evert/);
  });

  test('a file over the limit is refused as soon as it is chosen, nothing sent, the limit stated', async () => {
    const page = await signedInPage();
    await page.goto('/admin-dashboard/courses/import/');
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(r.url());
    });
    await uploadForm(page).getByLabel('File', { exact: true }).setInputFiles(oversize());
    await page.locator('#upload-error').waitFor();
    assert.match((await page.locator('#upload-error').textContent()) ?? '', /larger than the 8 MB limit/);
    await uploadForm(page).getByRole('button', { name: 'Import', exact: true }).click();
    assert.deepEqual(posts, []);
    assert.deepEqual(await readdir(e.admin.t.folder('incoming')).catch(() => []), []);
  });

  test('the server refuses a file over the limit (413) with the form kept, the limit stated, no token in the address bar', async () => {
    const page = await signedInPage();
    // A browser whose script does not know the limit (an old cached page): the server's own refusal is what shows.
    await page.route('**/admin-dashboard/courses/import/', async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      const res = await route.fetch();
      await route.fulfill({ response: res, body: (await res.text()).replace(/data-upload-limit="\d+"/, 'data-upload-limit="0"') });
    });
    await page.goto('/admin-dashboard/courses/import/');
    await uploadForm(page).getByLabel(/Test mode/).uncheck();
    await uploadForm(page).getByLabel('File', { exact: true }).setInputFiles(oversize());
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/courses/import/')),
      uploadForm(page).getByRole('button', { name: 'Import', exact: true }).click(),
    ]);
    assert.equal(res.status(), 413);
    await page.locator('#upload-error').waitFor();
    assert.match((await page.locator('#upload-error').textContent()) ?? '', /larger than the 8 MB limit/);
    // The form as the person left it: the file still chosen, test mode still off; the address has no token.
    assert.equal(await uploadForm(page).getByLabel('File', { exact: true }).evaluate((el) => (el as unknown as { files: { length: number } | null }).files?.length ?? 0), 1);
    assert.equal(await uploadForm(page).getByLabel(/Test mode/).isChecked(), false);
    assert.ok(!page.url().includes('_csrf'), page.url());
    // The server answers a refused upload only once its partial file is removed: nothing may be left.
    assert.deepEqual(await readdir(e.admin.t.folder('incoming')).catch(() => []), []);
    assert.deepEqual(scriptErrors(page), []);
  });

  test('without scripts, the 413 leads back to the upload page with its form and the limit, no token in the address bar, nothing left in incoming/', async () => {
    const page = await signedInPage({ javaScript: false });
    await page.goto('/admin-dashboard/courses/import/');
    await uploadForm(page).getByLabel('File', { exact: true }).setInputFiles(oversize());
    const refused: number[] = [];
    page.on('response', (r) => {
      if (r.request().method() === 'POST') refused.push(r.status());
    });
    await Promise.all([page.waitForNavigation(), uploadForm(page).getByRole('button', { name: 'Import', exact: true }).click()]);
    // The refusal sends the browser back to the form (post/redirect/get): the form's address carried the token.
    assert.deepEqual(refused, [303]);
    assert.ok(!page.url().includes('_csrf'), page.url());
    assert.match((await page.locator('#upload-error').textContent()) ?? '', /larger than the 8 MB limit/);
    assert.equal(await uploadForm(page).getByLabel('File', { exact: true }).count(), 1);
    assert.match((await page.locator('#upload-limit').textContent()) ?? '', /Largest file accepted: 8 MB/);
    assert.deepEqual(await readdir(e.admin.t.folder('incoming')).catch(() => []), []);
    await page.context().close();
  });
});
