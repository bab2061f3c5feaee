// `course-import FILE --wait`: the running step's progress (rows parsed / written / indexed, out of how many), read
// from the import's ledger row, which the activities update as they go (issue 11). The workflow's progress query,
// which main.ts prints as before, only moves between steps.
import type { Progress } from '../contract';
import { createSql, type Sql } from '../db/client';
import { getImport } from '../db/imports';
import { furthest, stepProgress, stepProgressLine } from '../imports/step-progress';

export interface StepProgressReporter {
  /** Called with each progress the workflow answers (about every second); never throws, never waits. */
  update(p: Progress): void;
  /** Waits for a read in flight (so its line comes before the summary), then closes the connection. */
  close(): Promise<void>;
}

/**
 * Prints `  progress: parse 12000/~20000 (60%)` lines to `out`. On a terminal, a line each second (the same
 * figures included: the person sees it is alive); otherwise (a script, a log, the tests) a line only when the
 * figures change, so the output stays stable and short. A database that cannot be read only costs these lines.
 */
export function stepProgressReporter(opts: { databaseUrl: string; schema: string; importId: string; out: NodeJS.WritableStream; tty: boolean }): StepProgressReporter {
  let sql: Sql | null = null;
  let inFlight: Promise<void> | null = null;
  let lastLine = '';
  let lastAt = 0;
  const read = async (p: Progress): Promise<void> => {
    sql ??= createSql(opts.databaseUrl, 1, opts.schema);
    const imp = await getImport(sql, opts.importId).catch(() => null);
    const ledger = imp ? { parsed: imp.rows_parsed, normalized: imp.rows_normalized, upserted: imp.rows_upserted, indexed: imp.rows_indexed } : null;
    const counters = furthest({ parsed: p.parsed, normalized: p.normalized, upserted: p.upserted, indexed: p.indexed }, ledger);
    const sp = stepProgress(p.step, counters, { expected: imp?.rows_expected ?? null, counts: p.counts ?? imp?.counts ?? null });
    if (!sp) return;
    const line = stepProgressLine(sp);
    const now = Date.now();
    if (line === lastLine && !(opts.tty && now - lastAt >= 1000)) return;
    lastLine = line;
    lastAt = now;
    opts.out.write(`  progress: ${line}\n`);
  };
  return {
    update(p) {
      if (inFlight) return;
      inFlight = read(p)
        .catch(() => {})
        .finally(() => (inFlight = null));
    },
    async close() {
      await inFlight;
      await sql?.end({ timeout: 5 });
    },
  };
}
