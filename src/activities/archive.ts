import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ActivityDeps } from './deps';
import type { FailureReason, ImportStatus, RowErrorRef, WarningRef } from '../contract';
import { moveFile } from '../ingest/move';
import { ingestPath, storedName } from '../ingest/paths';
import { finishImport } from '../db/imports';
import { fileReport } from '../i18n/file-report';

export interface ArchiveArgs {
  importId: string;
  fileName: string;
  status: ImportStatus;
  error: FailureReason | null;
  rowErrors: RowErrorRef[];
  /** The summary's warnings (file warnings, then a sample of row warnings); absent from runs started before. */
  warnings?: WarningRef[];
}

/** A failed or cancelled file goes to error/; everything else to processed/. */
export function archiveFolder(status: ImportStatus): 'processed' | 'error' {
  return status === 'failed' || status === 'cancelled' ? 'error' : 'processed';
}

/**
 * Step 7. processing/ -> processed/ or error/, with a report beside the file when something went wrong.
 * The destination is derived from the stored name, so a retry finds the file already there.
 */
export function archive(deps: ActivityDeps) {
  return async (args: ArchiveArgs): Promise<{ archivedTo: string | null }> => {
    let archivedTo: string | null = null;
    const name = storedName(args.importId, args.fileName);
    const storedPath = ingestPath(deps.config.ingestDir, 'processing', name);
    const dest = ingestPath(deps.config.ingestDir, archiveFolder(args.status), name);
    const present = await stat(storedPath).then(() => true, () => false);
    const alreadyArchived = await stat(dest).then(() => true, () => false);
    // A file refused before it reached processing/ (gone, outside the ingest folders) has nothing to archive.
    if (present || alreadyArchived) {
      await mkdir(path.dirname(dest), { recursive: true });
      if (args.error || args.rowErrors.length > 0) {
        // Read by whoever dropped the file: codes and parameters, and each message in French and in English.
        const report = fileReport({
          importId: args.importId,
          fileName: args.fileName,
          status: args.status,
          error: args.error,
          rowErrors: args.rowErrors,
          warnings: args.warnings,
          importUrl: `${deps.config.publicUrl}/admin-dashboard/imports/${args.importId}/`,
        });
        await writeFile(`${dest}.report.json`, JSON.stringify(report, null, 2) + '\n');
      }
      if (present) await moveFile(storedPath, dest);
      archivedTo = dest;
    }
    await finishImport(deps.sql, args.importId, { status: args.status, archivedTo, error: args.error });
    deps.logger.info({ importId: args.importId, status: args.status, archivedTo }, 'import archived');
    return { archivedTo };
  };
}
