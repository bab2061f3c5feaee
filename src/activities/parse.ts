import { activityInfo, heartbeat } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import { failingFast } from './deps';
import { readRows } from '../domain/readers';
import { FileValidationError, type FileFormat, type SourceRow } from '../domain/types';
import { analyzeStaging, clearStaging, insertRawRows, lastStagedRow } from '../db/staging';
import { updateImport } from '../db/imports';

/**
 * Step 2. Streams the file into import_rows in batches. A first attempt starts from a clean staging area;
 * a retry resumes after the last row already staged (readers are deterministic).
 */
export function parse(deps: ActivityDeps) {
  return (args: { importId: string; storedPath: string; format: FileFormat }): Promise<{ rows: number }> =>
    failingFast(async () => {
      const { importId } = args;
      let resumeAfter = 0;
      if (activityInfo().attempt === 1) await clearStaging(deps.sql, importId);
      else resumeAfter = await lastStagedRow(deps.sql, importId);

      let batch: SourceRow[] = [];
      let rows = 0;
      const flush = async () => {
        await insertRawRows(deps.sql, importId, batch);
        batch = [];
        await updateImport(deps.sql, importId, { rows_parsed: rows });
        heartbeat({ rows });
      };
      for await (const row of readRows(args.format, args.storedPath, deps.config.limits)) {
        rows++;
        if (row.rowNumber <= resumeAfter) continue;
        batch.push(row);
        if (batch.length >= deps.config.batchSize) await flush();
      }
      await flush();
      if (rows === 0) throw new FileValidationError('empty', 'the file has no course rows (only a header, or nothing)');
      await analyzeStaging(deps.sql, rows);
      await updateImport(deps.sql, importId, { step: 'normalize' });
      return { rows };
    });
}
