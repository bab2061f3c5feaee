// reindexCourses: rebuild the course index from PostgreSQL without a moment of failed searches.
//   1 prepare  create `<alias>_v<timestamp>` with the mapping, record it as the running reindex
//              (from then on every writer of the alias also writes to it)
//   2 copy     every course, keyset pages by id, heartbeating its position
//   3 switch   re-copy what changed since the start, refresh, one atomic `_aliases` call, delete the old index,
//              start a background force merge of the new index (Elasticsearch runs it as a task of its own)
// On failure the alias stays where it was and the half-built index is removed.
import { ApplicationFailure, ActivityFailure, proxyActivities, setHandler } from '@temporalio/workflow';
import type { ReindexCoursesActivities } from '../activities';
import { reindexProgressQuery, type ReindexProgress } from '../contract';

const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10, nonRetryableErrorTypes: ['ReindexBusy'] };
const quick = proxyActivities<ReindexCoursesActivities>({ startToCloseTimeout: '2m', retry });
const long = proxyActivities<ReindexCoursesActivities>({ startToCloseTimeout: '2h', heartbeatTimeout: '1m', retry });

export async function reindexCourses(input: { reindexId: string; startedAtMs: number }): Promise<ReindexProgress> {
  const progress: ReindexProgress = { reindexId: input.reindexId, step: 'prepare', target: null, copied: 0, error: null };
  setHandler(reindexProgressQuery, () => progress);
  try {
    progress.target = (await quick.reindexPrepare(input)).target;
    progress.step = 'copy';
    progress.copied = (await long.reindexCopy({ ...input, target: progress.target })).copied;
    progress.step = 'switch';
    await long.reindexSwitch({ ...input, target: progress.target });
    progress.step = 'done';
  } catch (err) {
    progress.step = 'failed';
    progress.error = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause.message : err instanceof Error ? err.message : String(err);
    // A busy alias means another reindex owns its marker and index: leave them alone.
    const busy = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'ReindexBusy';
    if (!busy) await quick.reindexAbandon({ ...input, target: progress.target, error: progress.error });
  }
  return progress;
}
