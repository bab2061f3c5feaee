import pLimit from 'p-limit';
import { activityInfo } from '@temporalio/activity';
import { stepHeartbeat } from './step-heartbeat';

/**
 * Runs a parse step, at most `max` at once in this worker process (WORKER_MAX_PARSES) when it is an activity task,
 * the others waiting their turn in order (p-limit). A parse holds a file reader and a batch of rows in the worker's
 * heap (an .xlsx's shared strings, a whole .xls or .ods workbook), so this bound is what the heap must hold; the
 * worker's other activity slots (WORKER_MAX_ACTIVITIES) serve the steps that mostly wait on PostgreSQL and
 * Elasticsearch (benchmark W2: with 8 slots for every step, 1,000 small files waited for them at 13 files/s on
 * 1.3 of 2 cores). A waiting step heartbeats every second, so its heartbeat timeout counts only a dead worker.
 * A small file's parse runs as a local activity (import-file.ts, LOCAL_STEPS_MAX_BYTES) and never waits: its
 * start-to-close timeout is short, and its file is small. `step` is the running activity (Temporal's context by
 * default).
 */
export function parseSlots(
  max: number,
  step: { isLocal(): boolean; heartbeat(): void; heartbeatEveryMs?: number } = { isLocal: () => activityInfo().isLocal, heartbeat: () => stepHeartbeat() },
): <T>(run: () => Promise<T>) => Promise<T> {
  const limit = pLimit(Math.max(1, max));
  return async (run) => {
    if (step.isLocal()) return run();
    const alive = setInterval(() => step.heartbeat(), step.heartbeatEveryMs ?? 1000);
    try {
      return await limit(() => {
        clearInterval(alive);
        return run();
      });
    } finally {
      clearInterval(alive);
    }
  };
}
