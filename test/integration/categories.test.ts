// The category taxonomy (issue 14) on the real stack, over HTTP as an admin uses it: seeding from the catalogue,
// imports whose category values are known, synonyms, translations, unknown under each UNKNOWN_CATEGORY_POLICY, or
// missing; the auto-categoriser's suggestions stored and listed on the import's page; and a merge whose courses
// follow and are re-indexed (the courses page's facet shows one category, with the same count in PostgreSQL and
// Elasticsearch).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpSession } from '../support/http-session';
import { count, createTestEnv, type TestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { createApp } from '../../src/api/app';
import { authRoutes } from '../../src/api/routes/auth';
import { importRoutes } from '../../src/api/routes/imports';
import { courseRoutes } from '../../src/api/routes/courses';
import { categoryRoutes } from '../../src/api/routes/categories';
import { courseEditRoutes } from '../../src/api/routes/course-edit';
import { insertUser } from '../../src/db/users';
import { hashPassword } from '../../src/api/passwords';
import { logger } from '../../src/logger';
import { toCsv } from '../../src/domain/templates';
import { categoriseRows } from '../../src/activities/categorise-rows';
import type { Categoriser } from '../../src/categorise/contract';

let t: TestEnv;
let server: Server;
let base: string;
const PASSWORD = 'correct horse battery staple 42';
const RUN = Math.random().toString(36).slice(2, 8);

class Session extends HttpSession {
  constructor() {
    super(() => base);
  }

  override signIn(email: string, password = PASSWORD, csrfPage = '/admin-dashboard/categories/'): Promise<void> {
    return super.signIn(email, password, csrfPage);
  }


  async json<T>(path: string): Promise<T> {
    const res = await this.fetch(path, { headers: { Accept: 'application/json' } });
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    return (await res.json()) as T;
  }

  /** Uploads a CSV and waits until its import is finished (or waits for confirmation, for a dry run). */
  async importCsv(name: string, rows: Record<string, unknown>[], dryRun = false): Promise<{ id: string; status: string }> {
    const form = new FormData();
    form.set('mode', 'create_or_update');
    form.set('dry_run', dryRun ? 'true' : 'false');
    form.set('file', new Blob([toCsv(rows)]), name);
    const res = await this.fetch(`/admin-dashboard/courses/import/?_csrf=${encodeURIComponent(this.csrf)}`, { method: 'POST', body: form });
    assert.equal(res.status, 303);
    const id = /imports\/([0-9a-f-]{36})\//.exec(res.headers.get('location') ?? '')![1]!;
    const done = await eventually(async () => {
      const [r] = await t.sql<{ status: string }[]>`SELECT status FROM imports WHERE id = ${id}`;
      const final = dryRun ? ['awaiting_confirmation', 'failed'] : ['succeeded', 'succeeded_with_errors', 'failed'];
      return r && final.includes(r.status) ? r : undefined;
    }, `import ${name}`);
    return { id, status: done.status };
  }
}

interface Facets {
  total: number;
  facets: { category_id: { value: string; count: number; label?: string }[] };
  backend: string;
}

let admin: Session;

before(async () => {
  t = await createTestEnv('categories');
  await t.startWorker();
  const deps = { config: t.config, sql: t.sql, es: t.es, temporal: t.client, logger: logger.child({ test: 'categories' }) };
  const app = createApp(deps, [authRoutes(deps), importRoutes(deps), courseRoutes(deps), courseEditRoutes(deps), categoryRoutes(deps)]);
  server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const hash = await hashPassword(PASSWORD);
  await insertUser(t.sql, { email: 'admin@example.com', role: 'admin', passwordHash: hash, createdBy: null });
  await insertUser(t.sql, { email: 'viewer@example.com', role: 'viewer', passwordHash: hash, createdBy: null });
  admin = new Session();
  await admin.signIn('admin@example.com');
});

after(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await t?.close();
});

/** The running worker reads the settings at each import: what an operator changes with the environment. */
function policy(unknownPolicy: 'create' | 'refuse' | 'suggest', autoThreshold = 0.5): void {
  t.config.categories = { unknownPolicy, autoThreshold };
}

async function categoryId(nameEn: string): Promise<number> {
  const [r] = await t.sql<{ id: number }[]>`SELECT id FROM categories WHERE name_en = ${nameEn} AND active`;
  assert.ok(r, `category ${nameEn}`);
  return r.id;
}

type Row = { row_number: number; action: string; category_id: number | null; errors: { code?: string }[] | null; warnings: { code?: string; params?: Record<string, unknown> }[] | null };
async function rowsOf(importId: string): Promise<Row[]> {
  return t.sql<Row[]>`SELECT row_number, action, category_id, errors, warnings FROM import_rows WHERE import_id = ${importId} ORDER BY row_number`;
}
const codes = (list: { code?: string }[] | null) => (list ?? []).map((w) => w.code).filter((c) => c?.startsWith('category_'));

const course = (title: string, category?: string) => ({ title: `${title} ${RUN}`, ...(category === undefined ? {} : { category }), price: 10, is_free: false });

describe('category taxonomy', () => {
  test('without a taxonomy an import is as before; seeding groups the catalogue\'s values by folded name and translation', async () => {
    policy('suggest');
    const first = await admin.importCsv(`avant-${RUN}.csv`, [
      course('Python avancé', 'Développement'),
      course('Go pour tous', 'Development'),
      course('Rust', 'developpement'),
      course('Excel', 'Bureautique'),
      course('SQL', 'Données'),
    ]);
    assert.equal(first.status, 'succeeded');
    assert.deepEqual((await rowsOf(first.id)).flatMap((r) => codes(r.warnings)), [], 'no category warnings without a taxonomy');

    const viewer = new Session();
    await viewer.signIn('viewer@example.com');
    assert.equal((await viewer.postForm('/admin-dashboard/categories/seed', {})).status, 403);

    assert.equal((await admin.postForm('/admin-dashboard/categories/seed', {})).status, 303);
    const list = await admin.json<{ categories: { id: number; nameFr: string; nameEn: string; courses: number }[] }>('/admin-dashboard/categories/');
    const byEn = Object.fromEntries(list.categories.map((c) => [c.nameEn, c]));
    assert.deepEqual(Object.keys(byEn).sort(), ['Data', 'Development', 'Office software']);
    assert.equal(byEn.Development!.nameFr, 'Développement');
    assert.equal(byEn.Development!.courses, 3);
    assert.equal(byEn.Data!.nameFr, 'Données');
    // Seeding again creates nothing.
    assert.equal((await admin.postForm('/admin-dashboard/categories/seed', {})).status, 303);
    assert.equal(await count(t.sql`SELECT count(*)::int AS n FROM categories`), 3);

    // The courses page: one facet line per category, named in the reader's language, counted by Elasticsearch.
    const en = await admin.json<Facets>('/admin-dashboard/courses/');
    assert.equal(en.backend, 'elasticsearch');
    const dev = en.facets.category_id.find((b) => b.value === String(byEn.Development!.id));
    assert.deepEqual(dev, { value: String(byEn.Development!.id), count: 3, label: 'Development' });
    const page = await (await admin.fetch('/admin-dashboard/courses/', { headers: { 'Accept-Language': 'fr' } })).text();
    assert.match(page, /category_id=\d+[^>]*>☐ Développement <span class="muted">\(3\)/);
  });

  test('an import matches names in either language, synonyms and translations; an unknown or missing value waits for review', async () => {
    policy('suggest');
    const created = await admin.postForm('/admin-dashboard/categories/', { name_fr: 'Langues', name_en: 'Languages', synonyms: 'Anglais\nEnglish', parent_id: '' });
    assert.equal(created.status, 303);
    const langues = await categoryId('Languages');
    const imp = await admin.importCsv(`connues-${RUN}.csv`, [
      course('Anglais des affaires', 'Languages'),
      course('Anglais oral', 'anglais'),
      course('Pandas', 'Data'),
      course('Tableur', 'Office'),
      course('NumPy', 'DONNÉES'),
      course('Astronomie', 'Astrophysique'),
      course('Sans catégorie'),
    ]);
    assert.equal(imp.status, 'succeeded');
    const rows = await rowsOf(imp.id);
    assert.deepEqual(rows.map((r) => [r.row_number, r.category_id, codes(r.warnings)]), [
      [2, langues, []],
      [3, langues, ['category_matched']],
      [4, await categoryId('Data'), []],
      [5, await categoryId('Office software'), ['category_matched']],
      [6, await categoryId('Data'), ['category_matched']],
      [7, null, ['category_review_needed']],
      [8, null, ['category_review_needed']],
    ]);
    const via = (i: number) => rows[i]!.warnings!.find((w) => w.code === 'category_matched')!.params!.context;
    assert.deepEqual([via(1), via(3), via(4)], ['synonym', 'translation', 'name']);
    // The source value stays as written; the category is the taxonomy's.
    const [c] = await t.sql<{ category: string; category_id: number }[]>`SELECT category, category_id FROM courses WHERE title = ${`Anglais oral ${RUN}`}`;
    assert.deepEqual(c, { category: 'anglais', category_id: langues });
    // The import's page says it in the reader's language.
    const page = await (await admin.fetch(`/admin-dashboard/imports/${imp.id}/`, { headers: { 'Accept-Language': 'fr' } })).text();
    assert.match(page, /« anglais » lu comme la catégorie Langues \(synonyme\)/);
  });

  test('UNKNOWN_CATEGORY_POLICY: create makes the category when the rows are written (not in a dry run), refuse fails the row', async () => {
    policy('create');
    const dry = await admin.importCsv(`creer-${RUN}.csv`, [course('Étoiles', 'Astrophysique'), course('Planètes', 'astrophysique')], true);
    assert.equal(dry.status, 'awaiting_confirmation');
    assert.deepEqual((await rowsOf(dry.id)).map((r) => codes(r.warnings)), [['category_created'], ['category_created']]);
    assert.equal(await count(t.sql`SELECT count(*)::int AS n FROM categories WHERE name_fr = 'Astrophysique'`), 0, 'a preview creates nothing');
    assert.equal((await admin.postForm(`/admin-dashboard/imports/${dry.id}/confirm/`, {})).status, 303);
    await eventually(async () => {
      const [r] = await t.sql<{ status: string }[]>`SELECT status FROM imports WHERE id = ${dry.id}`;
      return r?.status === 'succeeded' || undefined;
    }, 'the confirmed import');
    const astro = await categoryId('Astrophysique');
    assert.equal(await count(t.sql`SELECT count(*)::int AS n FROM courses WHERE category_id = ${astro}`), 2, 'one category for both spellings');

    policy('refuse');
    const refused = await admin.importCsv(`refuser-${RUN}.csv`, [course('Soufflés', 'Cuisine moléculaire'), course('Vocabulaire', 'Langues'), course('Rien')]);
    assert.equal(refused.status, 'succeeded_with_errors');
    const rows = await rowsOf(refused.id);
    assert.deepEqual(rows.map((r) => [r.action, codes(r.errors), codes(r.warnings)]), [
      ['error', ['category_unknown'], []],
      ['create', [], []],
      ['create', [], ['category_review_needed']],
    ]);
    assert.equal(await count(t.sql`SELECT count(*)::int AS n FROM courses WHERE title = ${`Soufflés ${RUN}`}`), 0);
  });

  test('suggestions: applied from the threshold, else left for review; stored, tied to their course, listed on the import', async () => {
    policy('suggest', 0.6);
    const dry = await admin.importCsv(`suggerer-${RUN}.csv`, [course('Tableaux croisés Excel'), course('Inconnu total', 'Philosophie')], true);
    const office = await categoryId('Office software');
    // A categoriser that knows Excel well and philosophy hardly: the seam (src/categorise/contract.ts) the model fills.
    const categoriser: Categoriser = {
      modelVersion: 7,
      suggest: (c) => ({ categoryId: office, confidence: /excel/i.test(c.title) ? 0.86 : 0.2, modelVersion: 7, suggestedTags: ['excel'] }),
    };
    let batches = 0;
    const done = await categoriseRows({ sql: t.sql, config: t.config }, dry.id, async () => categoriser, () => batches++);
    assert.deepEqual({ suggested: done.suggested, review: done.review }, { suggested: 1, review: 1 });
    assert.ok(batches >= 1);
    const rows = await rowsOf(dry.id);
    assert.deepEqual(rows.map((r) => [r.category_id, codes(r.warnings)]), [[office, ['category_suggested']], [null, ['category_review_needed']]]);
    assert.deepEqual(rows[0]!.warnings!.find((w) => w.code === 'category_suggested')!.params, { category: 'Office software', category_fr: 'Bureautique', category_en: 'Office software', confidence: 0.86 });
    // Run twice (a retried step): the same rows, warnings and suggestions, not twice as many.
    await categoriseRows({ sql: t.sql, config: t.config }, dry.id, async () => categoriser);
    assert.deepEqual((await rowsOf(dry.id)).map((r) => codes(r.warnings)), [['category_suggested'], ['category_review_needed']]);
    const stored = await t.sql<{ row_number: number; applied: boolean; course_id: number | null; course_key: string; model_version: number }[]>`
      SELECT row_number, applied, course_id, course_key, model_version FROM category_suggestions WHERE import_id = ${dry.id} ORDER BY row_number`;
    assert.deepEqual(stored.map((s) => [s.row_number, s.applied, s.course_id, s.model_version]), [[2, true, null, 7], [3, false, null, 7]]);
    assert.equal(stored[0]!.course_key, `title:tableaux croises excel ${RUN}`);

    assert.equal((await admin.postForm(`/admin-dashboard/imports/${dry.id}/confirm/`, {})).status, 303);
    await eventually(async () => {
      const [r] = await t.sql<{ status: string }[]>`SELECT status FROM imports WHERE id = ${dry.id}`;
      return r?.status === 'succeeded' || undefined;
    }, 'the confirmed import');
    const linked = await t.sql<{ course_id: number | null; category_id: number | null }[]>`
      SELECT s.course_id, c.category_id FROM category_suggestions s JOIN courses c ON c.id = s.course_id WHERE s.import_id = ${dry.id} ORDER BY s.row_number`;
    assert.deepEqual(linked.map((l) => l.category_id), [office, null], 'the applied suggestion set the course\'s category');
    const fr = await (await admin.fetch(`/admin-dashboard/imports/${dry.id}/`, { headers: { 'Accept-Language': 'fr' } })).text();
    assert.match(fr, /Catégories proposées/);
    assert.match(fr, /catégorie proposée : Bureautique \(0,86\)/);
    const en = await (await admin.fetch(`/admin-dashboard/imports/${dry.id}/`, { headers: { 'Accept-Language': 'en' } })).text();
    assert.match(en, /suggested category: Office software \(0.86\)/);
  });

  test('merging: courses follow and are re-indexed, the facet shows one category, counts equal in PostgreSQL and Elasticsearch', async () => {
    policy('suggest');
    for (const [fr, enName] of [['Vente', 'Sales'], ['Ventes', 'Selling']] as const) {
      assert.equal((await admin.postForm('/admin-dashboard/categories/', { name_fr: fr, name_en: enName, synonyms: '', parent_id: '' })).status, 303);
    }
    const sales = await categoryId('Sales');
    const selling = await categoryId('Selling');
    await admin.importCsv(`ventes-${RUN}.csv`, [course('Prospection', 'Vente'), course('Négociation', 'Sales'), course('Closing', 'Ventes')]);
    const dup = await admin.json<{ duplicates: { keep: number; merge: number; reason: string }[] }>('/admin-dashboard/categories/');
    assert.ok(dup.duplicates.some((d) => d.keep === sales && d.merge === selling && d.reason === 'similar'), JSON.stringify(dup.duplicates));
    let facet = await admin.json<Facets>('/admin-dashboard/courses/');
    assert.equal(facet.facets.category_id.find((b) => b.value === String(selling))?.count, 1);

    const merged = await admin.postForm(`/admin-dashboard/categories/${selling}/merge`, { into: String(sales) });
    assert.equal(merged.status, 303);
    const pg = await count(t.sql`SELECT count(*)::int AS n FROM courses WHERE category_id = ${sales}`);
    assert.equal(pg, 3);
    facet = await admin.json<Facets>('/admin-dashboard/courses/');
    assert.equal(facet.backend, 'elasticsearch');
    assert.equal(facet.facets.category_id.find((b) => b.value === String(sales))?.count, pg);
    assert.equal(facet.facets.category_id.find((b) => b.value === String(selling)), undefined, 'no facet line for the merged category');
    const filtered = await admin.json<Facets>(`/admin-dashboard/courses/?category_id=${sales}`);
    assert.equal(filtered.total, pg);
    const es = await t.es.count({ index: t.config.elasticsearch.alias, query: { term: { category_id: sales } } });
    assert.equal(es.count, pg);
    // The merged category's names match on import from now on.
    const [target] = await t.sql<{ synonyms: string[] }[]>`SELECT synonyms FROM categories WHERE id = ${sales}`;
    assert.deepEqual(target!.synonyms.sort(), ['Selling', 'Ventes']);
    const [gone] = await t.sql<{ active: boolean; merged_into: number }[]>`SELECT active, merged_into FROM categories WHERE id = ${selling}`;
    assert.deepEqual(gone, { active: false, merged_into: sales });
  });

  test('two levels at most, bounded input, and a deactivated category no longer matches', async () => {
    const parent = await categoryId('Development');
    const res = await admin.postForm('/admin-dashboard/categories/', { name_fr: 'Web', name_en: 'Web', synonyms: '', parent_id: String(parent) });
    assert.equal(res.status, 303);
    const web = await categoryId('Web');
    const third = await admin.postForm('/admin-dashboard/categories/', { name_fr: 'React', name_en: 'React', synonyms: '', parent_id: String(web) });
    assert.equal(third.status, 400);
    assert.match(await third.text(), /deux niveaux au plus|two levels at most/);
    const long = await admin.postForm('/admin-dashboard/categories/', { name_fr: 'x'.repeat(201), name_en: 'X', synonyms: '', parent_id: '' });
    assert.equal(long.status, 400);
    assert.equal((await admin.postForm(`/admin-dashboard/categories/${web}/active`, { active: 'false' })).status, 303);
    policy('suggest');
    const imp = await admin.importCsv(`desactivee-${RUN}.csv`, [course('Hooks', 'Web')]);
    const [row] = await rowsOf(imp.id);
    assert.deepEqual([row!.category_id, codes(row!.warnings)], [null, ['category_review_needed']]);
  });

  test('a course created or edited by hand is filed by the same rule as an import, the new category made with the course', async () => {
    policy('suggest');
    const form = (title: string, category: string) => ({
      title: `${title} ${RUN}`, description: '', category, instructor: '', duration: '2', difficulty: 'beginner', learning_mode: 'text',
      price: '0', is_free: 'true', is_active: 'true', tags: '', external_id: '', version: '',
    });
    type Saved = { id: number; warnings: { code?: string; params?: Record<string, unknown> }[] };
    const save = async (path: string, fields: Record<string, string>) => {
      const res = await admin.fetch(path, { method: 'POST', headers: { Accept: 'application/json' }, body: new URLSearchParams({ _csrf: admin.csrf, ...fields }) });
      return { status: res.status, body: (await res.json()) as Saved & { errors?: { code?: string }[] } };
    };
    const languages = await categoryId('Languages');
    // "English" is a synonym of Langues / Languages: matched, with the warning an import gives.
    const made = await save('/admin-dashboard/courses/new/', form('Correspondance commerciale', 'English'));
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.deepEqual(codes(made.body.warnings), ['category_matched']);
    const categoryOf = async (id: number) => (await t.sql<{ category_id: number | null; category: string | null }[]>`SELECT category_id, category FROM courses WHERE id = ${id}`)[0];
    assert.deepEqual(await categoryOf(made.body.id), { category_id: languages, category: 'English' });
    const page = await (await admin.fetch(`/admin-dashboard/courses/${made.body.id}/`, { headers: { 'Accept-Language': 'fr' } })).text();
    assert.match(page, new RegExp(`<a href="/admin-dashboard/categories/${languages}/" data-category-id="${languages}">Langues</a>`));

    // Edited to a value the taxonomy does not know: refused under `refuse`, created with the course under `create`.
    policy('refuse');
    const refused = await save(`/admin-dashboard/courses/${made.body.id}/edit/`, { ...form('Correspondance commerciale', 'Philatélie') });
    assert.equal(refused.status, 422);
    assert.deepEqual(codes(refused.body.errors ?? []), ['category_unknown']);
    assert.deepEqual(await categoryOf(made.body.id), { category_id: languages, category: 'English' }, 'a refused form changes nothing');
    policy('create');
    const edited = await save(`/admin-dashboard/courses/${made.body.id}/edit/`, { ...form('Correspondance commerciale', 'Philatélie') });
    assert.equal(edited.status, 200);
    assert.deepEqual(codes(edited.body.warnings), ['category_created']);
    const philately = await categoryId('Philatélie');
    assert.deepEqual(await categoryOf(made.body.id), { category_id: philately, category: 'Philatélie' });
    // An empty category files the course nowhere.
    await save(`/admin-dashboard/courses/${made.body.id}/edit/`, { ...form('Correspondance commerciale', '') });
    assert.deepEqual(await categoryOf(made.body.id), { category_id: null, category: null });
    policy('suggest');
  });
});
