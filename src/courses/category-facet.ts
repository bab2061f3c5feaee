// The course list's category facet (issue 14) counts courses by taxonomy category id; the page shows each
// category's name in the reader's language, so a catalogue mixing "Data" and "Données" has one facet line.
import type { Sql } from '../db/client';
import { categoryNames } from '../db/categories';
import type { CourseSearchResult } from './filters';

/**
 * Puts the category's name in the reader's language (`fr`: French name, else English) on each bucket of the
 * category facet (`label`), in place. A bucket whose category no longer exists keeps its id as label.
 */
export async function labelCategoryFacet(sql: Sql, result: Pick<CourseSearchResult, 'facets'>, language: string): Promise<void> {
  const buckets = result.facets.category_id;
  const ids = buckets.map((b) => Number(b.value)).filter((n) => Number.isInteger(n) && n > 0);
  const names = await categoryNames(sql, ids);
  for (const b of buckets) {
    const n = names.get(Number(b.value));
    b.label = n ? (language === 'fr' ? n.nameFr : n.nameEn) : b.value;
  }
}
