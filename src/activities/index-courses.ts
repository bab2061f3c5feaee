import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import { documentsTouchedByImport } from '../db/search-documents';
import { updateImport } from '../db/imports';
import { BulkItemError, ensureCourseIndex, refreshEverywhere } from '../search/indexer';
import { indexPages } from '../search/paged-indexing';
import { writeTargets } from '../search/targets';

/** Step 5. Bulk-indexes the courses this import wrote; `_id` is the course id, so a retry overwrites. */
export function indexCourses(deps: ActivityDeps) {
  return async (args: { importId: string }): Promise<{ indexed: number }> => {
    const { es, sql, config } = deps;
    if (!es) return { indexed: 0 };
    const alias = config.elasticsearch.alias;
    await ensureCourseIndex(es, alias);
    // Read after the upsert committed: a reindex that starts later copies these rows from PostgreSQL itself.
    const targets = await writeTargets(sql, alias);
    let indexed: number;
    try {
      indexed = await indexPages({
        es,
        targets,
        concurrency: config.elasticsearch.bulkConcurrency,
        readPage: (after) => documentsTouchedByImport(sql, args.importId, after, config.elasticsearch.bulkSize),
        onProgress: async (p) => {
          await updateImport(sql, args.importId, { rows_indexed: p.indexed });
          heartbeat({ indexed: p.indexed });
        },
      });
    } catch (err) {
      if (err instanceof BulkItemError && !err.retryable) throw ApplicationFailure.nonRetryable(err.message, 'BulkItemError');
      throw err;
    }
    // The import is "done" when its courses are searchable.
    if (indexed > 0) await refreshEverywhere(es, targets);
    await updateImport(sql, args.importId, { step: 'notify' });
    return { indexed };
  };
}
