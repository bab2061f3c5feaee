// bulkCourses: one bulk action (activate, deactivate, duplicate, delete) on a selection of courses.
//   1 resolve the selection into PostgreSQL (ids or filters -> bulk_selections)
//   2 apply the action a page at a time (PostgreSQL in a transaction, then the same ids in Elasticsearch)
//   3 finish (status, selection dropped)
// Progress is the bulkProgress query; only ids of a page boundary and counts cross history.
import { ApplicationFailure, ActivityFailure, proxyActivities, setHandler } from '@temporalio/workflow';
import type { BulkCoursesActivities } from '../activities';
import { bulkProgressQuery, type BulkInput, type BulkProgress } from '../contract';

const acts = proxyActivities<BulkCoursesActivities>({
  startToCloseTimeout: '10m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 20 },
});

/** How many created ids the progress query shows (the rest are in bulk_copies). */
const CREATED_SAMPLE = 50;

export async function bulkCourses(input: BulkInput): Promise<BulkProgress> {
  const progress: BulkProgress = { bulkId: input.bulkId, action: input.action, status: 'resolving', total: null, processed: 0, created: [], error: null };
  setHandler(bulkProgressQuery, () => progress);
  try {
    progress.total = (await acts.bulkResolve(input)).total;
    progress.status = 'running';
    let afterId = 0;
    for (;;) {
      const r = await acts.bulkApply({ bulkId: input.bulkId, action: input.action, afterId, limit: input.batchSize, processedBefore: progress.processed });
      if (r.lastId === null) break;
      progress.processed += r.processed;
      if (progress.created.length < CREATED_SAMPLE) progress.created.push(...r.created.slice(0, CREATED_SAMPLE - progress.created.length));
      afterId = r.lastId;
    }
    progress.status = 'succeeded';
  } catch (err) {
    progress.status = 'failed';
    progress.error = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause.message : err instanceof Error ? err.message : String(err);
  }
  await acts.bulkFinish({ bulkId: input.bulkId, status: progress.status === 'succeeded' ? 'succeeded' : 'failed' });
  return progress;
}
