// Reads of the course index for the admin's course list: full-text search (French and English), filters,
// facet counts, safe highlights, sorting, pagination; the completion suggester; the ids of every match.
import type { estypes, TransportRequestOptions } from '@elastic/elasticsearch';
import type { SearchClient } from './client';
import {
  DEFAULT_FACET_COUNTING,
  MAX_WINDOW,
  type CourseFilters,
  type CourseHit,
  type CourseQuery,
  type CourseSearchResult,
  type FacetBucket,
  type FacetCounting,
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

/** The clauses that decide which courses a text finds (any one of them matches a course). */
function matchClauses(q: string): estypes.QueryDslQueryContainer[] {
  return [
    // Every word somewhere in the course (across fields of the same analyzer), stemmed or folded.
    { multi_match: { query: q, type: 'cross_fields', fields: SEARCH_FIELDS, operator: 'and' } },
    // A few typed letters of a title word still find it.
    { match: { 'title.autocomplete': { query: q, operator: 'and', boost: 0.5 } } },
  ];
}

export function textQuery(q: string): estypes.QueryDslQueryContainer {
  if (q.trim() === '') return { match_all: {} };
  return {
    bool: {
      should: [
        ...matchClauses(q),
        // The exact phrase ranks first. It finds no course the cross-field clause does not (see textMatchQuery).
        { multi_match: { query: q, type: 'phrase', fields: ['title^3', 'description'], boost: 2 } },
      ],
      minimum_should_match: 1,
    },
  };
}

type FacetName = keyof CourseSearchResult['facets'];
/** The random sample the facets are estimated from, when the matches are too many to read them all. */
const SAMPLE_AGG = 'sample';
const FACET_SAMPLE_SEED = 17;

/**
 * The probability with which each of `total` matching courses enters the facets' sample, or null when they are
 * all counted: at most `exactUpTo` of them, or a sample that would hold half of them or more. Elasticsearch's
 * `random_sampler` aggregation takes a probability below 0.5 (or exactly 1) and scales the counts of what it
 * holds back to the whole
 * (https://www.elastic.co/guide/en/elasticsearch/reference/8.19/search-aggregations-random-sampler-aggregation.html).
 * Rounded to two significant digits, so totals of one search a few courses apart ask for the same sample (and
 * Elasticsearch's request cache answers).
 */
export function facetSamplingProbability(total: number, counting: FacetCounting): number | null {
  if (total <= counting.exactUpTo) return null;
  const p = counting.sampleSize / total;
  const rounded = Number(p.toFixed(1 - Math.floor(Math.log10(p))));
  return rounded >= 0.5 ? null : rounded;
}

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

/**
 * The courses textQuery matches, for searches that count or aggregate them and need no score: its exact-phrase
 * clause is left out, since a phrase found in the title or the description has every one of its words there (same
 * `folded` analyzer), which the cross-field clause already requires. Phrase matching reads positions.
 */
export function textMatchQuery(q: string): estypes.QueryDslQueryContainer {
  if (q.trim() === '') return { match_all: {} };
  return { bool: { should: matchClauses(q), minimum_should_match: 1 } };
}

/** Every course the text and every filter match (no score), for "every course matching" and counts. */
export function matchingQuery(f: CourseFilters): estypes.QueryDslQueryContainer {
  return { bool: { must: [textMatchQuery(f.q)], filter: filterClauses(f).map((c) => c.clause) } };
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
      // Without a query every score is equal: newest first reads better than random. With one, equal scores keep
      // the index's own order (Elasticsearch's default): a tie broken on `id` made Elasticsearch compare every
      // course of the best score instead of skipping them, 100–560 ms instead of 5–40 for a broad query over
      // 1,000,000 courses (where most matches score alike). The order stays the same from one page to the next
      // while the index does not change.
      return q.q ? ['_score'] : [{ created_at: { order: 'desc' } }, tie];
  }
}

/** The stored fields a hit shows: a CourseHit before its highlights. */
type SourceDoc = Omit<CourseHit, 'highlight'>;

const SOURCE_FIELDS = ['id', 'title', 'category', 'instructor', 'difficulty', 'learning_mode', 'price', 'is_free', 'is_active', 'quality_score', 'tags', 'created_at'];

type FacetCounts = Pick<CourseSearchResult, 'total' | 'facets' | 'estimatedFacets'>;

/**
 * The error of one search of an `_msearch` that failed: its HTTP `status`, Elasticsearch's error `type`
 * (`search_phase_execution_exception`, …) and, in the message, the first root cause's type and reason (what went
 * wrong on the shard: `illegal_argument_exception: Fielddata is disabled on [difficulty]…`).
 */
export class MultiSearchItemError extends Error {
  constructor(readonly status: number | undefined, readonly type: string, readonly rootCause: string) {
    super(`Elasticsearch search failed (${type}): ${rootCause}`);
    this.name = 'MultiSearchItemError';
  }
}

/**
 * The bodies run as one `_msearch` over `index`, each kept by the shard request cache until the next refresh (the
 * next page or another sort of the same search costs nothing); answers in the bodies' order. One request instead of
 * one per body: measured on 1,000,000 courses, four searches cost Elasticsearch 1.1 ms of CPU as one `_msearch`
 * against 3.1 ms as four parallel requests, and the client parses one answer. An `_msearch` answers 200 with
 * per-search errors: the first is thrown as a MultiSearchItemError, as a plain search would throw; the client's
 * own errors (TimeoutError, ConnectionError, ResponseError) are thrown as they come.
 */
async function multiSearch(
  es: SearchClient,
  index: string,
  bodies: estypes.MsearchMultisearchBody[],
  options?: TransportRequestOptions,
): Promise<estypes.MsearchMultiSearchItem[]> {
  if (bodies.length === 0) return [];
  const res = await es.msearch({ index, searches: bodies.flatMap((body) => [{ request_cache: true }, body]) }, options);
  return res.responses.map((r) => {
    if ('error' in r) {
      const cause = r.error.root_cause?.[0] ?? r.error;
      throw new MultiSearchItemError(r.status, r.error.type, `${cause.type}: ${cause.reason ?? ''}`);
    }
    return r;
  });
}

/** The body of an aggregation search over `query`: `aggs` counted exactly, or on a random sample drawn with `probability`. */
function aggregationBody(
  query: estypes.QueryDslQueryContainer,
  aggs: Record<string, estypes.AggregationsAggregationContainer>,
  probability: number | null,
): estypes.MsearchMultisearchBody {
  return {
    query,
    // A fixed seed: the same search draws the same sample, so its counts stay put from one page to the next.
    aggs: probability === null ? aggs : { [SAMPLE_AGG]: { random_sampler: { probability, seed: FACET_SAMPLE_SEED }, aggs } },
    size: 0,
    track_total_hits: false,
  };
}

/**
 * The aggregations of an aggregationBody's answer, whose query matched `matches` courses, and the function that
 * turns a count in them into a count over the whole (the identity when counted exactly).
 */
function aggregationsOf(res: estypes.MsearchMultiSearchItem, probability: number | null, matches: number): { aggregations: Record<string, unknown>; scale: (count: number) => number } {
  if (probability === null) return { aggregations: (res.aggregations ?? {}) as Record<string, unknown>, scale: (n) => n };
  const sample = res.aggregations?.[SAMPLE_AGG] as (Record<string, unknown> & { doc_count?: number }) | undefined;
  const sampled = sample?.doc_count ?? 0;
  // Elasticsearch scales the counts inside the sample by 1/probability, so a small sample can estimate more courses
  // than match (76 of 60). The matches are known exactly: each value is given its share of the sample instead (the
  // ratio estimator), which never exceeds them and does not vary with the sample's own size.
  const scale = (scaled: number) => (sampled === 0 ? 0 : Math.min(matches, Math.max(1, Math.round((scaled * probability * matches) / sampled))));
  return { aggregations: sample ?? {}, scale };
}

/** The body of a search that only counts what `query` matches (exactly). */
function countBody(query: estypes.QueryDslQueryContainer): estypes.MsearchMultisearchBody {
  return { query, size: 0, track_total_hits: true };
}

function totalOf(res: estypes.MsearchMultiSearchItem): number {
  const total = res.hits.total;
  return typeof total === 'number' ? total : (total?.value ?? 0);
}

/**
 * The exact total and the facets of a search, each facet counted with every *other* filter applied (ticking
 * "video" still shows how many "text" courses there are). Reading every matching course is what costs (50 ms for
 * 500k matches of 1,000,000, a search's whole budget; 8 ms for 42k), so, by `counting`:
 * - first, in one `_msearch`, the total, and the text's own matches when a facet has a filter of its own (2–10 ms
 *   once Elasticsearch's query cache holds the text query's matches);
 * - then, in a second `_msearch`, the facets without a filter of their own, counted over the matches (text and
 *   every filter), exactly up to `exactUpTo` of them, on a random sample beyond;
 * - and, in the same `_msearch`, a facet with a filter of its own, counted over the text's matches with the other
 *   filters, sampled the same way by the text's match count (what that search reads).
 * `estimatedFacets` names the facets counted on a sample. Throws the client's errors and MultiSearchItemError.
 */
async function facetCounts(
  es: SearchClient,
  index: string,
  q: CourseQuery,
  clauses: ReturnType<typeof filterClauses>,
  counting: FacetCounting,
  options?: TransportRequestOptions,
): Promise<FacetCounts> {
  const names = Object.keys(FACET_FIELDS) as FacetName[];
  const own = names.filter((name) => clauses.some((c) => c.facet === name));
  const shared = names.filter((name) => !own.includes(name));
  const matching = matchingQuery(q);
  const text = textMatchQuery(q.q);
  // Two _msearch requests in sequence: the counts, then the aggregations their sizes call for.
  const [totalRes, textRes] = await multiSearch(es, index, [countBody(matching), ...(own.length ? [countBody(text)] : [])], options);
  const total = totalOf(totalRes!);
  const textMatches = textRes ? totalOf(textRes) : 0;
  const sharedP = facetSamplingProbability(total, counting);
  const ownP = facetSamplingProbability(textMatches, counting);
  // One aggregation search per group of facets: those counted over the matches, those counted over the text.
  const groups = [
    { names: shared, matches: total, probability: sharedP, query: matching, aggs: (n: FacetName): estypes.AggregationsAggregationContainer => ({ terms: { field: FACET_FIELDS[n], size: 50 } }) },
    { names: own, matches: textMatches, probability: ownP, query: text, aggs: (n: FacetName): estypes.AggregationsAggregationContainer => ({
      filter: { bool: { filter: clauses.filter((c) => c.facet !== n).map((c) => c.clause) } },
      aggs: { values: { terms: { field: FACET_FIELDS[n], size: 50 } } },
    }) },
  ].filter((g) => g.names.length > 0);
  const answers = await multiSearch(es, index, groups.map((g) => aggregationBody(g.query, Object.fromEntries(g.names.map((n) => [n, g.aggs(n)])), g.probability)), options);
  const answerOf = new Map(groups.flatMap((g, i) => {
    const answer = aggregationsOf(answers[i]!, g.probability, g.matches);
    return g.names.map((n) => [n, answer] as const);
  }));
  const facets = {} as CourseSearchResult['facets'];
  for (const name of names) {
    // A facet with its own filter sits one level down, under the filter aggregation of the other filters.
    const { aggregations, scale } = answerOf.get(name)!;
    const agg = aggregations[name] as (TermsBuckets & { values?: TermsBuckets }) | undefined;
    const buckets = (agg?.values ?? agg)?.buckets ?? [];
    facets[name] = buckets.map((b): FacetBucket => ({ value: b.key_as_string ?? String(b.key), count: scale(b.doc_count) }));
  }
  const estimatedFacets = groups.filter((g) => g.probability !== null).flatMap((g) => g.names);
  return { total, facets, estimatedFacets };
}

/**
 * One page of the course list: `total` (every match, exact), the page's `hits` with safe highlights, the
 * `facets` (each counted with every *other* filter applied; those in `estimatedFacets` on a random sample as
 * `counting` says, see facetCounts), `tookMs` (wall time in ms). Hits are ranked by score, ties in the index's
 * order (see sortOf). `options`: per-request transport options (a short `requestTimeout` for the admin's pages),
 * applied to every request below. Throws the client's error (ResponseError, TimeoutError, ConnectionError) or a
 * MultiSearchItemError when any request fails: the caller (withFallback in src/courses/search.ts) answers from PostgreSQL.
 */
export async function searchCourses(
  es: SearchClient,
  index: string,
  q: CourseQuery,
  options?: TransportRequestOptions,
  counting: FacetCounting = DEFAULT_FACET_COUNTING,
): Promise<CourseSearchResult> {
  const started = performance.now();
  const clauses = filterClauses(q);
  // Two things go in parallel (measured on 1,000,000 courses, one shard):
  // - The page, scored without counting every hit: Elasticsearch skips the documents that cannot enter it. One
  //   request that scored the page, counted every hit and computed the facets took 1,797 ms for a broad query
  //   (512k matches); the page alone takes 5–20 ms, its highlights included.
  // - The total and the facets (facetCounts), two _msearch requests in sequence. The page stays a request of its
  //   own: it is the longest, and the counts need not wait for it.
  const [page, counts] = await Promise.all([
    es.search<SourceDoc>({
      index,
      query: textQuery(q.q),
      post_filter: { bool: { filter: clauses.map((c) => c.clause) } },
      sort: sortOf(q),
      from: (q.page - 1) * q.perPage,
      size: q.perPage,
      track_total_hits: false,
      // Elasticsearch caches only size-0 searches unless asked: the page's query phase (its 20 ids, found by
      // scoring, 4–9 ms of CPU at 1,000,000 courses) is kept until the next refresh, so the same search again (the
      // list reloaded, the back button, another admin) only fetches and highlights. A refresh (an import) empties it.
      request_cache: true,
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
    facetCounts(es, index, q, clauses, counting, options),
  ]);
  const { total, facets, estimatedFacets } = counts;
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
  return { total, hits, facets, estimatedFacets, tookMs: Math.round(performance.now() - started), backend: 'elasticsearch' };
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
