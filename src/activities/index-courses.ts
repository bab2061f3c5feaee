import { ApplicationFailure, activityInfo } from '@temporalio/activity';
import { stepHeartbeat } from './step-heartbeat';
import type { ActivityDeps } from './deps';
import { documentsTouchedByImport } from '../db/search-documents';
import { updateImport } from '../db/imports';
import { BulkItemError, ensureCourseIndex, refreshEverywhere } from '../search/indexer';
import { indexPages } from '../search/paged-indexing';
import { writeTargets } from '../search/targets';

/** Where an attempt of the index step stopped: every course of the import up to `after` (an id) is indexed. */
interface IndexResume {
  after: number;
  indexed: number;
}

/**
 * Step 5. Bulk-indexes the courses this import wrote; `_id` is the course id, so a retry overwrites. A retried
 * attempt resumes after the last page its predecessor heartbeated (issue 17: a 1M-course file indexed on a busy
 * machine can outlast one attempt's start-to-close timeout; starting again from the first course, every attempt
 * would). Returns `{ indexed }`, the courses indexed by all attempts together.
 */
export function indexCourses(deps: ActivityDeps) {
  return async (args: { importId: string }): Promise<{ indexed: number }> => {
    const { es, sql, config } = deps;
    if (!es) return { indexed: 0 };
    const alias = config.elasticsearch.alias;
    await ensureCourseIndex(es, alias);
    // Read after the upsert committed: a reindex that starts later copies these rows from PostgreSQL itself.
    const targets = await writeTargets(sql, alias);
    const resume = resumePoint(activityInfo().heartbeatDetails);
    let indexed: number;
    try {
      indexed = resume.indexed + await indexPages({
        es,
        targets,
        concurrency: config.elasticsearch.bulkConcurrency,
        startAfter: resume.after,
        readPage: (after) => documentsTouchedByImport(sql, args.importId, after, config.elasticsearch.bulkSize),
        onProgress: async (p) => {
          const done: IndexResume = { after: p.after, indexed: resume.indexed + p.indexed };
          await updateImport(sql, args.importId, { rows_indexed: done.indexed });
          stepHeartbeat(done);
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

/** The heartbeat details of the previous attempt, if it reached a page (older attempts heartbeated `{ indexed }` only). */
function resumePoint(details: unknown): IndexResume {
  const d = details as Partial<IndexResume> | undefined;
  return typeof d?.after === 'number' && typeof d.indexed === 'number' ? { after: d.after, indexed: d.indexed } : { after: 0, indexed: 0 };
}
