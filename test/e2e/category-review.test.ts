// The auto-categorisation review queue in a real browser (issue 14): an admin retrains the model from the models
// page, then reviews suggestions for uncategorised courses: accepts one, corrects another with the category
// selector; each course gets its category (in PostgreSQL and in the search index). A viewer only reads.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsErrors, login, startE2E, type E2E } from './support/browser';
import { eventually } from '../support/wait';
import type { TestUser } from './support/users';
import { readEvaluationSet } from '../../src/categorise/evaluation-set';
import { reindexCourses } from '../../src/categories/reindex';

let e: E2E;
let admin: TestUser;
let viewer: TestUser;
const ids = new Map<string, number>();
const uncategorised: number[] = [];
const NEW_TITLES = ['Excel : graphiques et tableaux croisés', 'Découvrir Kubernetes et les conteneurs'];

before(async () => {
  e = await startE2E('e2ecatreview', { worker: true });
  admin = await e.createUser('admin');
  viewer = await e.createUser('viewer');
  const sql = e.admin.t.sql;
  const { courses, categories } = readEvaluationSet();
  for (const [i, name] of categories.entries()) {
    const [row] = await sql<{ id: number }[]>`INSERT INTO categories (slug, name_fr, name_en) VALUES (${`c-${i + 1}`}, ${name}, ${name}) RETURNING id`;
    ids.set(name, row!.id);
  }
  const rows = courses.map((c, i) => ({ key: `eval-${i}`, title: c.text.title, description: c.text.description ?? '', category_id: ids.get(c.category)!, tags: c.text.tags }));
  await sql`
    INSERT INTO courses (natural_key, title, description, category, category_id, tags, difficulty, learning_mode, is_free, quality_score, content_hash)
    SELECT v.key, v.title, v.description, NULL, v.category_id, ARRAY(SELECT jsonb_array_elements_text(v.tags)), 'beginner', 'mixed', true, 50, md5(v.key)
    FROM jsonb_to_recordset(${sql.json(rows as never)}) AS v(key text, title text, description text, category_id int, tags jsonb)`;
  for (const [i, title] of NEW_TITLES.entries()) {
    const [row] = await sql<{ id: number }[]>`
      INSERT INTO courses (natural_key, title, difficulty, learning_mode, is_free, quality_score, content_hash)
      VALUES (${`new-${i}`}, ${title}, 'beginner', 'mixed', true, 50, ${`n${i}`}) RETURNING id`;
    uncategorised.push(row!.id);
  }
});

after(async () => {
  await e?.close();
});

describe('category review', () => {
  test('retrain now, then accept one suggestion and correct another', async () => {
    const sql = e.admin.t.sql;
    const page = await e.newPage();
    await login(page, admin.email, admin.password);
    await page.goto(`${e.url}/admin-dashboard/category-review/models/`);
    await page.locator('#no-models').waitFor();
    await Promise.all([page.waitForURL(/\/category-review\/models\/$/), page.getByRole('button', { name: 'Retrain now' }).click()]);
    assert.match((await page.locator('.flash-stack').textContent()) ?? '', /Training started/);
    // The admin reloads until the new version shows, active, with its evaluation.
    await eventually(async () => {
      await page.reload();
      return (await page.locator('#models-table tr.active-model').count()) === 1;
    }, 'model v1 active', 120_000);
    const v1 = page.locator('tr[data-version="1"]');
    assert.match((await v1.textContent()) ?? '', /v1[\s\S]*ensemble[\s\S]*%[\s\S]*active[\s\S]*first model/);

    // The admin finds the two uncategorised courses on the courses page (the only ones indexed in this test) and
    // asks for category suggestions.
    await reindexCourses({ sql, es: e.admin.t.es, alias: e.admin.t.config.elasticsearch.alias, bulkSize: 100, concurrency: 1 }, uncategorised);
    await page.goto(`${e.url}/admin-dashboard/courses/`);
    for (const title of NEW_TITLES) await page.getByRole('checkbox', { name: `Tick ${title}` }).check();
    await Promise.all([page.waitForURL(/\/admin-dashboard\/courses\//), page.getByRole('button', { name: 'Suggest categories', exact: true }).click()]);
    await page.getByText('2 courses read by the auto-categoriser', { exact: false }).waitFor();

    await page.goto(`${e.url}/admin-dashboard/category-review/models/`);
    await page.getByRole('link', { name: 'Auto-categorisation' }).or(page.locator('a[href="/admin-dashboard/category-review/"]')).first().click();
    await page.getByRole('heading', { name: 'Category suggestions to review', level: 1 }).waitFor();
    assert.match((await page.locator('#pending-title').textContent()) ?? '', /2 suggestions waiting/);
    const excel = page.locator(`tr[data-course="${uncategorised[0]}"]`);
    assert.equal(await excel.locator('.suggested-category').textContent(), 'Bureautique');
    assert.match((await excel.locator('.confidence').textContent()) ?? '', /^\d+\s?%$/);

    await Promise.all([page.waitForURL(/\/category-review\/$/), excel.getByRole('button', { name: 'Accept' }).click()]);
    assert.match((await page.locator('.flash-stack').textContent()) ?? '', /Suggestion accepted/);
    assert.equal(await excel.count(), 0);

    const k8s = page.locator(`tr[data-course="${uncategorised[1]}"]`);
    await k8s.getByLabel('Correct with the category').selectOption({ label: 'Réseaux' });
    await Promise.all([page.waitForURL(/\/category-review\/$/), k8s.getByRole('button', { name: 'Correct' }).click()]);
    assert.match((await page.locator('.flash-stack').textContent()) ?? '', /Suggestion corrected/);
    await page.locator('#no-suggestions').waitFor();

    const got = await sql<{ id: number; category_id: number; category: string }[]>`
      SELECT id, category_id, category FROM courses WHERE id = ANY(${uncategorised}::bigint[]) ORDER BY id`;
    assert.deepEqual(got.map((g) => [g.category_id, g.category]), [[ids.get('Bureautique'), 'Bureautique'], [ids.get('Réseaux'), 'Réseaux']]);
    // Searchable under its new category at once.
    const doc = await e.admin.t.es.get<{ category_id: number }>({ index: e.admin.t.config.elasticsearch.alias, id: String(uncategorised[1]) });
    assert.equal(doc._source?.category_id, ids.get('Réseaux'));
    const [decided] = await sql<{ status: string; corrected_category_id: number }[]>`
      SELECT status, corrected_category_id FROM category_suggestions WHERE course_id = ${uncategorised[1]!}`;
    assert.deepEqual(decided, { status: 'corrected', corrected_category_id: ids.get('Réseaux') });
    assert.deepEqual(jsErrors(page), []);
  });

  test('a viewer reads the queue and the models but has no button to change them', async () => {
    const page = await e.newPage();
    await login(page, viewer.email, viewer.password);
    await page.goto(`${e.url}/admin-dashboard/category-review/`);
    await page.getByRole('heading', { name: 'Category suggestions to review', level: 1 }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Accept in bulk' }).count(), 0);
    // Even sent by hand, with a valid CSRF token, the decision is refused.
    const token = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    const refused = await page.request.post(`${e.url}/admin-dashboard/category-review/accept-above`, { form: { _csrf: token ?? '', min_confidence: '0' }, maxRedirects: 0 });
    assert.equal(refused.status(), 403);
    await page.goto(`${e.url}/admin-dashboard/category-review/models/`);
    await page.locator('#models-table').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Retrain now' }).count(), 0);
    assert.deepEqual(jsErrors(page), []);
  });
});
