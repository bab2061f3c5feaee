// The course list's facets over many matches, on real Elasticsearch: exact up to ELASTICSEARCH_EXACT_FACETS_UP_TO
// matching courses, estimated from a random sample beyond (the total stays exact), the same estimate on every
// page of one search, each facet sampled by what it reads; the page says which counts are estimates (≈), in the
// reader's language, and the REST answer names them. Thresholds are lowered so a few thousand courses cross them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestEnv, type TestEnv } from '../support/env';
import { HttpSession } from '../support/http-session';
import { query } from './courses-helpers';
import { searchCourses } from '../../src/search/queries';
import type { FacetCounting } from '../../src/courses/filters';
import { createApp } from '../../src/api/app';
import { authRoutes } from '../../src/api/routes/auth';
import { courseRoutes } from '../../src/api/routes/courses';
import { insertUser } from '../../src/db/users';
import { hashPassword } from '../../src/api/passwords';
import { logger } from '../../src/logger';

const COURSES = 4000;
const DIFFICULTIES = ['beginner', 'intermediate', 'advanced', 'all_levels'] as const;
const MODES = ['text', 'video', 'practice', 'mixed'] as const;
// 4,000 courses, every one with "python" in its title; one in ten with "rare" as well (400).
const counting: FacetCounting = { exactUpTo: 1000, sampleSize: 800 };
const PASSWORD = 'correct horse battery staple 42';

let t: TestEnv;
let server: Server;
let base: string;

/** The true counts, from the documents as written. */
const truth = { difficulty: new Map<string, number>(), learning_mode: new Map<string, number>(), rareByDifficulty: new Map<string, number>() };

function docOf(i: number) {
  const difficulty = DIFFICULTIES[i % 4]!;
  // Skewed so a sampled count far from the truth shows: text 50 %, video 25 %, practice 15 %, mixed 10 %.
  const m = i % 20;
  const learning_mode = m < 10 ? MODES[0] : m < 15 ? MODES[1] : m < 18 ? MODES[2] : MODES[3];
  const rare = i % 10 === 0;
  return {
    id: i + 1,
    external_id: `fs-${i}`,
    title: `Python ${rare ? 'rare ' : ''}volume ${i}`,
    difficulty,
    learning_mode,
    price: 10 + (i % 50),
    is_free: false,
    is_active: true,
    category: 'Développement',
    tags: ['python'],
    created_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  };
}

before(async () => {
  t = await createTestEnv('facetsampling', {
    ELASTICSEARCH_EXACT_FACETS_UP_TO: String(counting.exactUpTo),
    ELASTICSEARCH_FACET_SAMPLE_SIZE: String(counting.sampleSize),
  });
  const operations: unknown[] = [];
  for (let i = 0; i < COURSES; i++) {
    const d = docOf(i);
    truth.difficulty.set(d.difficulty, (truth.difficulty.get(d.difficulty) ?? 0) + 1);
    truth.learning_mode.set(d.learning_mode, (truth.learning_mode.get(d.learning_mode) ?? 0) + 1);
    if (i % 10 === 0) truth.rareByDifficulty.set(d.difficulty, (truth.rareByDifficulty.get(d.difficulty) ?? 0) + 1);
    operations.push({ index: { _index: t.config.elasticsearch.alias, _id: String(d.id) } }, d);
  }
  const res = await t.es.bulk({ operations, refresh: 'wait_for' });
  assert.equal(res.errors, false);

  const deps = { config: t.config, sql: t.sql, es: t.es, temporal: t.client, logger: logger.child({ test: 'facet-sampling' }) };
  const app = createApp(deps, [authRoutes(deps), courseRoutes(deps)]);
  server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await insertUser(t.sql, { email: 'admin@example.com', role: 'admin', passwordHash: await hashPassword(PASSWORD), createdBy: null });
});

after(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await t?.close();
});

const countOf = (buckets: { value: string; count: number }[], value: string) => buckets.find((b) => b.value === value)?.count ?? 0;

describe('facets over many matches', () => {
  test('above the threshold the facets are estimated (close to the truth), the total is exact', async () => {
    const r = await searchCourses(t.es, t.config.elasticsearch.alias, query({ q: 'python' }), undefined, counting);
    assert.equal(r.total, COURSES);
    assert.deepEqual([...r.estimatedFacets].sort(), ['category', 'category_id', 'difficulty', 'is_active', 'is_free', 'learning_mode']);
    // About 800 courses sampled: a value of 25–50 % of the matches lands within 30 % of its count (over 4 standard errors).
    for (const [value, n] of truth.learning_mode) {
      if (n < COURSES / 4) continue;
      const c = countOf(r.facets.learning_mode, value);
      assert.ok(Math.abs(c - n) <= 0.3 * n, `${value}: ${c} estimated for ${n}`);
    }
    for (const [value, n] of truth.difficulty) {
      const c = countOf(r.facets.difficulty, value);
      assert.ok(Math.abs(c - n) <= 0.3 * n, `${value}: ${c} estimated for ${n}`);
    }
    // Every course is active: a value held by every match is estimated at the exact total, never above it.
    assert.equal(countOf(r.facets.is_active, 'true'), COURSES, JSON.stringify(r.facets.is_active));
    for (const buckets of Object.values(r.facets)) for (const b of buckets) assert.ok(b.count <= COURSES, `${b.value}: ${b.count}`);
    assert.equal(r.hits.length, 20);
  });

  test('the same search gives the same estimates on its next page, and its pages do not overlap', async () => {
    const alias = t.config.elasticsearch.alias;
    const first = await searchCourses(t.es, alias, query({ q: 'python' }), undefined, counting);
    const second = await searchCourses(t.es, alias, query({ q: 'python', page: '2' }), undefined, counting);
    assert.deepEqual(second.facets, first.facets);
    assert.equal(second.total, first.total);
    const ids = new Set(first.hits.map((h) => h.id));
    assert.equal(second.hits.length, 20);
    for (const h of second.hits) assert.ok(!ids.has(h.id), `course ${h.id} on both pages`);
  });

  test('at or under the threshold every count is exact', async () => {
    const r = await searchCourses(t.es, t.config.elasticsearch.alias, query({ q: 'rare' }), undefined, counting);
    assert.equal(r.total, COURSES / 10);
    assert.deepEqual(r.estimatedFacets, []);
    for (const [value, n] of truth.rareByDifficulty) assert.equal(countOf(r.facets.difficulty, value), n);
  });

  test('a filter that narrows the matches under the threshold makes the other facets exact; its own facet, read over the text matches, stays estimated', async () => {
    // "python" + advanced + video: 1,000 advanced courses, 250 of them video (i % 4 = 2 and i % 20 in 10–14).
    const r = await searchCourses(t.es, t.config.elasticsearch.alias, query({ q: 'python', difficulty: 'advanced', learning_mode: 'video' }), undefined, counting);
    const expected = Array.from({ length: COURSES }, (_, i) => docOf(i)).filter((d) => d.difficulty === 'advanced' && d.learning_mode === 'video').length;
    assert.equal(r.total, expected);
    assert.deepEqual([...r.estimatedFacets].sort(), ['difficulty', 'learning_mode']);
    assert.equal(countOf(r.facets.is_active, 'true'), expected, 'a facet without a filter of its own counts the matches exactly');
  });

  test('the course list marks estimated counts with ≈ and says why, in French; the JSON answer names them', async () => {
    const s = new HttpSession(() => base);
    await s.signIn('admin@example.com', PASSWORD, '/admin-dashboard/courses/');
    const html = await (await s.fetch('/admin-dashboard/courses/?q=python', { headers: { 'Accept-Language': 'fr' } })).text();
    assert.match(html, /\(≈ [\d\s\u202f\u00a0]+\)/);
    assert.match(html, /estimés sur un échantillon aléatoire d’environ 800 cours correspondants/);
    assert.match(html, /4[\s\u202f\u00a0]000 cours/);
    const exact = await (await s.fetch('/admin-dashboard/courses/?q=rare', { headers: { 'Accept-Language': 'fr' } })).text();
    assert.ok(!exact.includes('≈'), 'exact counts carry no ≈');
    assert.ok(!exact.includes('échantillon'));
    const json = (await (await s.fetch('/admin-dashboard/courses/?q=python', { headers: { Accept: 'application/json' } })).json()) as { total: number; estimatedFacets: string[] };
    assert.equal(json.total, COURSES);
    assert.ok(json.estimatedFacets.includes('difficulty'));
  });
});
