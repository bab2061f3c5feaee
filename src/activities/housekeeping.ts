import { readdir, stat, unlink } from 'node:fs/promises';
import { heartbeat } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import { importIdFromStoredName, ingestPath } from '../ingest/paths';
import { importsWaitingToMove, knownImportIds, purgeStagedRows, recordHousekeeping, type RemovedFile } from '../db/housekeeping';

/** What one housekeeping run did: shown on the monitoring page and returned as the run's result. */
export interface HousekeepingResult {
  stagedRowsPurged: number;
  importsPurged: number;
  filesRemoved: RemovedFile[];
  note: string | null;
}

async function filesOlderThan(dir: string, seconds: number, now: number): Promise<{ name: string; bytes: number; ageSeconds: number }[]> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
  const out: { name: string; bytes: number; ageSeconds: number }[] = [];
  for (const name of names) {
    // Hidden files are the folder's own (the repository's .gitkeep, a file manager's .DS_Store): no upload, CLI copy
    // or import is ever named so (a random UUID, `<import id>__name`).
    if (name.startsWith('.')) continue;
    const st = await stat(`${dir}/${name}`).catch(() => null);
    if (!st?.isFile()) continue;
    const ageSeconds = Math.floor((now - st.mtimeMs) / 1000);
    if (ageSeconds > seconds) out.push({ name, bytes: st.size, ageSeconds });
  }
  return out;
}

/**
 * The housekeeping Schedule's one activity: purges the staged rows finished imports no longer need (after
 * STAGING_RETENTION), and removes the debris a crash may leave in the ingest folders (after ORPHAN_FILE_AGE):
 * - incoming/: uploads and CLI copies that no import took. Skipped while an open import has not moved its file
 *   yet (its file is one of them, and the janitor cannot tell which).
 * - processing/: `<import id>__name` files whose import the ledger does not know (a file named otherwise is left).
 * Hidden files (`.gitkeep`) are never touched.
 * drop/ is the producers' folder and processed/ / error/ are archives: never touched. Each run is recorded.
 */
export function housekeeping(deps: ActivityDeps) {
  return async (): Promise<HousekeepingResult> => {
    const { sql, config } = deps;
    const purged = await purgeStagedRows(sql, config.retention.stagingSeconds, (rows) => heartbeat({ rows }));
    const now = Date.now();
    const age = config.retention.orphanFileSeconds;
    const removed: RemovedFile[] = [];
    const notes: string[] = [];

    const waiting = await importsWaitingToMove(sql);
    if (waiting > 0) notes.push(`incoming/ not cleaned: ${waiting} import(s) have not taken their file yet`);
    else {
      for (const f of await filesOlderThan(ingestPath(config.ingestDir, 'incoming'), age, now)) {
        await unlink(ingestPath(config.ingestDir, 'incoming', f.name)).catch(() => {});
        removed.push({ folder: 'incoming', ...f });
      }
    }
    const inProcessing = await filesOlderThan(ingestPath(config.ingestDir, 'processing'), age, now);
    const known = await knownImportIds(sql, inProcessing.map((f) => importIdFromStoredName(f.name)).filter((id): id is string => id !== null));
    for (const f of inProcessing) {
      const id = importIdFromStoredName(f.name);
      // Only an import's file is debris here: a file that names no import is not the pipeline's to delete.
      if (id === null || known.has(id)) continue;
      await unlink(ingestPath(config.ingestDir, 'processing', f.name)).catch(() => {});
      removed.push({ folder: 'processing', ...f });
    }
    if (removed.length > 0) deps.logger.warn({ removed }, 'housekeeping: removed files no import owns');
    const note = notes.length ? notes.join('; ') : null;
    await recordHousekeeping(sql, { staged_rows_purged: purged.rows, imports_purged: purged.imports, files_removed: removed, note });
    return { stagedRowsPurged: purged.rows, importsPurged: purged.imports, filesRemoved: removed, note };
  };
}
