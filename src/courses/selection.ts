// Which courses a bulk action or an export is about: the ticked ids, or every course matching the list's
// filters (resolved through Elasticsearch, as the admin saw them, or through PostgreSQL when it is disabled).
import type { Sql } from '../db/client';
import type { SearchClient } from '../search/client';
import { matchingIds } from '../search/queries';
import { addToSelection, coursesByIds, exportPage, selectMatchingPg, type CourseRow } from '../db/course-queries';
import type { CourseFilters } from './filters';
import { withFallback, type SearchDeps } from './search';

export type Selection = { ids: number[] } | { filters: CourseFilters };

export interface SelectionDeps {
  sql: Sql;
  es: SearchClient | null;
  alias: string;
}

/** Fills bulk_selections for a bulk action; returns how many courses it holds. */
export async function resolveSelection(deps: SelectionDeps, bulkId: string, sel: Selection): Promise<number> {
  if ('ids' in sel) return addToSelection(deps.sql, bulkId, sel.ids);
  if (!deps.es) return selectMatchingPg(deps.sql, bulkId, sel.filters);
  let n = 0;
  for await (const ids of matchingIds(deps.es, deps.alias, sel.filters)) n += await addToSelection(deps.sql, bulkId, ids);
  return n;
}

/**
 * The selected courses, a page at a time, for an export. Matching courses come from Elasticsearch (as the list
 * showed them) through the search's one fallback (withFallback: disabled, failing before its first page, or
 * skipped by the breaker): then from PostgreSQL with the same filters, in id order. An export only reads, so a
 * selection that differs slightly from Elasticsearch's is better than no file; a bulk action (resolveSelection)
 * changes courses and waits for Elasticsearch instead (its activity retries).
 */
export async function* selectedCourses(deps: SelectionDeps | SearchDeps, sel: Selection, pageSize = 500): AsyncGenerator<CourseRow[]> {
  if ('ids' in sel) {
    const ids = [...new Set(sel.ids)].sort((a, b) => a - b);
    for (let i = 0; i < ids.length; i += pageSize) yield coursesByIds(deps.sql, ids.slice(i, i + pageSize));
    return;
  }
  // The first page decides: once Elasticsearch has answered, the rest of its pages follow (a failure mid-way ends
  // the download with an error rather than a file mixing two sources).
  const { value: fromEs } = await withFallback(
    deps,
    'export selection',
    async (es) => {
      const pages = matchingIds(es, deps.alias, sel.filters, pageSize)[Symbol.asyncIterator]();
      return { pages, first: await pages.next() };
    },
    async () => null,
  );
  if (fromEs) {
    for (let step = fromEs.first; !step.done; step = await fromEs.pages.next()) yield coursesByIds(deps.sql, step.value);
    return;
  }
  let after = 0;
  for (;;) {
    const page = await exportPage(deps.sql, null, sel.filters, after, pageSize);
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]!.id;
  }
}
