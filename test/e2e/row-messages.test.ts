// Row errors and warnings in the reader's language (issue 11), in a real browser: a French admin uploads a file
// with errors through the form in test mode and reads the preview's problems in French, named by the French
// field labels; the same import read by an English admin is in English.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { login, startE2E, type E2E } from './support/browser';

let e: E2E;

before(async () => {
  e = await startE2E('e2erowmsg', { worker: true });
});

after(async () => {
  await e?.close();
});

describe('row problems in the reader’s language', () => {
  test('a dry run with errors, read in French and then in English', async () => {
    const user = await e.createUser('admin');
    const page = await e.newPage({ acceptLanguage: 'fr-FR,fr;q=0.9' });
    await login(page, user.email, user.password);
    const run = Math.random().toString(36).slice(2, 8);
    const csv = [
      'titre,prix,niveau,durée,couleur',
      `Bon cours ${run},10,débutant,"1:30",rouge`,
      `Prix négatif ${run},-5,débutant,2,bleu`,
      `Niveau inconnu ${run},10,expertissime,2,vert`,
      ',10,débutant,2,noir',
    ].join('\n');
    await page.goto('/admin-dashboard/courses/import/');
    await page.getByRole('heading', { name: 'Importer des cours' }).waitFor();
    const form = page.getByRole('region', { name: 'Envoyer un fichier' });
    await form.getByLabel('Fichier', { exact: true }).setInputFiles({ name: `erreurs-${run}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await form.getByLabel(/Mode test/).check();
    await Promise.all([page.waitForURL(/\/admin-dashboard\/imports\/[0-9a-f-]{36}\/$/), form.getByRole('button', { name: 'Importer', exact: true }).click()]);
    const importUrl = page.url();
    await page.getByRole('heading', { name: 'Aperçu : rien n’a encore été écrit' }).waitFor({ timeout: 60_000 });

    // The preview's rows: each problem in French, the field named in French with the column as written.
    const rows = page.locator('#rows-table tbody tr');
    assert.equal(await rows.count(), 4);
    const negative = (await rows.nth(1).locator('[data-code="price_negative"]').textContent()) ?? '';
    assert.equal(negative.trim(), "prix (colonne « prix ») : '-5' est négatif ; un prix doit être positif ou nul");
    const level = (await rows.nth(2).locator('[data-code="difficulty_unknown"]').textContent()) ?? '';
    assert.match(level, /^niveau \(colonne « niveau »\) : 'expertissime' n'est pas un niveau connu ; utilisez beginner, intermediate, advanced ou all_levels/);
    const title = (await rows.nth(3).locator('[data-code="title_missing"]').textContent()) ?? '';
    assert.equal(title.trim(), 'titre (colonne « titre ») : manquant ; chaque cours doit avoir un titre');
    // A value interpreted is a warning, in French too.
    const read = (await rows.nth(0).locator('[data-code="duration_read_as_clock"]').textContent()) ?? '';
    // The hours written by Intl for a French reader (a narrow no-break space before the unit).
    assert.equal(read.trim().replace(/\u202f/g, ' '), "durée (colonne « durée ») : '1:30' lu comme 1,5 h (h:mm)");

    // The row errors table: the French field label and the French message.
    await page.getByRole('heading', { name: 'Erreurs de ligne' }).waitFor();
    const errorRow = page.locator('#errors-table tbody tr[data-code="price_negative"]');
    assert.equal((await errorRow.locator('code').textContent())?.trim(), 'prix');
    assert.match((await errorRow.textContent()) ?? '', /'-5' est négatif/);
    // The file's warning about an unknown column, in French.
    const unknown = page.locator('#warnings-table tr[data-code="unknown_column"]');
    assert.match((await unknown.textContent()) ?? '', /la colonne « couleur » ne correspond à aucun champ de cours/);

    // The same import read by an English admin: the same problems in English.
    const english = await e.createUser('viewer');
    const enPage = await e.newPage({ acceptLanguage: 'en-GB,en;q=0.9' });
    await login(enPage, english.email, english.password);
    await enPage.goto(importUrl);
    await enPage.locator('#rows-table').waitFor();
    const enNegative = (await enPage.locator('#rows-table tbody tr').nth(1).locator('[data-code="price_negative"]').textContent()) ?? '';
    assert.equal(enNegative.trim(), "price (column 'prix'): '-5' is negative; a price must be 0 or more");
  });

  test('an admin sets import rules on their page, in French; a mistake is explained; the import form lists them', async () => {
    const user = await e.createUser('admin');
    const page = await e.newPage({ acceptLanguage: 'fr-FR,fr;q=0.9' });
    await login(page, user.email, user.password);
    await page.goto('/admin-dashboard/import-rules/');
    await page.getByRole('heading', { name: 'Règles d\'import', level: 1 }).waitFor();
    await page.getByLabel('formateur').check();
    await page.getByLabel('Catégories autorisées (une par ligne ; vide : toutes)').fill('Data\nDéveloppement web');
    await page.getByLabel('Prix minimum (€)').fill('50');
    await page.getByLabel('Prix maximum (€)').fill('10');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Enregistrer les règles' }).click()]);
    // Minimum above maximum: refused, said in French, and nothing typed is lost.
    await page.locator('#rules-errors').waitFor();
    assert.match((await page.locator('#rules-errors').textContent()) ?? '', /Prix minimum \(€\)/);
    assert.equal(await page.getByLabel('Prix maximum (€)').inputValue(), '10');
    assert.equal(await page.getByLabel('formateur').isChecked(), true);
    await page.getByLabel('Prix minimum (€)').fill('');
    await Promise.all([page.waitForURL(/import-rules/), page.getByRole('button', { name: 'Enregistrer les règles' }).click()]);
    assert.match((await page.locator('.flash-stack').textContent()) ?? '', /Les règles sont enregistrées/);
    const summary = (await page.locator('#rules-summary').textContent()) ?? '';
    assert.match(summary, /Obligatoires : formateur/);
    assert.match(summary, /Prix entre — et 10 €/);

    await page.goto('/admin-dashboard/courses/import/');
    const onForm = (await page.locator('#upload-rules').textContent()) ?? '';
    assert.match(onForm, /Règles d'import en vigueur/);
    assert.match(onForm, /Catégories autorisées \(les autres sont refusées\) : Data, Développement web/);
  });
});
