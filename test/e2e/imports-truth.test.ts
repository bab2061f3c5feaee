// What the imports pages say, in a real browser (issue 11): the history and the dashboard agree with an import's
// own page (a confirmed test run loses its "Test mode" badge, a discarded preview shows no "Created N"); a failed
// import's reason in the reader's language on its page, in the history and in the notification email; the upload's
// own progress bar moving before the import starts; a refused upload without scripts leaves no token in the address.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { jsErrors, login, startE2E, type E2E } from './support/browser';
import type { TestUser } from './support/users';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer';
import { coursesToCsv, generateCourses } from '../support/generate';

let e: E2E;
let smtp: SmtpPeer;
let admin: TestUser;
/** Run-unique text: workflow ids derive from the content, shared by every suite on this Temporal. */
const run = Math.random().toString(36).slice(2, 8);

before(async () => {
  smtp = await startSmtpPeer();
  // Notifications in French (the default language), to the admins' address.
  e = await startE2E('e2eimportstruth', { worker: true, env: { SMTP_URL: smtp.url, ADMIN_NOTIFICATION_EMAILS: 'ops@example.com', NOTIFICATION_LANGUAGE: 'fr' } });
  admin = await e.createUser('admin');
});

after(async () => {
  await e?.close();
  await smtp?.close();
});

function scriptErrors(page: Page): string[] {
  // A missing page of another feature is not ours; the refused upload's 4xx is on purpose.
  return jsErrors(page).filter((m) => !/Failed to load resource: .*(404|413|422|400)/.test(m));
}

async function signedInPage(opts: { acceptLanguage?: string | null } = {}): Promise<Page> {
  const page = await e.newPage(opts);
  // Discard asks first (app.js): a person says yes.
  page.on('dialog', (d) => void d.accept());
  await login(page, admin.email, admin.password);
  return page;
}

/** The file upload form (the page has others: templates, an import from a URL). Found by its parts, in any language. */
function uploadForm(page: Page) {
  return page.locator('form[enctype="multipart/form-data"]');
}

async function upload(page: Page, name: string, content: string | Buffer, testMode: boolean): Promise<string> {
  await page.goto('/admin-dashboard/courses/import/');
  const form = uploadForm(page);
  await form.locator('#file').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(content) });
  const box = form.locator('input[name="dry_run"]');
  if (testMode) await box.check();
  else await box.uncheck();
  await Promise.all([page.waitForURL(/\/admin-dashboard\/imports\/[0-9a-f-]{36}\/$/, { timeout: 60_000 }), form.locator('button[type="submit"]:not([name])').click()]);
  return /imports\/([0-9a-f-]{36})\//.exec(page.url())![1]!;
}

/** The page follows the run by itself (public/imports.js): wait for its status badge, without reloading. */
async function waitForStatus(page: Page, status: string): Promise<void> {
  await page.locator(`.page-header .badge[data-status="${status}"]`).waitFor({ timeout: 60_000 });
}

const csv = (rows: string[]) => ['title,description,difficulty,learning_mode,price,is_free', ...rows].join('\n') + '\n';

describe('the imports pages tell the truth', () => {
  test('a confirmed test run loses its badge in the history and on the dashboard; a discarded preview shows no "Created"', async () => {
    const page = await signedInPage();
    const confirmedId = await upload(page, `confirmed-${run}.csv`, csv([`Confirmed ${run},Kept,beginner,text,0,true`, `Confirmed two ${run},Kept,beginner,text,0,true`]), true);
    await waitForStatus(page, 'awaiting_confirmation');
    await page.getByRole('button', { name: 'Confirm and import' }).click();
    await waitForStatus(page, 'succeeded');

    const discardedId = await upload(page, `discarded-${run}.csv`, csv([`Discarded ${run},Dropped,beginner,text,0,true`]), true);
    await waitForStatus(page, 'awaiting_confirmation');
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
    await waitForStatus(page, 'discarded');

    await page.goto('/admin-dashboard/imports/');
    const confirmed = page.locator(`#imports-table tr[data-import-id="${confirmedId}"]`);
    const discarded = page.locator(`#imports-table tr[data-import-id="${discardedId}"]`);
    assert.equal(await confirmed.locator('[data-test-mode]').count(), 0, 'a confirmed test run is no test any more');
    assert.equal((await confirmed.locator('[data-created]').textContent())?.trim(), '2');
    assert.equal(await discarded.locator('[data-test-mode]').count(), 1, 'a discarded preview stays a test');
    assert.equal((await discarded.locator('[data-created]').textContent())?.trim(), '—', 'nothing was created');
    assert.equal((await discarded.locator('[data-updated]').textContent())?.trim(), '—');

    await page.goto('/admin-dashboard/');
    const onDashboard = (id: string) => page.locator(`tr[data-import-id="${id}"]`);
    await onDashboard(confirmedId).waitFor();
    assert.equal(await onDashboard(confirmedId).locator('[data-test-mode]').count(), 0);
    assert.equal((await onDashboard(confirmedId).locator('[data-created]').textContent())?.trim(), '2');
    assert.equal(await onDashboard(discardedId).locator('[data-test-mode]').count(), 1);
    assert.equal((await onDashboard(discardedId).locator('[data-created]').textContent())?.trim(), '—');
    assert.deepEqual(scriptErrors(page), []);
  });

  test("a failed import's reason is in French on its page, in the history and in the notification email", async () => {
    // A browser that states no language: French.
    const page = await signedInPage({ acceptLanguage: null });
    const name = `entete-seul-${run}.csv`;
    const id = await upload(page, name, `title,price,note_${run}\n`, false);
    await waitForStatus(page, 'failed');
    assert.equal((await page.locator('#import-error').textContent())?.trim(), 'Le fichier a un en-tête mais aucune ligne de cours.');

    // Every row with errors: the reason counts them in French.
    const allFailedName = `tout-faux-${run}.csv`;
    const allFailedId = await upload(page, allFailedName, csv([`,sans titre ${run},beginner,text,0,true`, `,sans titre non plus ${run},beginner,text,0,true`]), false);
    await waitForStatus(page, 'failed');
    assert.equal((await page.locator('#import-error').textContent())?.trim(), "Toutes les lignes du fichier ont des erreurs (2 sur 2) : rien n'a été importé");

    await page.goto('/admin-dashboard/imports/');
    assert.equal((await page.locator(`tr[data-import-id="${id}"] [data-failure]`).textContent())?.trim(), 'Le fichier a un en-tête mais aucune ligne de cours.');
    assert.match((await page.locator(`tr[data-import-id="${allFailedId}"] [data-failure]`).textContent()) ?? '', /^Toutes les lignes du fichier ont des erreurs \(2 sur 2\)/);

    // The same reason in English for an English reader; the CLI's English message is what is stored.
    const english = await signedInPage({ acceptLanguage: 'en' });
    await english.goto(`/admin-dashboard/imports/${id}/`);
    assert.equal((await english.locator('#import-error').textContent())?.trim(), 'The file has a header but no course rows.');
    const [row] = await e.admin.t.sql<{ error_message: string }[]>`SELECT error_message FROM imports WHERE id = ${id}`;
    assert.equal(row!.error_message, 'the file has a header but no course rows');

    // The notification email is in the notification language (French).
    const mail = await waitForMail((m) => m.subject.includes(name));
    assert.match(mail.subject, /Le fichier a un en-tête mais aucune ligne de cours/);
    assert.match(mail.text, /Erreur empty\s:\sLe fichier a un en-tête mais aucune ligne de cours\./);
    assert.match(mail.html, /Le fichier a un en-tête mais aucune ligne de cours\./);
    assert.doesNotMatch(mail.text, /header but no course rows/);
    assert.deepEqual(scriptErrors(page), []);
  });

  test("the upload shows its own progress up to 100 %, then the page moves to the import's page", async () => {
    const page = await signedInPage();
    // Upload at 1 MB/s (Chrome DevTools' network throttling): a 2 MB file takes long enough to see it move.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 1024 * 1024 });
    const body = coursesToCsv(generateCourses(10_000, 7, Math.floor(Math.random() * 1e6)));
    assert.ok(body.length > 1.5 * 1024 * 1024, `${body.length} bytes`);
    await page.goto('/admin-dashboard/courses/import/');
    const form = uploadForm(page);
    await form.locator('#file').setInputFiles({ name: `progress-${run}.csv`, mimeType: 'text/csv', buffer: Buffer.from(body) });
    await form.locator('input[name="dry_run"]').check();
    // What the bar showed at each change, kept in the tab's sessionStorage so it outlives the move to the import's page.
    // (Page scripts as strings: this project's TypeScript has no DOM types.)
    await page.evaluate(`(() => {
      const bar = document.querySelector('[data-upload-bar]');
      sessionStorage.setItem('seen', '[]');
      new MutationObserver(() => {
        const seen = JSON.parse(sessionStorage.getItem('seen') || '[]');
        if (bar.max > 1 && bar.hasAttribute('value')) seen.push(Math.floor((bar.value * 100) / bar.max));
        sessionStorage.setItem('seen', JSON.stringify(seen));
      }).observe(bar, { attributes: true });
    })()`);
    await form.locator('button[type="submit"]:not([name])').click();
    // Part of the way: the bar is shown, between 0 and 100 %, its text saying how much.
    // (A function, not a string: the page's CSP forbids eval; the structural type stands in for the DOM's.)
    await page.waitForFunction(() => {
      type Bar = { max: number; value: number; closest(s: string): unknown };
      const bar = (globalThis as unknown as { document: { querySelector(s: string): Bar | null } }).document.querySelector('[data-upload-bar]');
      return !!bar && !bar.closest('[hidden]') && bar.max > 0 && bar.value > 0 && bar.value < bar.max;
    });
    assert.match((await page.locator('[data-upload-text]').textContent()) ?? '', /Uploading|%/);
    await page.waitForURL(/\/admin-dashboard\/imports\/[0-9a-f-]{36}\/$/, { timeout: 60_000 });
    await cdp.detach().catch(() => {});
    const seen = (await page.evaluate(`JSON.parse(sessionStorage.getItem('seen') || '[]')`)) as number[];
    // It moved through intermediate values, never backwards, up to the whole file.
    assert.ok(seen.some((p) => p > 0 && p < 100), `intermediate progress: ${seen.join(',')}`);
    assert.equal(Math.max(...seen), 100, `reached 100 %: ${seen.join(',')}`);
    assert.deepEqual([...seen].sort((a, b) => a - b), seen);
    await waitForStatus(page, 'awaiting_confirmation');
    assert.deepEqual(scriptErrors(page), []);
  });

  test('without scripts, a refused upload is the upload page again with the reason and the choices kept, and no token in the address bar', async () => {
    const context = await e.browser.newContext({ baseURL: e.url, javaScriptEnabled: false, extraHTTPHeaders: { 'Accept-Language': 'fr' } });
    try {
      const page = await context.newPage();
      await login(page, admin.email, admin.password);
      await page.goto('/admin-dashboard/courses/import/');
      const form = uploadForm(page);
      await form.locator('#file').setInputFiles({ name: `notes-${run}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 not a catalogue') });
      await form.locator('input[name="dry_run"]').uncheck();
      await form.locator('input[name="mode"][value="create_only"]').check();
      await Promise.all([page.waitForNavigation(), form.locator('button[type="submit"]:not([name])').click()]);
      assert.ok(!page.url().includes('_csrf'), page.url());
      assert.match(new URL(page.url()).pathname, /^\/admin-dashboard\/courses\/import\/$/);
      assert.match((await page.locator('#upload-error').textContent()) ?? '', /\.pdf/);
      // The form as it was left: test mode off, "create only".
      assert.equal(await uploadForm(page).locator('input[name="dry_run"]').isChecked(), false);
      assert.equal(await uploadForm(page).locator('input[name="mode"][value="create_only"]').isChecked(), true);
      assert.equal(await uploadForm(page).locator('#file').count(), 1);
    } finally {
      await context.close();
    }
  });
});

async function waitForMail(match: (m: { subject: string; text: string; html: string }) => boolean) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const found = smtp.messages.find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no such email; subjects: ${smtp.messages.map((m) => m.subject).join(' | ')}`);
    await smtp.waitFor(smtp.messages.length + 1, Math.max(1, deadline - Date.now())).catch(() => []);
  }
}
