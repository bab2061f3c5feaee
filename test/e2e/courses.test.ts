// The course list in a real browser: suggestions while typing (keyboard and ARIA), and a bulk deactivate
// that the search then reflects.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsErrors, login, startE2E, type E2E } from './support/browser';
import { course, importJson } from '../integration/courses-helpers';
import { eventually } from '../support/wait';

let e: E2E;

before(async () => {
  e = await startE2E('e2ecourses', { worker: true });
  const s = await importJson(e.admin.t, [
    course('Python pour débutants', { description: 'Variables, boucles et fonctions.', tags: ['python'] }),
    course('Pythagore et géométrie', { category: 'Mathématiques', tags: ['maths'] }),
    course('Rust avancé', { difficulty: 'advanced', category: 'Systèmes', tags: ['rust'] }),
  ]);
  assert.equal(s.counts.created, 3);
});

after(async () => {
  await e?.close();
});

describe('course list', () => {
  test('suggestions appear while typing; arrows and Enter pick one; Escape closes the list', async () => {
    const admin = await e.createUser('viewer');
    const page = await e.newPage();
    await login(page, admin.email, admin.password);
    await page.goto('/admin-dashboard/courses/');
    const box = page.getByRole('combobox', { name: 'Search' });
    await box.pressSequentially('pyth', { delay: 40 });
    const list = page.getByRole('listbox', { name: 'Suggestions' });
    await list.waitFor({ state: 'visible' });
    const options = list.getByRole('option');
    await eventually(async () => (await options.count()) === 2, 'two suggestions');
    // Each option is the completed word or title, with its course's title beside it.
    const texts = (await options.allTextContents()).sort();
    assert.equal(texts.length, 2);
    assert.ok(texts[0]!.includes('Pythagore et géométrie') && texts[1]!.includes('Python pour débutants'), texts.join(' | '));
    assert.equal(await box.getAttribute('aria-expanded'), 'true');

    await box.press('Escape');
    assert.equal(await list.isHidden(), true);
    assert.equal(await box.getAttribute('aria-expanded'), 'false');

    await box.press('ArrowDown');
    await eventually(async () => (await options.count()) === 2, 'two suggestions');
    await box.press('ArrowDown');
    await eventually(async () => Boolean(await box.getAttribute('aria-activedescendant')), 'an active option');
    const activeId = await box.getAttribute('aria-activedescendant');
    assert.ok(activeId, 'an option is active');
    const picked = await page.locator(`#${activeId}`).getAttribute('data-value');
    assert.equal(await page.locator(`#${activeId}`).getAttribute('aria-selected'), 'true');
    await Promise.all([page.waitForURL(/[?&]q=/), box.press('Enter')]);
    assert.equal(new URL(page.url()).searchParams.get('q'), picked);
    const rows = page.locator('[data-course-table] tbody tr[data-course-id]');
    assert.equal(await rows.count(), 1);
    assert.ok((await rows.first().textContent())?.toLowerCase().includes((picked ?? '?').toLowerCase()));
    assert.deepEqual(jsErrors(page), []);
  });

  test('an admin deactivates a ticked course, and the search shows it inactive', async () => {
    const admin = await e.createUser('admin');
    const page = await e.newPage();
    await login(page, admin.email, admin.password);
    await page.goto('/admin-dashboard/courses/?q=rust');
    await page.getByRole('checkbox', { name: 'Tick Rust avancé' }).check();
    await Promise.all([page.waitForURL(/\/admin-dashboard\/courses\//), page.getByRole('button', { name: 'Deactivate', exact: true }).click()]);
    await page.getByText('1 course deactivated.').waitFor();

    await page.goto('/admin-dashboard/courses/?q=rust&is_active=true');
    assert.equal(await page.locator('[data-course-table] tbody tr[data-course-id]').count(), 0, 'not among active courses');
    await page.goto('/admin-dashboard/courses/?q=rust');
    const row = page.locator('[data-course-table] tbody tr[data-course-id]');
    assert.equal(await row.count(), 1);
    assert.equal(await row.locator('[data-active]').textContent(), 'Inactive');
    // The facet counts agree.
    assert.ok((await page.getByRole('link', { name: /Inactive \(1\)/ }).count()) === 1);
    assert.deepEqual(jsErrors(page), []);
  });
});
