// Keeping the search index in step with the taxonomy (issue 14): a course's document holds its category's id and
// names, so renaming or merging a category, or seeding the taxonomy, re-indexes the courses concerned.
import type { Sql } from '../db/client';
import type { SearchClient } from '../search/client';
import type { Logger } from '../logger';
import { documentsByIds, documentsOfCategory, pageOf } from '../db/search-documents';
import { bulkIndexEverywhere, refreshEverywhere } from '../search/indexer';
import { indexPages } from '../search/paged-indexing';
import { writeTargets } from '../search/targets';
import { seedCategoriesFromCourses } from '../db/categories';

export interface CategoryIndexDeps {
  sql: Sql;
  /** null: Elasticsearch is disabled, nothing to do. */
  es: SearchClient | null;
  alias: string;
  /** Documents per `_bulk` request, and requests in flight (ELASTICSEARCH_BULK_SIZE / _CONCURRENCY). */
  bulkSize: number;
  concurrency: number;
}

/**
 * Re-indexes every course of a category (null: of every category) into the alias and a running reindex's new
 * index, then refreshes them so the list shows the change at once. Returns how many documents were indexed.
 * Throws what the Elasticsearch client throws (the caller says the index may be behind).
 */
export async function reindexCategoryCourses(deps: CategoryIndexDeps, categoryId: number | null): Promise<number> {
  if (!deps.es) return 0;
  const targets = await writeTargets(deps.sql, deps.alias);
  const n = await indexPages({
    es: deps.es,
    targets,
    concurrency: deps.concurrency,
    readPage: (after) => pageOf(documentsOfCategory(deps.sql, categoryId, after, deps.bulkSize), deps.bulkSize),
  });
  await refreshEverywhere(deps.es, targets);
  return n;
}

/** Re-indexes some courses (by id, in pages of bulkSize) and refreshes. Returns how many were indexed. */
export async function reindexCourses(deps: CategoryIndexDeps, ids: number[]): Promise<number> {
  if (!deps.es || ids.length === 0) return 0;
  const targets = await writeTargets(deps.sql, deps.alias);
  let n = 0;
  for (let i = 0; i < ids.length; i += deps.bulkSize) {
    n += await bulkIndexEverywhere(deps.es, targets, await documentsByIds(deps.sql, ids.slice(i, i + deps.bulkSize)));
  }
  await refreshEverywhere(deps.es, targets);
  return n;
}

/**
 * At worker start: seeds the taxonomy from the categories the catalogue already has, once (while it is empty:
 * src/db/categories.ts), and re-indexes the courses it categorised. A failure to re-index is logged, not fatal:
 * the worker must start, and a reindex from the admin fixes the index.
 */
export async function seedTaxonomyAtStart(deps: CategoryIndexDeps, log: Logger): Promise<void> {
  const seeded = await seedCategoriesFromCourses(deps.sql);
  if (seeded.categories === 0) return;
  log.info(seeded, 'category taxonomy seeded from the courses');
  try {
    await reindexCategoryCourses(deps, null);
  } catch (err) {
    log.warn({ err }, 'the categorised courses could not be re-indexed; start a reindex from the admin');
  }
}
