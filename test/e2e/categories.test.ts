// The categories page in a real browser (issue 14): an admin seeds the taxonomy from a catalogue that mixes
// "Développement" and "Development", merges a misspelt category proposed by the assisted merge, creates one with a
// synonym, deactivates it; the courses page then has one category facet line per category, named in the reader's
// language, and filtering by it lists its courses.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsErrors, login, startE2E, type E2E } from './support/browser';
import type { TestUser } from './support/users';

let e: E2E;
let admin: TestUser;
const RUN = Math.random().toString(36).slice(2, 8);

before(async () => {
  e = await startE2E('e2ecategories');
  admin = await e.createUser('admin');
  // A catalogue imported before the taxonomy existed: free-text categories in two languages, one misspelt.
  const courses: [string, string][] = [
    ['Python avancé', 'Développement'],
    ['Go en pratique', 'Développement'],
    ['Rust for beginners', 'Development'],
    ['SEO basics', 'Marketing'],
    ['Emailing', 'Marketing'],
    ['Growth hacking', 'Marketting'],
  ];
  for (const [title, category] of courses) {
    await e.admin.t.sql`
      INSERT INTO courses (natural_key, title, category, difficulty, learning_mode, is_free, quality_score, content_hash)
      VALUES (${`title:${title.toLowerCase()} ${RUN}`}, ${`${title} ${RUN}`}, ${category}, 'beginner', 'video', true, 50, ${`hash-${title}`})`;
  }
});

after(async () => {
  await e?.close();
});

describe('categories in the browser', () => {
  test('seed, merge a near-duplicate, create and deactivate; the courses facet in English and French', async () => {
    const page = await e.newPage();
    await login(page, admin.email, admin.password);
    await page.goto('/admin-dashboard/categories/');
    await page.getByText('No category yet').waitFor();

    // Seeding: "Développement" and "Development" are one category, named in both languages.
    await Promise.all([page.waitForURL(/\/admin-dashboard\/categories\/$/), page.getByRole('button', { name: 'Create the categories from the catalogue' }).click()]);
    assert.match((await page.locator('.flash-stack').textContent()) ?? '', /3 categories created from the catalogue; 6 courses categorised/);
    const devRow = page.locator('#categories-table tr', { hasText: 'Développement' });
    assert.match((await devRow.textContent()) ?? '', /Développement\s+Development[\s\S]*3/);

    // The assisted merge proposes the misspelt "Marketting" into "Marketing"; one click merges it.
    const pair = page.locator('#duplicate-list li', { hasText: 'Marketting' });
    assert.match((await pair.textContent()) ?? '', /close names/);
    await Promise.all([page.waitForURL(/\/admin-dashboard\/categories\/$/), pair.getByRole('button', { name: "Merge 'Marketting' into 'Marketing'" }).click()]);
    assert.match((await page.locator('.flash-stack').textContent()) ?? '', /Merged: 1 course moved to Marketing/);
    assert.match((await page.locator('#categories-table tr[data-category="marketting"]').textContent()) ?? '', /merged into Marketing/);
    assert.match((await page.locator('#categories-table tr[data-category="marketing"] .category-courses').textContent()) ?? '', /3/);
    assert.equal(await page.locator('#duplicate-list li', { hasText: 'Marketting' }).count(), 0);

    // Create a category with a synonym, then deactivate it from its page.
    const form = page.locator('#category-new');
    await form.getByLabel('French name').fill('Langues');
    await form.getByLabel('English name').fill('Languages');
    await form.getByLabel('Synonyms').fill('Anglais\nEnglish');
    await Promise.all([page.waitForURL(/\/admin-dashboard\/categories\/$/), form.getByRole('button', { name: 'Create the category' }).click()]);
    assert.match((await page.locator('.flash-stack').textContent()) ?? '', /Category Languages created/);
    await Promise.all([page.waitForURL(/\/admin-dashboard\/categories\/\d+\/$/), page.getByRole('link', { name: 'Langues' }).click()]);
    assert.equal(await page.getByRole('textbox', { name: 'Synonyms' }).inputValue(), 'Anglais\nEnglish');
    await Promise.all([page.waitForURL(/\/admin-dashboard\/categories\/\d+\/$/), page.getByRole('button', { name: 'Deactivate' }).click()]);
    assert.equal((await page.locator('#category-state').textContent())?.trim(), 'inactive');

    // The courses page: one facet line per category, in the reader's language; a click filters by it.
    await page.goto('/admin-dashboard/courses/');
    const facet = page.getByRole('complementary', { name: 'Filters' });
    await facet.getByRole('link', { name: /Development \(3\)/ }).waitFor();
    assert.equal(await facet.getByRole('link', { name: /Développement/ }).count(), 0, 'no second line for the French values');
    await facet.getByRole('link', { name: /Marketing \(3\)/ }).waitFor();
    assert.equal(await facet.getByRole('link', { name: /Marketting/ }).count(), 0);
    await Promise.all([page.waitForURL(/category_id=\d+/), facet.getByRole('link', { name: /Development \(3\)/ }).click()]);
    const titles = await page.locator('tbody tr').allTextContents();
    assert.equal(titles.filter((row) => row.includes(RUN)).length, 3);
    assert.ok(titles.some((row) => row.includes(`Rust for beginners ${RUN}`)));

    const fr = await e.newPage({ acceptLanguage: 'fr' });
    await login(fr, admin.email, admin.password);
    await fr.goto('/admin-dashboard/courses/');
    const filtres = fr.getByRole('complementary', { name: 'Filtres' });
    await filtres.getByRole('link', { name: /Développement \(3\)/ }).waitFor();
    assert.equal(await filtres.getByRole('link', { name: /^☐ Development/ }).count(), 0);
    assert.deepEqual(jsErrors(page), []);
  });
});
