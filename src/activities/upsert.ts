import { stepHeartbeat } from './step-heartbeat';
import type { ActivityDeps } from './deps';
import type { ActionCounts, ImportMode } from '../contract';
import { applyImport } from '../db/courses';
import { countActions } from '../db/staging';
import { updateImport } from '../db/imports';
import { createPendingCategories, linkImportSuggestions } from '../db/categories';

/** The page polls every second: a counter written at most this often still moves on every poll. */
const PROGRESS_EVERY_MS = 500;

/**
 * Step 4. One transaction from staging into courses and lessons, keyed by the natural key. While it runs, the
 * rows gone through are written to the ledger (imports.rows_upserted) from another connection, at most every
 * PROGRESS_EVERY_MS and one write at a time, for the import's progress bar; the transaction's own work never
 * waits for them. It heartbeats after each chunk. A retried attempt starts its counter again from 0.
 */
export function upsert(deps: ActivityDeps) {
  return async (args: { importId: string; mode: ImportMode }): Promise<ActionCounts> => {
    await updateImport(deps.sql, args.importId, { status: 'processing', step: 'upsert', rows_upserted: 0 });
    let lastWrite = 0;
    let pending: Promise<void> = Promise.resolve();
    let inFlight = false;
    const onProgress = (done: number, total: number) => {
      // Alive for the heartbeat timeout of the long steps: a big file's transaction outlasts it.
      stepHeartbeat({ upserted: done });
      const now = Date.now();
      if (inFlight || (done < total && now - lastWrite < PROGRESS_EVERY_MS)) return;
      lastWrite = now;
      inFlight = true;
      pending = updateImport(deps.sql, args.importId, { rows_upserted: done })
        .catch((err: unknown) => deps.logger.warn({ err, importId: args.importId }, 'upsert progress not written'))
        .finally(() => (inFlight = false));
    };
    // Alive while the transaction runs: its single statements (the before-images, the lessons of every course
    // written) can outlast the heartbeat timeout on a big file; a dead worker still stops heartbeating.
    const alive = setInterval(() => stepHeartbeat(), 1000);
    let written: number;
    try {
      // Categories the `create` policy asked for (issue 14) exist before the courses that point at them.
      await createPendingCategories(deps.sql, args.importId);
      written = await applyImport(deps.sql, args.importId, args.mode, { chunkRows: deps.config.batchSize, onProgress });
    } finally {
      clearInterval(alive);
    }
    // The last progress write lands before the final count, never after it.
    await pending;
    // The import's category suggestions now know their course (issue 14).
    await linkImportSuggestions(deps.sql, args.importId);
    const counts = await countActions(deps.sql, args.importId);
    await updateImport(deps.sql, args.importId, { rows_upserted: counts.created + counts.updated, step: 'index', counts });
    deps.logger.info({ importId: args.importId, written, counts }, 'courses upserted');
    return counts;
  };
}
