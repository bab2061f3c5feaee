// Which courses a bulk action or an export is about: the ticked ids, or every course matching the list's
// filters (resolved through Elasticsearch, as the admin saw them, or through PostgreSQL when it is disabled).
import type { Sql } from '../db/client';
import type { SearchClient } from '../search/client';
import { matchingIds } from '../search/queries';
import { addToSelection, coursesByIds, exportPage, selectMatchingPg, type CourseRow } from '../db/course-queries';
import type { CourseFilters } from './filters';

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

/** The selected courses, a page at a time in id order, for an export. */
export async function* selectedCourses(deps: SelectionDeps, sel: Selection, pageSize = 500): AsyncGenerator<CourseRow[]> {
  if ('ids' in sel) {
    const ids = [...new Set(sel.ids)].sort((a, b) => a - b);
    for (let i = 0; i < ids.length; i += pageSize) yield coursesByIds(deps.sql, ids.slice(i, i + pageSize));
    return;
  }
  if (deps.es) {
    for await (const ids of matchingIds(deps.es, deps.alias, sel.filters, pageSize)) yield coursesByIds(deps.sql, ids);
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
