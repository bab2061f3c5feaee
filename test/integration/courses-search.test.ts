// The course list's search on real Elasticsearch and its PostgreSQL fallback: French and English text,
// accents, stemming, lessons, filters, facets, highlights that cannot inject HTML, suggestions, the search log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/env';
import { course, importJson, query } from './courses-helpers';
import type { CourseFilters } from '../../src/courses/filters';
import { matchingQuery, MultiSearchItemError, searchCourses, suggestCourses, textMatchQuery, textQuery } from '../../src/search/queries';
import { searchCoursesPg, suggestTitlesPg } from '../../src/db/course-queries';
import { runCourseSearch } from '../../src/courses/search';
import { topQueries, zeroResultQueries, searchesPerDay } from '../../src/db/search-log';

let t: TestEnv;

const catalogue = [
  course('Python pour débutants', { description: 'Les bases de la programmation.', difficulty: 'débutant', lessons: ['Variables', 'Boucles'], tags: ['python'], external_id: 'py-fr' }),
  course('Anglais Debutant', { description: 'Premiers pas en anglais.', category: 'Langues', instructor: 'Olivia Martin', learning_mode: 'vidéo', tags: ['anglais'], external_id: 'en-1' }),
  course('Cours de cuisine française', { description: 'Recettes classiques.', category: 'Cuisine', instructor: 'Paul Bocuse', learning_mode: 'pratique', price: 49, is_free: false, difficulty: 'intermediate', tags: ['cuisine'], external_id: 'cook' }),
  course('Running Docker containers', {
    description: 'Build and run images <b>safely</b>.',
    category: 'DevOps',
    instructor: 'Sarah Johnson',
    difficulty: 'advanced',
    learning_mode: 'video',
    price: 99,
    is_free: false,
    lessons: [{ title: 'Kubernetes orchestration', content: 'Pods and deployments', order: 1, video_url: null }],
    tags: ['docker'],
    external_id: 'docker',
  }),
  course('Gestion de projet', { description: 'Scrum & Kanban, si a<b alors <img src=x onerror=alert(1)> "rétrospective"', category: 'Management', price: 20, is_free: false, external_id: 'pm', tags: ['agile'] }),
];

before(async () => {
  t = await createTestEnv('coursessearch');
  await t.startWorker();
  const summary = await importJson(t, catalogue);
  assert.equal(summary.counts.created, catalogue.length, JSON.stringify(summary));
});

after(async () => {
  await t?.close();
});

async function titles(params: Record<string, string | string[]>): Promise<string[]> {
  const r = await searchCourses(t.es, t.config.elasticsearch.alias, query(params));
  return r.hits.map((h) => h.title).sort();
}

async function pgTitles(params: Record<string, string | string[]>): Promise<string[]> {
  const r = await searchCoursesPg(t.sql, query(params));
  return r.hits.map((h) => h.title).sort();
}

describe('Elasticsearch search', () => {
  test('"débutant" and "debutant" find both spellings', async () => {
    const expected = ['Anglais Debutant', 'Python pour débutants'];
    assert.deepEqual(await titles({ q: 'débutant' }), expected);
    assert.deepEqual(await titles({ q: 'debutant' }), expected);
    assert.deepEqual(await titles({ q: 'DÉBUTANT' }), expected);
  });

  test('French stemming: "cours" finds "Cours de cuisine", "recette" finds "Recettes"', async () => {
    assert.deepEqual(await titles({ q: 'cours' }), ['Cours de cuisine française']);
    assert.deepEqual(await titles({ q: 'recette' }), ['Cours de cuisine française']);
  });

  test('English stemming, instructors, tags and lessons are searched', async () => {
    assert.deepEqual(await titles({ q: 'container' }), ['Running Docker containers']);
    assert.deepEqual(await titles({ q: 'Bocuse' }), ['Cours de cuisine française']);
    assert.deepEqual(await titles({ q: 'kubernetes' }), ['Running Docker containers'], 'a lesson title');
    assert.deepEqual(await titles({ q: 'deployments' }), ['Running Docker containers'], 'a lesson content');
    assert.deepEqual(await titles({ q: 'anglais' }), ['Anglais Debutant']);
  });

  test('the counts and facets read the same courses as the scored page: the match set leaves out only the exact-phrase clause', async () => {
    const alias = t.config.elasticsearch.alias;
    // Phrases in a title, in a description, across both, words out of order, a stem, a prefix, a lesson: whatever
    // the words, the courses the page can show are the ones counted.
    for (const q of ['gestion de projet', 'projet gestion', 'cuisine française', 'recettes classiques', 'premiers pas', 'docker images', 'cours', 'pyth', 'pods', 'kanban scrum', 'nothing like this']) {
      const [scored, matched] = await Promise.all([
        t.es.search({ index: alias, query: textQuery(q), size: 100, _source: false }),
        t.es.search({ index: alias, query: textMatchQuery(q), size: 100, _source: false }),
      ]);
      const ids = (r: typeof scored) => r.hits.hits.map((h) => h._id).sort();
      assert.deepEqual(ids(matched), ids(scored), q);
    }
    assert.equal((await t.es.count({ index: alias, query: textMatchQuery('gestion de projet') })).count, 1);
    assert.deepEqual(textMatchQuery('  '), { match_all: {} });
  });

  test('filters: category, difficulty, learning mode, free, price range', async () => {
    assert.deepEqual(await titles({ category: 'DevOps' }), ['Running Docker containers']);
    assert.deepEqual(await titles({ difficulty: 'advanced' }), ['Running Docker containers']);
    assert.deepEqual(await titles({ learning_mode: 'practice' }), ['Cours de cuisine française']);
    assert.deepEqual(await titles({ is_free: 'true' }), ['Anglais Debutant', 'Python pour débutants']);
    assert.deepEqual(await titles({ price_min: '30', price_max: '60' }), ['Cours de cuisine française']);
    assert.deepEqual(await titles({ q: 'débutant', category: 'Langues' }), ['Anglais Debutant']);
  });

  test('facet counts, each facet ignoring its own filter', async () => {
    const r = await searchCourses(t.es, t.config.elasticsearch.alias, query({ is_free: 'false' }));
    assert.equal(r.total, 3);
    const free = Object.fromEntries(r.facets.is_free.map((b) => [b.value, b.count]));
    assert.deepEqual(free, { true: 2, false: 3 });
    const cats = Object.fromEntries(r.facets.category.map((b) => [b.value, b.count]));
    assert.deepEqual(cats, { Cuisine: 1, DevOps: 1, Management: 1 });
  });

  test('the total and every facet count are what Elasticsearch counts for the same filters', async () => {
    // The page and the counts are two requests (issue 17): the total and the facets must still be exact.
    const alias = t.config.elasticsearch.alias;
    // A facet is counted without its own filter: these remove it from the filters.
    const without: Record<string, (f: CourseFilters) => CourseFilters> = {
      category: (f) => ({ ...f, category: [] }),
      category_id: (f) => ({ ...f, category_id: [] }),
      difficulty: (f) => ({ ...f, difficulty: [] }),
      learning_mode: (f) => ({ ...f, learning_mode: [] }),
      is_free: (f) => ({ ...f, is_free: null }),
      is_active: (f) => ({ ...f, is_active: null }),
    };
    const cases: Record<string, string | string[]>[] = [
      { is_free: 'false', category: ['Cuisine', 'DevOps', 'Langues'] },
      { q: 'débutant', is_free: 'true', difficulty: ['beginner', 'advanced'] },
    ];
    for (const params of cases) {
      const q = query(params);
      const r = await searchCourses(t.es, alias, { ...q, perPage: 1 });
      const total = (await t.es.count({ index: alias, query: matchingQuery(q) })).count;
      assert.ok(total > 0, JSON.stringify(params));
      assert.equal(r.total, total, JSON.stringify(params));
      assert.equal(r.hits.length, 1, 'the page is one hit, the total counts them all');
      assert.deepEqual(Object.keys(r.facets).sort(), Object.keys(without).sort());
      for (const [facet, buckets] of Object.entries(r.facets)) {
        const others = matchingQuery(without[facet]!(q));
        for (const b of buckets) {
          const value = facet === 'is_free' || facet === 'is_active' ? b.value === 'true' : b.value;
          const { count } = await t.es.count({ index: alias, query: { bool: { must: [others], filter: [{ term: { [facet]: value } }] } } });
          assert.equal(b.count, count, `${JSON.stringify(params)}: ${facet} = ${b.value}`);
        }
        // No value is missing: a course has one value of each (a taxonomy category id only once categorised).
        const all = (await t.es.count({ index: alias, query: others })).count;
        const counted = buckets.reduce((n, b) => n + b.count, 0);
        if (facet === 'category_id') assert.ok(counted <= all, facet);
        else assert.equal(counted, all, `${JSON.stringify(params)}: every ${facet} value`);
      }
    }
  });

  test('highlights mark the match and escape the course text', async () => {
    const r = await searchCourses(t.es, t.config.elasticsearch.alias, query({ q: 'rétrospective' }));
    assert.equal(r.hits.length, 1);
    const html = Object.values(r.hits[0]!.highlight).flat().join(' ');
    assert.match(html, /<mark>rétrospective<\/mark>/);
    assert.ok(html.includes('&amp;'), `the text is escaped: ${html}`);
    assert.ok(!html.includes('<img') && !html.includes('"'), `no raw tag or quote in ${html}`);
    assert.ok(!/<(?!\/?mark>)/.test(html), `only <mark> tags in ${html}`);
  });

  test('sorting by price and pagination', async () => {
    const r = await searchCourses(t.es, t.config.elasticsearch.alias, query({ sort: 'price_desc', per_page: '10' }));
    assert.deepEqual(r.hits.map((h) => h.price), [99, 49, 20, 0, 0]);
    const p2 = await searchCourses(t.es, t.config.elasticsearch.alias, { ...query({ sort: 'title' }), perPage: 2, page: 2 });
    assert.equal(p2.total, 5);
    assert.deepEqual(p2.hits.map((h) => h.title), ['Gestion de projet', 'Python pour débutants']);
  });

  test('suggestions complete titles, instructors and tags as the admin types, accents ignored', async () => {
    const s = await suggestCourses(t.es, t.config.elasticsearch.alias, 'pyth');
    assert.ok(s.some((x) => x.title === 'Python pour débutants'), JSON.stringify(s));
    const s2 = await suggestCourses(t.es, t.config.elasticsearch.alias, 'cours de cui');
    assert.deepEqual(s2.map((x) => x.title), ['Cours de cuisine française']);
    const s3 = await suggestCourses(t.es, t.config.elasticsearch.alias, 'sarah');
    assert.deepEqual(s3.map((x) => x.title), ['Running Docker containers']);
  });
});

describe('PostgreSQL fallback', () => {
  test('the same text search: accents, stemming, lessons', async () => {
    assert.deepEqual(await pgTitles({ q: 'debutant' }), ['Anglais Debutant', 'Python pour débutants']);
    assert.deepEqual(await pgTitles({ q: 'cours' }), ['Cours de cuisine française']);
    assert.deepEqual(await pgTitles({ q: 'kubernetes' }), ['Running Docker containers']);
    assert.deepEqual(await pgTitles({ q: 'containers' }), ['Running Docker containers']);
  });

  test('suggestions from titles, accents ignored, prefixes first', async () => {
    const s = await suggestTitlesPg(t.sql, 'debut', 5);
    assert.deepEqual(s.map((x) => x.title), ['Anglais Debutant', 'Python pour débutants']);
    // A title starting with the text comes before one that only contains it.
    assert.deepEqual((await suggestTitlesPg(t.sql, 'r', 2)).map((x) => x.title), ['Running Docker containers', 'Cours de cuisine française']);
  });

  test('the same filters and facets', async () => {
    assert.deepEqual(await pgTitles({ price_min: '30', price_max: '60' }), ['Cours de cuisine française']);
    assert.deepEqual(await pgTitles({ q: 'débutant', category: 'Langues' }), ['Anglais Debutant']);
    const r = await searchCoursesPg(t.sql, query({ is_free: 'false' }));
    assert.equal(r.total, 3);
    assert.deepEqual(Object.fromEntries(r.facets.is_free.map((b) => [b.value, b.count])), { true: 2, false: 3 });
  });
});

describe('the search service', () => {
  test('uses PostgreSQL when Elasticsearch is disabled, and records every search', async () => {
    const es = await runCourseSearch({ sql: t.sql, es: t.es, alias: t.config.elasticsearch.alias }, query({ q: 'Debutant' }), 'admin@example.com');
    assert.equal(es.backend, 'elasticsearch');
    assert.equal(es.total, 2);
    const pg = await runCourseSearch({ sql: t.sql, es: null, alias: t.config.elasticsearch.alias }, query({ q: 'debutant ' }), 'admin@example.com');
    assert.equal(pg.backend, 'postgresql');
    assert.equal(pg.total, 2);
    await runCourseSearch({ sql: t.sql, es: t.es, alias: t.config.elasticsearch.alias }, query({ q: 'blockchain' }), null);

    const top = await topQueries(t.sql, 14, 10);
    assert.deepEqual(top.find((q) => q.query === 'debutant')?.searches, 2);
    const zero = await zeroResultQueries(t.sql, 14, 10);
    assert.deepEqual(zero.map((q) => q.query), ['blockchain']);
    const days = await searchesPerDay(t.sql, 14);
    assert.equal(days.length, 14);
    assert.equal(days.at(-1)?.searches, 3);
  });

  test('a facet count Elasticsearch refuses inside the _msearch fails the search, and the list answers from PostgreSQL', async () => {
    // An index whose `difficulty` is text: the page and the total are found, the facets' terms aggregation is refused
    // (no doc values on a text field) inside an _msearch that answers 200.
    const index = `${t.config.elasticsearch.alias}_broken_facets`;
    await t.es.indices.create({ index, mappings: { properties: { id: { type: 'integer' }, title: { type: 'text' }, difficulty: { type: 'text' } } } });
    try {
      await t.es.index({ index, id: '1', document: { id: 1, title: 'Python débutant', difficulty: 'beginner' }, refresh: true });
      await assert.rejects(searchCourses(t.es, index, query({ q: 'python' })), (err: unknown) => {
        assert.ok(err instanceof MultiSearchItemError, String(err));
        assert.equal(err.type, 'search_phase_execution_exception');
        assert.match(err.message, /illegal_argument_exception: .*difficulty/);
        assert.equal(err.status, 400);
        return true;
      });
      const r = await runCourseSearch({ sql: t.sql, es: t.es, alias: index }, query({ q: 'Debutant' }), null);
      assert.equal(r.backend, 'postgresql');
      assert.equal(r.total, 2);
      assert.match(r.notice ?? '', /./);
    } finally {
      await t.es.indices.delete({ index });
    }
  });
});
