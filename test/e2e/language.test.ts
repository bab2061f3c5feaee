// French and English in a real browser (issue 11): French when the browser states no language, the switch in
// the header saved on the account (kept after signing out and in), and a dry-run import read in French.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { jsErrors, login, startE2E, type E2E } from './support/browser';
import type { TestUser } from './support/users';

let e: E2E;
let admin: TestUser;

before(async () => {
  e = await startE2E('e2elanguage', { worker: true });
  admin = await e.createUser('admin');
});

after(async () => {
  await e?.close();
});

async function htmlLang(page: Page): Promise<string | null> {
  return page.locator('html').getAttribute('lang');
}

async function switchTo(page: Page, language: 'fr' | 'en'): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.waitForURL(() => true), page.locator('#language-select').selectOption(language)]);
  await page.locator(`html[lang="${language}"]`).waitFor();
}

describe('languages in the browser', () => {
  test('French by default, the switch saved on the account and kept after signing in again', async () => {
    const page = await e.newPage({ acceptLanguage: null });
    await page.goto('/admin-dashboard/login/');
    assert.equal(await htmlLang(page), 'fr');
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    assert.equal(await page.getByLabel('Mot de passe').count(), 1);

    await login(page, admin.email, admin.password);
    assert.equal(await htmlLang(page), 'fr');
    await page.getByRole('heading', { name: 'Tableau de bord', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Importer', exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Se déconnecter' }).count(), 1);

    await switchTo(page, 'en');
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    assert.match((await page.locator('.flash-stack').textContent()) ?? '', /The admin is now in English/);
    const [saved] = await e.admin.t.sql`SELECT language FROM staff_users WHERE id = ${admin.id}`;
    assert.equal(saved!.language, 'en');

    // Signed out: no session, no Accept-Language, so the login page is French again; signed in, the choice is back.
    await Promise.all([page.waitForURL(/login/), page.getByRole('button', { name: 'Log out' }).click()]);
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    await login(page, admin.email, admin.password);
    assert.equal(await htmlLang(page), 'en');
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();

    await switchTo(page, 'fr');
    await page.getByRole('heading', { name: 'Tableau de bord', level: 1 }).waitFor();
    // The account page says the same and offers the choice too.
    await page.goto('/admin-dashboard/account/');
    await page.getByRole('heading', { name: 'Langue de l’administration' }).waitFor();
    assert.equal(await page.locator('#account-language input[value=fr]').isChecked(), true);
    // Error pages too.
    await page.goto('/admin-dashboard/no-such-page/');
    await page.getByRole('heading', { name: '404 · Introuvable' }).waitFor();
    assert.match((await page.locator('main').textContent()) ?? '', /Il n’y a pas de page à cette adresse/);
    // The monitoring page and its live script speak French too.
    await page.goto('/admin-dashboard/pipeline/monitoring/');
    await page.getByRole('heading', { name: 'Supervision de la chaîne' }).waitFor();
    // Once public/monitoring.js has refreshed the panel, what it wrote is French too.
    await page.locator('[data-monitoring][data-refreshed]').waitFor({ state: 'attached' });
    assert.match((await page.locator('[data-mon="checked-at"]').textContent()) ?? '', /^\d{1,2} [a-zéû]+\.? \d{4}, \d{2}:\d{2}$/);
    assert.doesNotMatch((await page.locator('[data-mon="running"]').textContent()) ?? '', /No import is running/);
    assert.deepEqual(jsErrors(page).filter((m) => !/Failed to load resource: .*404/.test(m)), []);
  });

  test('a saved choice wins over the browser’s Accept-Language', async () => {
    const viewer = await e.createUser('viewer');
    const page = await e.newPage({ acceptLanguage: 'en-GB,en;q=0.9' });
    await login(page, viewer.email, viewer.password);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    // A viewer can read only, but their language is their own.
    await switchTo(page, 'fr');
    await page.getByRole('heading', { name: 'Tableau de bord', level: 1 }).waitFor();
    await page.goto('/admin-dashboard/imports/');
    assert.equal(await htmlLang(page), 'fr');
    await page.getByRole('heading', { name: 'Imports', level: 1 }).waitFor();
    await page.getByLabel('Statut').waitFor();
  });

  test('a dry run read in French: upload form, preview counts, badges and dates; the course in French formats', async () => {
    const page = await e.newPage({ acceptLanguage: 'fr-FR,fr;q=0.9,en;q=0.5' });
    page.on('dialog', (d) => void d.accept());
    const user = await e.createUser('admin');
    await login(page, user.email, user.password);
    const run = Math.random().toString(36).slice(2, 8);
    const csv = [
      'title,description,difficulty,learning_mode,price,is_free,duration,lessons,tags',
      `FR Rust ${run},Possession et emprunt,débutant,texte,0,true,3,Intro;Emprunt,rust`,
      `FR Go ${run},Goroutines,intermédiaire,vidéo,1299,false,"12,5",Intro,go`,
      `FR Cassé ${run},Mauvais niveau,expertissime,texte,0,true,,,`,
    ].join('\n');
    await page.goto('/admin-dashboard/courses/import/');
    await page.getByRole('heading', { name: 'Importer des cours' }).waitFor();
    const upload = page.getByRole('region', { name: 'Envoyer un fichier' });
    await upload.getByLabel('Fichier', { exact: true }).setInputFiles({ name: 'cours-fr.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await upload.getByLabel(/Mode test/).check();
    await Promise.all([page.waitForURL(/\/admin-dashboard\/imports\/[0-9a-f-]{36}\/$/), upload.getByRole('button', { name: 'Importer', exact: true }).click()]);
    assert.match((await page.locator('.flash-stack').textContent()) ?? '', /cours-fr\.csv a été envoyé : son aperçu/);

    await page.getByRole('heading', { name: 'Aperçu : rien n’a encore été écrit' }).waitFor({ timeout: 60_000 });
    assert.match(
      (await page.locator('#preview-counts').textContent()) ?? '',
      /2 à créer, 0 à mettre à jour, 0 inchangées, 0 ignorées, 1 en erreur \(sur 3 lignes\)/,
    );
    assert.equal((await page.locator('.page-header .badge[data-status]').textContent())?.trim(), 'En attente de confirmation');
    await page.locator('.page-header .badge', { hasText: 'Mode test' }).waitFor();
    const rows = page.locator('#rows-table tbody tr');
    assert.equal(await rows.count(), 3);
    assert.equal((await rows.nth(0).locator('[data-action]').textContent())?.trim(), 'création');
    assert.equal(await rows.nth(0).locator('[data-action]').getAttribute('data-action'), 'create');
    assert.equal((await rows.nth(2).locator('[data-action]').textContent())?.trim(), 'erreur');
    await page.getByRole('heading', { name: 'Erreurs de ligne' }).waitFor();
    // Dates in French, in the display time zone (Europe/Paris): '30 nov. 2026, 16:05'.
    const started = (await page.locator('#facts-title + dl time').first().textContent()) ?? '';
    assert.match(started, /^\d{1,2} [a-zéû]+\.? \d{4}, \d{2}:\d{2}$/);
    assert.equal(await page.getByRole('button', { name: 'Confirmer et importer' }).count(), 1);

    await Promise.all([page.waitForURL(/imports\/[0-9a-f-]{36}\/$/), page.getByRole('button', { name: 'Confirmer et importer' }).click()]);
    assert.match((await page.locator('.flash-stack').textContent()) ?? '', /Confirmé : les lignes de l’aperçu sont en cours d’application/);
    await page.locator('.page-header .badge[data-status]', { hasText: 'Réussi avec erreurs' }).waitFor({ timeout: 60_000 });

    // The course it created: level and mode as French words, the price in euros, the duration in hours.
    const [course] = await e.admin.t.sql`SELECT id FROM courses WHERE title = ${`FR Go ${run}`}`;
    assert.ok(course, 'the course was created');
    await page.goto(`/admin-dashboard/courses/${String(course.id)}/`);
    const facts = (await page.locator('dl.facts').first().textContent()) ?? '';
    assert.match(facts, /Niveau\s*intermédiaire/);
    assert.match(facts, /Mode d’apprentissage\s*vidéo/);
    assert.match(facts, /Prix\s*1\u202f299,00\u00a0€/);
    assert.match(facts, /Durée\s*12,5\u202fh/);
  });
});
