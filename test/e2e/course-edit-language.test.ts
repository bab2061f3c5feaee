// The course form's validation messages and the course page's warnings in the reader's language (issue 11), in a
// real browser: rendered from each problem's code and parameters, with numbers, prices and durations written by
// Intl for the reader (`100 000,00 €`, `12,5 h`), not the English sentences the CLI shows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { jsErrors, login, startE2E, type E2E } from './support/browser';
import type { TestUser } from './support/users';

let e: E2E;
let admin: TestUser;

before(async () => {
  e = await startE2E('e2ecourseeditlang');
  admin = await e.createUser('admin');
});

after(async () => {
  await e?.close();
});

/** Script errors and CSP violations; a refused form's 422 is on purpose. */
function scriptErrors(page: Page): string[] {
  return jsErrors(page).filter((m) => !/responded with a status of 422/.test(m));
}

/** Intl's French writes a no-break space (U+00A0 / U+202F) in numbers and before units: compared as spaces. */
async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();
}

async function save(page: Page): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.locator('button[data-save]').click()]);
}

/** Creates a course by hand: first refused (a negative price, a price over the maximum), then saved with a warning. */
async function createWithProblems(page: Page, title: string): Promise<void> {
  await page.goto('/admin-dashboard/courses/new/');
  await page.locator('#title').fill(title);
  await page.locator('#duration').fill('12h30');
  await page.locator('#is_free').uncheck();
  await page.locator('#price').fill('-5');
  await save(page);
  await page.locator('[data-form-errors]').waitFor();
}

describe('the course form speaks the reader\'s language', () => {
  test('French: the refused form, the warning after saving and the course page\'s history are in French with French numbers', async () => {
    const page = await e.newPage({ acceptLanguage: null });
    await login(page, admin.email, admin.password);
    await createWithProblems(page, 'Cours de cuisine lyonnaise');
    assert.equal(await textOf(page, '#err-price'), "prix : '-5' est négatif ; un prix doit être positif ou nul");
    // A price over the maximum: the maximum is a price in euros, written the French way.
    await page.locator('#price').fill('200000');
    await save(page);
    assert.equal(await textOf(page, '#err-price'), "prix : '200000' dépasse le maximum de 100 000,00 €");
    // The values stay as typed.
    assert.equal(await page.locator('#duration').inputValue(), '12h30');

    await page.locator('#price').fill('1299');
    await save(page);
    await page.waitForURL(/\/admin-dashboard\/courses\/\d+\/$/);
    // "12h30" was interpreted: the warning says so in French, the hours written by Intl.
    assert.equal(await textOf(page, '.flash--warning'), "Enregistré avec des avertissements : durée : '12h30' lu comme 12,5 h");
    // The course's history keeps the warning, shown in French too.
    assert.match(await textOf(page, '[data-course-changes] [data-change-kind="create"]'), /Avertissements : durée : '12h30' lu comme 12,5 h/);
    assert.deepEqual(scriptErrors(page), []);
  });

  test('English: the same problems in English, formatted the English way; the course page follows the reader\'s language', async () => {
    const page = await e.newPage({ acceptLanguage: 'en' });
    await login(page, admin.email, admin.password);
    await createWithProblems(page, 'Lyon cooking');
    assert.equal(await textOf(page, '#err-price'), "price: '-5' is negative; a price must be 0 or more");
    await page.locator('#price').fill('200000');
    await save(page);
    assert.equal(await textOf(page, '#err-price'), "price: '200000' is over the maximum of €100,000.00");
    await page.locator('#price').fill('1299');
    await save(page);
    await page.waitForURL(/\/admin-dashboard\/courses\/\d+\/$/);
    assert.equal(await textOf(page, '.flash--warning'), "Saved with warnings: duration: '12h30' read as 12.5 hrs");
    const courseUrl = page.url();
    assert.match(await textOf(page, '[data-course-changes] [data-change-kind="create"]'), /Warnings: duration: '12h30' read as 12\.5 hrs/);

    // A French reader of the same course page reads the stored warning in French.
    const french = await e.newPage({ acceptLanguage: 'fr' });
    await login(french, admin.email, admin.password);
    await french.goto(courseUrl);
    assert.match(await textOf(french, '[data-course-changes] [data-change-kind="create"]'), /Avertissements : durée : '12h30' lu comme 12,5 h/);
    assert.deepEqual(scriptErrors(page), []);
  });
});
