// Reads of the course index for the admin's course list: full-text search (French and English), filters,
// facet counts, safe highlights, sorting, pagination; the completion suggester; the ids of every match.
import type { estypes, TransportRequestOptions } from '@elastic/elasticsearch';
import type { SearchClient } from './client';
import {
  MAX_WINDOW,
  type CourseFilters,
  type CourseHit,
  type CourseQuery,
  type CourseSearchResult,
  type FacetBucket,
} from '../courses/filters';

// Highlight fragments are course text, i.e. user input. Elasticsearch marks matches with two private-use
// characters (not control characters: the highlighter trims those at a fragment's ends); the fragment is
// HTML-escaped first, then the marks become <mark>: the text can at worst add a <mark>, never another tag.
const PRE = '\uE000';
const POST = '\uE001';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function safeHighlight(fragment: string): string {
  return escapeHtml(fragment)
    .replaceAll(PRE, '<mark>')
    .replaceAll(POST, '</mark>');
}

/** Searched fields with their weights: the folded base field, then each language's stemmed sub-field. */
export const SEARCH_FIELDS = [
  'title^5', 'title.fr^4', 'title.en^4',
  'instructor^3',
  'tags^3',
  'category.text^2',
  'category_name_fr^2', 'category_name_fr.fr^2', 'category_name_en^2', 'category_name_en.en^2',
  'description', 'description.fr', 'description.en',
  'lessons.title^1.5', 'lessons.title.fr^1.5', 'lessons.title.en^1.5',
  'lessons.content', 'lessons.content.fr', 'lessons.content.en',
];

export function textQuery(q: string): estypes.QueryDslQueryContainer {
  if (q.trim() === '') return { match_all: {} };
  return {
    bool: {
      should: [
        // Every word somewhere in the course (across fields of the same analyzer), stemmed or folded.
        { multi_match: { query: q, type: 'cross_fields', fields: SEARCH_FIELDS, operator: 'and' } },
        // A few typed letters of a title word still find it.
        { match: { 'title.autocomplete': { query: q, operator: 'and', boost: 0.5 } } },
        // The exact phrase ranks first.
        { multi_match: { query: q, type: 'phrase', fields: ['title^3', 'description'], boost: 2 } },
      ],
      minimum_should_match: 1,
    },
  };
}

type FacetName = keyof CourseSearchResult['facets'];
/** The aggregation that counts every match (a name no facet has). */
const TOTAL_AGG = 'total_matching';
type TermsBuckets = { buckets?: { key: string | number; key_as_string?: string; doc_count: number }[] };
const FACET_FIELDS: Record<FacetName, string> = {
  category: 'category',
  // One bucket per taxonomy category (issue 14), whatever the language of the values it was matched from.
  category_id: 'category_id',
  difficulty: 'difficulty',
  learning_mode: 'learning_mode',
  is_free: 'is_free',
  is_active: 'is_active',
};

/** One filter clause per facet (and the price range), so each facet can be counted without its own filter. */
function filterClauses(f: CourseFilters): { facet: FacetName | 'price'; clause: estypes.QueryDslQueryContainer }[] {
  const out: { facet: FacetName | 'price'; clause: estypes.QueryDslQueryContainer }[] = [];
  if (f.category.length) out.push({ facet: 'category', clause: { terms: { category: f.category } } });
  if (f.category_id?.length) out.push({ facet: 'category_id', clause: { terms: { category_id: f.category_id } } });
  if (f.difficulty.length) out.push({ facet: 'difficulty', clause: { terms: { difficulty: f.difficulty } } });
  if (f.learning_mode.length) out.push({ facet: 'learning_mode', clause: { terms: { learning_mode: f.learning_mode } } });
  if (f.is_free !== null) out.push({ facet: 'is_free', clause: { term: { is_free: f.is_free } } });
  if (f.is_active !== null) out.push({ facet: 'is_active', clause: { term: { is_active: f.is_active } } });
  if (f.price_min !== null || f.price_max !== null) {
    const range: estypes.QueryDslNumberRangeQuery = {};
    if (f.price_min !== null) range.gte = f.price_min;
    if (f.price_max !== null) range.lte = f.price_max;
    out.push({ facet: 'price', clause: { range: { price: range } } });
  }
  return out;
}

/** The whole query (text + every filter), for "every course matching" and counts. */
export function matchingQuery(f: CourseFilters): estypes.QueryDslQueryContainer {
  return { bool: { must: [textQuery(f.q)], filter: filterClauses(f).map((c) => c.clause) } };
}

function sortOf(q: CourseQuery): estypes.Sort {
  const tie = { id: { order: 'asc' as const } };
  switch (q.sort) {
    case 'title':
      return [{ 'title.sort': { order: 'asc' } }, tie];
    case 'price_asc':
      return [{ price: { order: 'asc' } }, tie];
    case 'price_desc':
      return [{ price: { order: 'desc' } }, tie];
    case 'newest':
      return [{ created_at: { order: 'desc' } }, tie];
    case 'quality':
      return [{ quality_score: { order: 'desc' } }, tie];
    default:
      // Without a query every score is equal: newest first reads better than random.
      return q.q ? ['_score', tie] : [{ created_at: { order: 'desc' } }, tie];
  }
}

/** The stored fields a hit shows: a CourseHit before its highlights. */
type SourceDoc = Omit<CourseHit, 'highlight'>;

const SOURCE_FIELDS = ['id', 'title', 'category', 'instructor', 'difficulty', 'learning_mode', 'price', 'is_free', 'is_active', 'quality_score', 'tags', 'created_at'];

/**
 * One page of the course list: `total` (every match, exact), the page's `hits` with safe highlights, the
 * `facets` (each counted with every *other* filter applied), `tookMs` (wall time in ms). `options`: per-request
 * transport options (a short `requestTimeout` for the admin's pages), applied to both requests below. Throws
 * the client's error (ResponseError, TimeoutError, ConnectionError) when either request fails: the caller
 * (withFallback in src/courses/search.ts) answers from PostgreSQL.
 */
export async function searchCourses(es: SearchClient, index: string, q: CourseQuery, options?: TransportRequestOptions): Promise<CourseSearchResult> {
  const started = performance.now();
  const clauses = filterClauses(q);
  const aggs: Record<string, estypes.AggregationsAggregationContainer> = {};
  // A facet without a filter of its own counts under every filter, i.e. within the matches: those facets are
  // computed under the total's filter aggregation (one filter pass for them all, not one each).
  const unfiltered: Record<string, estypes.AggregationsAggregationContainer> = {};
  for (const [name, field] of Object.entries(FACET_FIELDS) as [FacetName, string][]) {
    // A facet counts what each of its values would give with every *other* filter applied (the page's
    // post_filter has them all), so ticking "video" still shows how many "text" courses there are.
    if (!clauses.some((c) => c.facet === name)) {
      unfiltered[name] = { terms: { field, size: 50 } };
      continue;
    }
    const others = clauses.filter((c) => c.facet !== name).map((c) => c.clause);
    aggs[name] = { filter: { bool: { filter: others } }, aggs: { values: { terms: { field, size: 50 } } } };
  }
  // The exact total: the text query's matches that pass every filter, what track_total_hits: true counted.
  aggs[TOTAL_AGG] = { filter: { bool: { filter: clauses.map((c) => c.clause) } }, aggs: unfiltered };
  // Two requests sent together instead of one that scored the page, counted every hit and computed the facets.
  // Measured on 1,000,000 courses, a broad query (512k matches): the single request took 1,797 ms; the top 20
  // with every hit counted 955 ms, without counting 133 ms (Elasticsearch skips documents that cannot enter the
  // page); the facets and the total alone (size 0, nothing scored) ~1.16 s, but 8–40 ms from the shard request
  // cache, which keeps size-0 requests until the next refresh: the same filters asked again (the next page,
  // another sort, another admin) cost nothing. A query not asked before still costs both requests (about what the
  // single one cost: W4's mix of mostly new queries measured the same p95 either way). Two parallel searches rather than one _msearch: each fails as a
  // plain search does (an _msearch answers 200 with per-search errors to translate), under the same timeout.
  const [page, counts] = await Promise.all([
    es.search<SourceDoc>({
      index,
      query: textQuery(q.q),
      post_filter: { bool: { filter: clauses.map((c) => c.clause) } },
      sort: sortOf(q),
      from: (q.page - 1) * q.perPage,
      size: q.perPage,
      track_total_hits: false,
      _source: SOURCE_FIELDS,
      highlight: q.q
        ? {
            pre_tags: [PRE],
            post_tags: [POST],
            encoder: 'default',
            number_of_fragments: 2,
            fragment_size: 120,
            require_field_match: false,
            // Highlighting re-analyses each highlighted field of every hit. Titles (short, what a reader scans)
            // keep their stemmed copies; the long texts are highlighted on their folded field only (word forms as
            // typed, accents and case aside): their stemmed copies doubled that work for the same words. A course
            // found through a stem alone ("recette" for "Recettes de saison") is still found; a title marks the
            // word, a description or lesson does not.
            fields: {
              title: { number_of_fragments: 0 },
              'title.fr': { number_of_fragments: 0 },
              'title.en': { number_of_fragments: 0 },
              description: {},
              instructor: { number_of_fragments: 0 },
              'lessons.title': {},
              'lessons.content': {},
            },
          }
        : undefined,
    }, options),
    es.search({
      index,
      query: textQuery(q.q),
      aggs,
      size: 0,
      // The aggregations count every match; the hit count itself is not needed (TOTAL_AGG is exact).
      track_total_hits: false,
      request_cache: true,
    }, options),
  ]);
  const total = (counts.aggregations?.[TOTAL_AGG] as estypes.AggregationsFilterAggregate | undefined)?.doc_count ?? 0;
  const hits: CourseHit[] = page.hits.hits.map((h) => {
    const s = h._source!;
    return {
      id: s.id,
      title: s.title,
      category: s.category,
      instructor: s.instructor,
      difficulty: s.difficulty,
      learning_mode: s.learning_mode,
      price: s.price,
      is_free: s.is_free,
      is_active: s.is_active,
      quality_score: s.quality_score,
      tags: s.tags,
      created_at: s.created_at,
      highlight: mergeHighlights(h.highlight ?? {}),
    };
  });
  const facets = {} as CourseSearchResult['facets'];
  for (const name of Object.keys(FACET_FIELDS) as FacetName[]) {
    const own = counts.aggregations?.[name] as { values?: TermsBuckets } | undefined;
    const shared = (counts.aggregations?.[TOTAL_AGG] as Record<string, unknown> | undefined)?.[name] as TermsBuckets | undefined;
    facets[name] = ((own?.values ?? shared)?.buckets ?? []).map(
      (b): FacetBucket => ({ value: b.key_as_string ?? String(b.key), count: b.doc_count }),
    );
  }
  return { total, hits, facets, tookMs: Math.round(performance.now() - started), backend: 'elasticsearch' };
}

/** Sub-fields (title.fr, title.en) highlight the same text: one list per base field, without duplicates. */
function mergeHighlights(h: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [field, fragments] of Object.entries(h)) {
    const base = field.replace(/\.(fr|en)$/, '');
    const list = (out[base] ??= []);
    for (const f of fragments) {
      const html = safeHighlight(f);
      if (!list.includes(html) && list.length < 3) list.push(html);
    }
  }
  return out;
}

export interface Suggestion {
  text: string;
  courseId: number;
  title: string;
}

/** Autocomplete: the completion suggester over titles, instructors and tags, folded (accents ignored). */
export async function suggestCourses(es: SearchClient, index: string, prefix: string, size = 8, options?: TransportRequestOptions): Promise<Suggestion[]> {
  const p = prefix.trim().slice(0, 100);
  if (p === '') return [];
  const res = await es.search<{ id: number; title: string }>({
    index,
    size: 0,
    suggest: { courses: { prefix: p, completion: { field: 'suggest', size, skip_duplicates: true } } },
    _source: ['id', 'title'],
  }, options);
  const entries = (res.suggest?.courses ?? []) as estypes.SearchCompletionSuggest<{ id: number; title: string }>[];
  const out: Suggestion[] = [];
  for (const entry of entries) {
    for (const o of Array.isArray(entry.options) ? entry.options : [entry.options]) {
      const src = o._source;
      if (!src) continue;
      out.push({ text: o.text, courseId: src.id, title: src.title });
    }
  }
  return out;
}

/** The ids of every course matching the filters, in id order, a page at a time (search_after on id). */
export async function* matchingIds(es: SearchClient, index: string, f: CourseFilters, pageSize = 1000): AsyncGenerator<number[]> {
  let after: estypes.SortResults | undefined;
  for (;;) {
    const res = await es.search<{ id: number }>({
      index,
      query: matchingQuery(f),
      sort: [{ id: { order: 'asc' } }],
      size: pageSize,
      _source: false,
      docvalue_fields: [],
      ...(after ? { search_after: after } : {}),
    });
    const hits = res.hits.hits;
    if (hits.length === 0) return;
    yield hits.map((h) => Number(h._id));
    after = hits[hits.length - 1]!.sort;
    if (hits.length < pageSize) return;
  }
}

export { MAX_WINDOW };
