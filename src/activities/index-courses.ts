import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import { coursesTouchedByImport } from '../db/courses';
import { updateImport } from '../db/imports';
import { BulkItemError, bulkIndexEverywhere, ensureCourseIndex, refreshEverywhere } from '../search/indexer';
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
    let after = 0;
    let indexed = 0;
    for (;;) {
      const page = await coursesTouchedByImport(sql, args.importId, after, config.elasticsearch.bulkSize);
      if (page.length === 0) break;
      try {
        indexed += await bulkIndexEverywhere(es, targets, page);
      } catch (err) {
        if (err instanceof BulkItemError && !err.retryable) throw ApplicationFailure.nonRetryable(err.message, 'BulkItemError');
        throw err;
      }
      after = page[page.length - 1]!.id;
      await updateImport(sql, args.importId, { rows_indexed: indexed });
      heartbeat({ indexed });
    }
    // The import is "done" when its courses are searchable.
    if (indexed > 0) await refreshEverywhere(es, targets);
    await updateImport(sql, args.importId, { step: 'notify' });
    return { indexed };
  };
}
