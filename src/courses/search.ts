// The course list's search, its count and its autocomplete: Elasticsearch when enabled and answering,
// PostgreSQL otherwise (same filters), and every search recorded for the analytics page. This is the one
// place that falls back: each Elasticsearch request has a short timeout (ELASTICSEARCH_SEARCH_TIMEOUT) and a
// circuit breaker skips Elasticsearch for a cool-down after consecutive failures, so a frozen cluster costs
// a user at most one short wait. A failure to record never fails the search.
import type { Sql } from '../db/client';
import type { SearchClient } from '../search/client';
import { matchingQuery, searchCourses, suggestCourses, type Suggestion } from '../search/queries';
import { CircuitBreaker } from '../search/breaker';
import { searchCoursesPg, suggestTitlesPg } from '../db/course-queries';
import { recordSearch } from '../db/search-log';
import { activeFilters, DEFAULT_FACET_COUNTING, type CourseFilters, type CourseQuery, type CourseSearchResult, type FacetCounting } from './filters';
import { logger as rootLogger, type Logger } from '../logger';

export interface SearchDeps {
  sql: Sql;
  /** null: Elasticsearch is disabled. */
  es: SearchClient | null;
  alias: string;
  /** Per-request timeout in milliseconds (default 1500). */
  timeoutMs?: number;
  /** Consecutive failures that open the circuit (default 3), and its cool-down in milliseconds (default 30 s). */
  breaker?: { failures: number; cooldownMs: number };
  /** Where facet counts become estimates (default DEFAULT_FACET_COUNTING). */
  facetCounting?: FacetCounting;
  logger?: Logger;
}

/** Why PostgreSQL answered: Elasticsearch disabled, failing (an error or the timeout), or skipped by the breaker. */
export type Fallback = 'disabled' | 'failed' | 'circuit_open';

export const FALLBACK_NOTICES: Record<Fallback, string> = {
  disabled: 'Elasticsearch is disabled: searching PostgreSQL (no highlights).',
  failed: 'Elasticsearch is not answering: these results come from PostgreSQL.',
  circuit_open: 'Elasticsearch is not answering: these results come from PostgreSQL.',
};

/** Added to the notice when the catalogue was too large to scan descriptions and lessons in time. */
export const TITLES_ONLY_NOTICE = 'Only titles were searched: descriptions and lessons take too long to search without Elasticsearch.';

// One breaker per Elasticsearch client (one per process): every page of the process shares what it learnt.
const breakers = new WeakMap<SearchClient, CircuitBreaker>();

function breakerOf(deps: SearchDeps, es: SearchClient): CircuitBreaker {
  let b = breakers.get(es);
  if (!b) {
    b = new CircuitBreaker(deps.breaker?.failures ?? 3, deps.breaker?.cooldownMs ?? 30_000);
    breakers.set(es, b);
  }
  return b;
}

/**
 * Runs `fromEs` under the timeout and the breaker, or `fromPg` when Elasticsearch is disabled, failed or
 * skipped. Returns the value and why PostgreSQL answered (null when Elasticsearch did). Throws what `fromPg`
 * throws. The one fallback of the course search: the list, its count, the autocomplete (here), the REST and
 * GraphQL callers (through these functions) and an export's selection (selection.ts) all go through it.
 */
export async function withFallback<T>(
  deps: SearchDeps,
  what: string,
  fromEs: (es: SearchClient, options: { requestTimeout: number; maxRetries: number }) => Promise<T>,
  fromPg: () => Promise<T>,
): Promise<{ value: T; fallback: Fallback | null }> {
  const es = deps.es;
  if (!es) return { value: await fromPg(), fallback: 'disabled' };
  const breaker = breakerOf(deps, es);
  if (!breaker.allow()) return { value: await fromPg(), fallback: 'circuit_open' };
  try {
    const value = await fromEs(es, { requestTimeout: deps.timeoutMs ?? 1500, maxRetries: 0 });
    breaker.success();
    return { value, fallback: null };
  } catch (err) {
    breaker.failure();
    (deps.logger ?? rootLogger).warn({ err, breaker: breaker.state }, `Elasticsearch ${what} failed; answering from PostgreSQL`);
    return { value: await fromPg(), fallback: 'failed' };
  }
}

/**
 * The SearchDeps of a process's clients and configuration (routes, GraphQL resolvers, activities): one place
 * reads the timeout and breaker settings, so every caller shares the same breaker (one per client).
 */
export function searchDepsOf(deps: { sql: Sql; es: SearchClient | null; config: Parameters<typeof searchSettings>[0] }, logger?: Logger): SearchDeps {
  return { sql: deps.sql, es: deps.es, ...searchSettings(deps.config), ...(logger ? { logger } : {}) };
}

/** The settings of SearchDeps from the configuration. */
export function searchSettings(config: { elasticsearch: { alias: string; searchTimeoutMs: number; breaker: { failures: number; cooldownSeconds: number }; facetCounting: FacetCounting } }) {
  return {
    alias: config.elasticsearch.alias,
    facetCounting: config.elasticsearch.facetCounting,
    timeoutMs: config.elasticsearch.searchTimeoutMs,
    breaker: { failures: config.elasticsearch.breaker.failures, cooldownMs: config.elasticsearch.breaker.cooldownSeconds * 1000 },
  };
}

/**
 * One page of the course list, recorded in the search log (first pages only). `notice` says when the results
 * come from PostgreSQL, for the page to show.
 */
export async function runCourseSearch(deps: SearchDeps, q: CourseQuery, userId: string | null): Promise<CourseSearchResult & { notice: string | null }> {
  let titlesOnlyAnswer = false;
  const { value: result, fallback } = await withFallback(
    deps,
    'search',
    (es, options) => searchCourses(es, deps.alias, q, options, deps.facetCounting ?? DEFAULT_FACET_COUNTING),
    async () => {
      const started = performance.now();
      const { titlesOnly, ...r } = await searchCoursesPg(deps.sql, q);
      titlesOnlyAnswer = titlesOnly;
      return { ...r, estimatedFacets: [], tookMs: Math.round(performance.now() - started), backend: 'postgresql' as const };
    },
  );
  // Paging through the same search is one search, not several.
  if (q.page === 1) {
    await recordSearch(deps.sql, {
      query: q.q,
      filters: { ...activeFilters(q), sort: q.sort },
      resultCount: result.total,
      tookMs: result.tookMs,
      backend: result.backend,
      userId,
    }).catch((err: unknown) => (deps.logger ?? rootLogger).warn({ err }, 'could not record a search'));
  }
  const notice = fallback ? `${FALLBACK_NOTICES[fallback]}${titlesOnlyAnswer ? ` ${TITLES_ONLY_NOTICE}` : ''}` : null;
  return { ...result, notice };
}

/** How many courses match (for a confirmation), as the list counts them; not a logged search. */
export async function countMatching(deps: SearchDeps, f: CourseFilters): Promise<number> {
  const q: CourseQuery = { ...f, sort: 'relevance', page: 1, perPage: 10 };
  const { value } = await withFallback(
    deps,
    'count',
    // The list's own set (text and every filter, matchingQuery) counted by Elasticsearch: no page, no facets.
    async (es, options) => (await es.count({ index: deps.alias, query: matchingQuery(f) }, options)).count,
    async () => (await searchCoursesPg(deps.sql, q)).total,
  );
  return value;
}

/** Autocomplete: up to `size` suggestions for what the admin typed. */
export async function suggest(deps: SearchDeps, prefix: string, size: number): Promise<Suggestion[]> {
  const { value } = await withFallback(
    deps,
    'autocomplete',
    (es, options) => suggestCourses(es, deps.alias, prefix, size, options),
    () => suggestTitlesPg(deps.sql, prefix, size),
  );
  return value;
}
