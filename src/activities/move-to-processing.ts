import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ActivityDeps } from './deps';
import { failingFast } from './deps';
import { activityInfo } from '@temporalio/activity';
import { importWorkflowId, type ImportInput } from '../contract';
import { moveFile } from '../ingest/move';
import { ingestPath, isInside, storedName } from '../ingest/paths';
import { sha256File } from '../ingest/hash';
import { upsertImport, updateImport } from '../db/imports';
import { formatFromFileName } from '../ingest/readers/detect';
import { checkFile } from '../ingest/readers/file-checks';
import { FileValidationError, type FileFormat } from '../domain/types';
import { recordImportMapping, resolveProfile, UnknownMappingProfileError } from '../db/mapping-profiles';

export interface MovedFile {
  storedPath: string;
  format: FileFormat;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/**
 * The import's mapping profile and a snapshot of its rules, on its ledger row (written once: a retry keeps it).
 * A starter that could not look the name up leaves the version to this step: the latest one now. An unknown
 * profile is returned as the file's failure (non-retryable), with its name.
 */
async function recordMapping(deps: ActivityDeps, importId: string, profile: { name: string; version?: number }): Promise<FileValidationError | undefined> {
  try {
    const version = profile.version ?? (await resolveProfile(deps.sql, profile.name)).version;
    await recordImportMapping(deps.sql, importId, { name: profile.name, version });
    return undefined;
  } catch (err) {
    if (err instanceof UnknownMappingProfileError) return new FileValidationError('unknown_mapping_profile', `${err.message}; create it on the Mapping profiles page or import it as JSON`, { context: 'profile', profile: err.profile });
    throw err;
  }
}

/**
 * Step 1. Atomic rename into processing/ (a file already there is accepted as moved), ledger row,
 * then the file-level checks: size, extension, content against extension.
 */
export function moveToProcessing(deps: ActivityDeps) {
  return (input: ImportInput): Promise<MovedFile> =>
    failingFast(async () => {
      const { ingestDir, limits } = deps.config;
      const dest = ingestPath(ingestDir, 'processing', storedName(input.importId, input.fileName));
      await mkdir(path.dirname(dest), { recursive: true });
      await upsertImport(deps.sql, input, { workflowId: activityInfo().workflowExecution?.workflowId ?? importWorkflowId(input.sha256), storedPath: dest, status: 'processing' });
      // Recorded before the move: a file found in processing/ after a crash has its profile in the ledger. An unknown
      // profile fails the file once it is in processing/, from where it is archived to error/.
      const mappingRefused = input.mappingProfile ? await recordMapping(deps, input.importId, input.mappingProfile) : undefined;

      if (!(await exists(dest))) {
        const allowed = isInside(ingestPath(ingestDir, 'drop'), input.path) || isInside(ingestPath(ingestDir, 'incoming'), input.path);
        if (!allowed) throw new FileValidationError('unreadable', `refusing to import from outside the ingest folders: ${input.path}`, { context: 'outside', path: input.path });
        if (!(await exists(input.path))) throw new FileValidationError('unreadable', `the file ${input.fileName} is gone from ${path.dirname(input.path)}`, { context: 'gone', file: input.fileName, folder: path.dirname(input.path) });
        // The name may have been reused for other content since the file was seen.
        const sha = await sha256File(input.path);
        if (sha !== input.sha256) throw new FileValidationError('unreadable', `the file ${input.fileName} changed after it was detected; it will be picked up again as a new file`, { context: 'changed', file: input.fileName });
        await moveFile(input.path, dest);
      }

      const format = formatFromFileName(input.fileName);
      await checkFile(dest, format, limits);
      if (mappingRefused) throw mappingRefused;
      await updateImport(deps.sql, input.importId, { format, step: 'parse' });
      deps.logger.info({ importId: input.importId, storedPath: dest, format }, 'file moved to processing');
      return { storedPath: dest, format };
    });
}
