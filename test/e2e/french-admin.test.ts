// A French admin's day in a real browser (issue 11, what a trial of the admin in French found): a file that cannot
// be parsed says why in French at its line and column (the parser's English only in the technical details), a
// failed import does not say "not counted yet", the course form writes decimals with a comma, the export's column
// chooser names the columns in French, and the audit log names its actions and bulk targets in French.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { jsErrors, login, startE2E, type E2E } from './support/browser';
import type { TestUser } from './support/users';

let e: E2E;
let admin: TestUser;

before(async () => {
  e = await startE2E('e2efrenchadmin', { worker: true });
  admin = await e.createUser('admin');
});

after(async () => {
  await e?.close();
});

/** Intl's French writes a no-break space (U+00A0 / U+202F): compared as spaces. */
async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();
}

async function switchTo(page: Page, language: 'fr' | 'en'): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.waitForURL(() => true), page.locator('#language-select').selectOption(language)]);
  await page.locator(`html[lang="${language}"]`).waitFor();
}

/** Uploads a file from the import form, test mode off, and waits for its import's page. */
async function upload(page: Page, name: string, content: string, mimeType: string): Promise<void> {
  await page.goto('/admin-dashboard/courses/import/');
  const form = page.getByRole('region', { name: 'Envoyer un fichier' });
  await form.getByLabel('Fichier', { exact: true }).setInputFiles({ name, mimeType, buffer: Buffer.from(content) });
  await form.getByLabel(/Mode test/).uncheck();
  await Promise.all([page.waitForURL(/\/admin-dashboard\/imports\/[0-9a-f-]{36}\/$/), form.getByRole('button', { name: 'Importer', exact: true }).click()]);
}

describe('a French admin', () => {
  test('a file that cannot be parsed: the reason in French at its line and column, the parser’s words for operators only', async () => {
    const page = await e.newPage({ acceptLanguage: 'fr-FR,fr;q=0.9' });
    await login(page, admin.email, admin.password);
    await upload(page, 'catalogue-casse.json', '[\n  {"title": "A"},\n  {"title": "B" "price": 3}\n]\n', 'application/json');
    await page.locator('.page-header .badge[data-status]', { hasText: 'Échoué' }).waitFor({ timeout: 60_000 });

    const reason = await textOf(page, '#import-error');
    assert.match(reason, /^Le JSON est mal formé ligne 3, colonne \d+ : une virgule est attendue entre deux éléments/);
    assert.doesNotMatch(reason, /expected/, 'no English parser words in the French sentence');
    // A failed import was never counted: it does not say "not counted yet".
    assert.equal(await textOf(page, '#not-counted'), 'Rien n’a été compté : l’import s’est arrêté avant.');
    // Nothing counted: the page does not point to counts or rows that would say what the file would have done.
    assert.equal(await textOf(page, '#nothing-written'), "L'import a échoué : rien n'a été écrit.");
    // The parser's own words are behind the technical details, for operators.
    assert.equal(await page.locator('#technical-error-message').isVisible(), false);
    await page.getByText('Détails techniques').click();
    assert.match(await textOf(page, '#technical-error-message'), /^invalid JSON at line 3, column \d+: expected ','$/);

    // The same page in English: the reason in English, from the same code and parameters.
    await switchTo(page, 'en');
    assert.match(await textOf(page, '#import-error'), /^Invalid JSON at line 3, column \d+: a comma is expected between two items/);
    assert.equal(await textOf(page, '#not-counted'), 'Nothing was counted: the import stopped before.');
    await switchTo(page, 'fr');
    assert.deepEqual(jsErrors(page), []);
  });

  test('the course form writes decimals with a comma; the export names its columns in French; the audit log speaks French', async () => {
    const page = await e.newPage({ acceptLanguage: 'fr-FR,fr;q=0.9' });
    await login(page, admin.email, admin.password);
    const run = Math.random().toString(36).slice(2, 8);
    const csv = [
      'title,description,category,difficulty,learning_mode,price,is_free,duration,lessons',
      `Décimales ${run},Texte,Programmation,débutant,texte,"19,90",false,"12,5",Intro`,
      `Autre ${run},Texte,Programmation,avancé,vidéo,0,true,2,Intro`,
    ].join('\n');
    await upload(page, 'decimales.csv', csv, 'text/csv');
    await page.locator('.page-header .badge[data-status]', { hasText: 'Réussi' }).waitFor({ timeout: 60_000 });

    const [course] = await e.admin.t.sql<{ id: string }[]>`SELECT id::text AS id FROM courses WHERE title = ${`Décimales ${run}`}`;
    assert.ok(course, 'the course was imported');
    await page.goto(`/admin-dashboard/courses/${course.id}/edit/`);
    assert.equal(await page.locator('#duration').inputValue(), '12,5');
    assert.equal(await page.locator('#price').inputValue(), '19,9');
    // Saved as shown, the values do not change.
    await Promise.all([page.waitForURL(`**/admin-dashboard/courses/${course.id}/`), page.locator('button[data-save]').click()]);
    const [saved] = await e.admin.t.sql<{ duration_hours: number; price: number }[]>`SELECT duration_hours::float8 AS duration_hours, price::float8 AS price FROM courses WHERE id = ${course.id}`;
    assert.deepEqual(saved, { duration_hours: 12.5, price: 19.9 });

    // The export's columns: named in French, the file's column name beside each.
    await page.goto(`/admin-dashboard/courses/?q=${run}`);
    await page.locator('[data-export-columns] summary').click();
    const category = page.locator('[data-export-columns] label', { has: page.locator('code[data-column="category"]') });
    assert.equal(await textOf(page, '[data-export-columns] label:has(code[data-column="category"])'), 'catégorie category');
    assert.equal(await category.locator('input').isChecked(), true);
    assert.equal(await textOf(page, '[data-export-columns] label:has(code[data-column="is_active"])'), 'actif is_active');

    // A bulk action on two ticked courses, then the audit log: actions and the bulk target in French.
    await page.getByLabel(`Cocher Décimales ${run}`).check();
    await page.getByLabel(`Cocher Autre ${run}`).check();
    await Promise.all([page.waitForLoadState('load'), page.waitForURL(() => true), page.getByRole('button', { name: 'Désactiver', exact: true }).click()]);
    await page.locator('.flash-stack', { hasText: '2 cours désactivés' }).waitFor();
    await page.goto('/admin-dashboard/audit/');
    const bulk = page.locator('tr', { has: page.locator('td[data-action="bulk.deactivate"]') }).first();
    assert.match(await textOf(page, 'td[data-action="bulk.deactivate"]'), /^Action groupée : désactiver ?bulk\.deactivate$/);
    assert.match(((await bulk.textContent()) ?? '').replace(/\s+/g, ' '), /2 cours cochés/);
    assert.match(await textOf(page, 'td[data-action="import.start"]'), /^Import lancé ?import\.start$/);
    assert.ok((await page.locator('#f-action option').allTextContents()).includes('Import lancé'));
    assert.deepEqual(jsErrors(page), []);
  });

  test('the monitoring page counts Elasticsearch nodes with a plural, not “nœud(s)”', async () => {
    const page = await e.newPage({ acceptLanguage: 'fr-FR,fr;q=0.9' });
    await login(page, admin.email, admin.password);
    await page.goto('/admin-dashboard/pipeline/monitoring/');
    const cluster = page.locator('dd', { has: page.locator('[data-mon="es-status"]') });
    const text = ((await cluster.textContent()) ?? '').replace(/\s+/g, ' ');
    assert.match(text, /, \d+ nœuds?$/);
    assert.doesNotMatch(text, /\(s\)/);
  });
});
