// Creating and editing a course by hand in a real browser (issue 11): every field and the lessons (add, remove,
// reorder) through the plain HTML form, a validation error shown on the form with the values kept, the change in
// the course's history with its before → after, undoing it, the search list following, and viewers read-only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { jsErrors, login, startE2E, type E2E } from './support/browser';
import { course, importJson } from '../integration/courses-helpers';

let e: E2E;

before(async () => {
  e = await startE2E('e2ecourseedit', { worker: true });
  const s = await importJson(e.admin.t, [
    course('Kotlin pour Android', { description: 'Applications mobiles.', lessons: ['Installer', 'Activités', 'Fragments'], tags: ['kotlin'] }),
  ]);
  assert.equal(s.counts.created, 1);
});

after(async () => {
  await e?.close();
});

/** Script errors and CSP violations; the browser also logs each 4xx answer, which a refused form is on purpose. */
function scriptErrors(page: Page): string[] {
  return jsErrors(page).filter((m) => !/responded with a status of (409|422)/.test(m));
}

async function courseId(title: string): Promise<number> {
  const [row] = await e.admin.t.sql<{ id: number }[]>`SELECT id FROM courses WHERE title = ${title}`;
  assert.ok(row, `course ${title}`);
  return Number(row.id);
}

async function lessonsOf(id: number): Promise<string[]> {
  const rows = await e.admin.t.sql<{ title: string }[]>`SELECT title FROM lessons WHERE course_id = ${id} ORDER BY position`;
  return rows.map((r) => r.title);
}

/** The titles the search list shows for a query (Elasticsearch behind the page). */
async function listed(page: Page, q: string): Promise<string[]> {
  await page.goto(`/admin-dashboard/courses/?q=${encodeURIComponent(q)}`);
  return page.locator('[data-course-table] tbody tr[data-course-id] a.course-title').allTextContents();
}

async function submit(page: Page, name: string | RegExp): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name, exact: typeof name === 'string' }).click()]);
}

describe('editing a course by hand', () => {
  test('an admin edits fields and lessons (remove, reorder, add); a refused form keeps the values; the history shows the change and undoes it', async () => {
    const admin = await e.createUser('admin');
    const page = await e.newPage();
    await login(page, admin.email, admin.password);
    const id = await courseId('Kotlin pour Android');
    await page.goto(`/admin-dashboard/courses/${id}/`);
    await Promise.all([page.waitForURL(`**/courses/${id}/edit/`), page.getByRole('link', { name: 'Edit', exact: true }).click()]);

    // The form holds the course as an import file would give it.
    assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(), 'Kotlin pour Android');
    assert.equal(await page.getByLabel('Tags').inputValue(), 'kotlin');
    assert.equal(await page.getByLabel('Title of lesson 2').inputValue(), 'Activités');

    // Change fields; paid with a price of 0 is the import's own error: shown on the form, values kept.
    await page.getByLabel('Title', { exact: true }).fill('Kotlin et Android');
    await page.getByLabel('Level').selectOption('intermediate');
    await page.getByLabel('Duration (hours)').fill('1h30');
    await page.getByLabel('Free').uncheck();
    await page.getByLabel('Price (€)').fill('0');
    // Lessons: remove "Activités", put "Fragments" first, add "Coroutines" in the blank row.
    await page.getByLabel('Remove lesson 2 (Activités)').check();
    await page.getByLabel('Order of lesson 3').fill('0');
    await page.getByLabel('Title of the new lesson').fill('Coroutines');
    await submit(page, 'Save');
    const alert = page.locator('[data-form-errors]');
    await alert.waitFor();
    assert.match(await alert.textContent() ?? '', /not saved: 1 problem/);
    const freeError = page.locator('#err-is_free');
    assert.match(await freeError.textContent() ?? '', /is_free: is false but the price is 0/);
    assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(), 'Kotlin et Android');
    assert.equal(await page.getByLabel('Level').inputValue(), 'intermediate');
    assert.equal(await page.getByLabel('Duration (hours)').inputValue(), '1h30');
    assert.equal(await page.getByLabel('Remove lesson 2 (Activités)').isChecked(), true);
    assert.equal(await page.getByLabel('Title of lesson 4').inputValue(), 'Coroutines');
    assert.equal(await lessonsOf(id).then((l) => l.join('|')), 'Installer|Activités|Fragments', 'nothing was written');

    // Fix the price and save: the same rules normalise it (1h30 → 1.5 h) and the course page shows it.
    await page.getByLabel('Price (€)').fill('49,90');
    await submit(page, 'Save');
    await page.waitForURL(`**/courses/${id}/`);
    await page.getByText(/Course saved: \d+ fields changed\./).waitFor();
    // "1h30" was interpreted: a warning, as an import gives.
    await page.locator('.flash--warning').filter({ hasText: /Saved with warnings/ }).waitFor();
    assert.deepEqual(await lessonsOf(id), ['Fragments', 'Installer', 'Coroutines']);
    const [row] = await e.admin.t.sql<{ title: string; price: string; is_free: boolean; duration_hours: string; difficulty: string }[]>`
      SELECT title, price::text, is_free, duration_hours::text, difficulty FROM courses WHERE id = ${id}`;
    assert.deepEqual({ ...row }, { title: 'Kotlin et Android', price: '49.90', is_free: false, duration_hours: '1.50', difficulty: 'intermediate' });

    // The history shows the change, lessons as readable lists before → after.
    const change = page.locator('[data-course-changes] [data-change-kind="update"]');
    await change.waitFor();
    const lessonsRow = change.locator('[data-changed-field="lessons"]');
    assert.deepEqual(await lessonsRow.locator('td').nth(0).locator('li').allTextContents(), ['Installer', 'Activités', 'Fragments']);
    assert.deepEqual(await lessonsRow.locator('td').nth(1).locator('li').allTextContents(), ['Fragments', 'Installer', 'Coroutines']);
    assert.match(await change.locator('[data-changed-field="title"]').textContent() ?? '', /Kotlin pour Android\s*Kotlin et Android/);

    // The search list follows at once.
    assert.deepEqual(await listed(page, 'coroutines'), ['Kotlin et Android']);

    // Undo: the course is back as it was, lessons included, and the search too.
    await page.goto(`/admin-dashboard/courses/${id}/`);
    await submit(page, 'Undo this change');
    await page.getByText('The change was undone: the course is back as it was before.').waitFor();
    assert.deepEqual(await lessonsOf(id), ['Installer', 'Activités', 'Fragments']);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Kotlin pour Android');
    assert.equal(await page.locator('[data-change-kind="revert"]').count(), 1);
    assert.match(await page.locator('[data-change-kind="update"]').textContent() ?? '', /undone by/);
    assert.deepEqual(await listed(page, 'coroutines'), []);
    assert.deepEqual(await listed(page, 'kotlin'), ['Kotlin pour Android']);

    // Audited.
    const audit = await e.admin.t.sql<{ action: string }[]>`SELECT action FROM audit_log WHERE target = ${`course ${id}`} ORDER BY id`;
    assert.deepEqual(audit.map((a) => a.action), ['course.update', 'course.undo']);
    assert.deepEqual(scriptErrors(page), []);
  });

  test('an admin creates a course by hand with lessons; undoing the creation deletes it', async () => {
    const admin = await e.createUser('admin');
    const page = await e.newPage();
    await login(page, admin.email, admin.password);
    await page.goto('/admin-dashboard/courses/');
    await Promise.all([page.waitForURL('**/courses/new/'), page.getByRole('link', { name: 'New course' }).click()]);
    // Nothing is chosen for the admin: no price, not free (typing a price needs nothing unticked first).
    assert.equal(await page.getByLabel('Free').isChecked(), false);
    assert.equal(await page.getByLabel('Price (€)').inputValue(), '');
    await page.getByLabel('Title', { exact: true }).fill('Swift pour iOS');
    await page.getByLabel('Category').fill('Mobile');
    await page.getByLabel('Instructor').fill('Ada Lovelace');
    await page.getByLabel('Learning mode').selectOption('video');
    await page.getByLabel('Price (€)').fill('19');
    await page.getByLabel('Tags').fill('swift, ios');
    await page.getByLabel('Title of the new lesson').fill('Xcode');
    // Without JavaScript: "add another lesson" shows the form again with a new blank row, values kept.
    await submit(page, 'Add another lesson');
    assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(), 'Swift pour iOS');
    assert.equal(await page.getByLabel('Title of lesson 1').inputValue(), 'Xcode');
    await page.getByLabel('Title of the new lesson').fill('SwiftUI');
    await page.getByLabel('Video URL of the new lesson').fill('https://example.com/swiftui');
    await submit(page, 'Create the course');
    await page.getByText('Course “Swift pour iOS” created.').waitFor();
    const id = await courseId('Swift pour iOS');
    assert.ok(page.url().endsWith(`/courses/${id}/`));
    assert.deepEqual(await lessonsOf(id), ['Xcode', 'SwiftUI']);
    const [row] = await e.admin.t.sql<{ tags: string[]; is_active: boolean; learning_mode: string }[]>`SELECT tags, is_active, learning_mode FROM courses WHERE id = ${id}`;
    assert.equal(row!.is_active, true);
    assert.equal(row!.learning_mode, 'video');
    assert.deepEqual(row!.tags.slice(0, 2), ['swift', 'ios'], 'the user tags first, generated ones after');
    assert.deepEqual(await listed(page, 'swiftui'), ['Swift pour iOS']);

    // A second course with the same title is refused on the form (same identity as the import's).
    await page.goto('/admin-dashboard/courses/new/');
    await page.getByLabel('Title', { exact: true }).fill('SWIFT pour iOS!');
    // Neither a price nor "free": refused as an import would, never published as free by accident.
    await submit(page, 'Create the course');
    assert.match(await page.locator('#err-price').textContent() ?? '', /price: missing; a course that is not free needs a price/);
    await page.getByLabel('Price (€)').fill('19');
    await submit(page, 'Create the course');
    assert.match(await page.locator('[data-form-error]').textContent() ?? '', new RegExp(`Another course \\(#${id}\\)`));
    assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(), 'SWIFT pour iOS!');

    await page.goto(`/admin-dashboard/courses/${id}/`);
    assert.equal(await page.locator('[data-change-kind="create"]').count(), 1);
    await submit(page, 'Undo this change');
    await page.getByText('The change was undone: the course it created is deleted.').waitFor();
    assert.equal((await e.admin.t.sql`SELECT 1 FROM courses WHERE id = ${id}`).length, 0);
    assert.deepEqual(await listed(page, 'swiftui'), []);
    assert.deepEqual(scriptErrors(page), []);
  });

  test('a viewer sees the course read-only: no edit link, and the form is refused', async () => {
    const viewer = await e.createUser('viewer');
    const page = await e.newPage();
    await login(page, viewer.email, viewer.password);
    const id = await courseId('Kotlin pour Android');
    await page.goto(`/admin-dashboard/courses/${id}/`);
    assert.equal(await page.getByRole('link', { name: 'Edit', exact: true }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Undo this change' }).count(), 0);
    await page.goto('/admin-dashboard/courses/');
    assert.equal(await page.getByRole('link', { name: 'New course' }).count(), 0);
    const res = await page.goto(`/admin-dashboard/courses/${id}/edit/`);
    assert.equal(res?.status(), 403);
  });
});
