// The course list's search: Elasticsearch when enabled, PostgreSQL otherwise (same filters), and every
// search recorded for the analytics page. A failure to record never fails the search.
import type { Sql } from '../db/client';
import type { SearchClient } from '../search/client';
import { searchCourses } from '../search/queries';
import { searchCoursesPg } from '../db/course-queries';
import { recordSearch } from '../db/search-log';
import { activeFilters, type CourseQuery, type CourseSearchResult } from './filters';
import { logger } from '../logger';

export interface SearchDeps {
  sql: Sql;
  es: SearchClient | null;
  alias: string;
}

export async function runCourseSearch(deps: SearchDeps, q: CourseQuery, userId: string | null): Promise<CourseSearchResult> {
  let result: CourseSearchResult;
  if (deps.es) {
    result = await searchCourses(deps.es, deps.alias, q);
  } else {
    const started = performance.now();
    const r = await searchCoursesPg(deps.sql, q);
    result = { ...r, tookMs: Math.round(performance.now() - started), backend: 'postgresql' };
  }
  // Paging through the same search is one search, not several.
  if (q.page === 1) {
    await recordSearch(deps.sql, {
      query: q.q,
      filters: { ...activeFilters(q), sort: q.sort },
      resultCount: result.total,
      tookMs: result.tookMs,
      backend: result.backend,
      userId,
    }).catch((err: unknown) => logger.warn({ err }, 'could not record a search'));
  }
  return result;
}
