// Staging retention and the janitor's records: every statement of the housekeeping Schedule lives here.
import type { Sql } from './client';

/** Rows deleted per statement: short transactions, so imports writing staging rows meanwhile never wait long. */
const PURGE_BATCH = 10_000;

/**
 * Deletes the staged rows that finished imports no longer need, for imports finished more than
 * `olderThanSeconds` ago: rows that changed nothing and have no error (unchanged, skipped, the rows of a file that
 * failed as a whole, a discarded preview). Kept: rows with errors (the errors page and the failed-rows CSV) and
 * rows whose course the upsert wrote (import_courses: revert, the course's import history, re-indexing). The import's counts live on its
 * ledger row and stay. Returns the rows deleted and the imports whose staging was purged (marked staging_purged_at).
 */
export async function purgeStagedRows(sql: Sql, olderThanSeconds: number, onProgress: (rows: number) => void = () => {}): Promise<{ rows: number; imports: number }> {
  const imports = await sql<{ id: string }[]>`
    SELECT id FROM imports
    WHERE finished_at < now() - make_interval(secs => ${olderThanSeconds}) AND staging_purged_at IS NULL`;
  let rows = 0;
  for (const { id } of imports) {
    for (;;) {
      const deleted = await sql`
        DELETE FROM import_rows WHERE (import_id, row_number) IN (
          SELECT import_id, row_number FROM import_rows
          WHERE import_id = ${id} AND errors IS NULL
            AND NOT EXISTS (SELECT 1 FROM import_courses a WHERE a.import_id = ${id} AND a.row_number = import_rows.row_number)
          LIMIT ${PURGE_BATCH})`;
      rows += deleted.count;
      onProgress(rows);
      if (deleted.count < PURGE_BATCH) break;
    }
    await sql`UPDATE imports SET staging_purged_at = now() WHERE id = ${id}`;
  }
  return { rows, imports: imports.length };
}

/** Of these import ids, the ones the ledger knows. */
export async function knownImportIds(sql: Sql, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await sql<{ id: string }[]>`SELECT id FROM imports WHERE id = ANY(${ids}::uuid[])`;
  return new Set(rows.map((r) => r.id));
}

/** Open imports whose file may still wait in incoming/ (their first step has not moved it yet). */
export async function importsWaitingToMove(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM imports
    WHERE finished_at IS NULL AND status IN ('queued', 'processing') AND coalesce(step, 'moveToProcessing') = 'moveToProcessing'`;
  return row?.n ?? 0;
}

/** A file the janitor removed. */
export interface RemovedFile {
  folder: 'incoming' | 'processing';
  name: string;
  bytes: number;
  ageSeconds: number;
}

export interface HousekeepingRun {
  ran_at: Date;
  staged_rows_purged: number;
  imports_purged: number;
  files_removed: RemovedFile[];
  note: string | null;
}

export async function recordHousekeeping(sql: Sql, run: Omit<HousekeepingRun, 'ran_at'>): Promise<void> {
  await sql`
    INSERT INTO housekeeping_runs (staged_rows_purged, imports_purged, files_removed, note)
    VALUES (${run.staged_rows_purged}, ${run.imports_purged}, ${sql.json(run.files_removed as never)}, ${run.note})`;
}

export async function lastHousekeeping(sql: Sql): Promise<HousekeepingRun | null> {
  const [row] = await sql<HousekeepingRun[]>`
    SELECT ran_at, staged_rows_purged, imports_purged, files_removed, note FROM housekeeping_runs ORDER BY id DESC LIMIT 1`;
  return row ?? null;
}
