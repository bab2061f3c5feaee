import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { importWorkflowId, searchAttributes, type ImportInput, type ImportSource } from '../contract';
import type { ImportMode } from '../domain/types';
import { sha256File } from '../ingest/hash';
import { displayFileName } from '../domain/display-text';
import { importFile } from '../workflows';
import { importMetadata } from './import-metadata';
import { startOnce } from './start-once';
import type { Sql } from '../db/client';
import { resolveProfile } from '../db/mapping-profiles';

export interface StartRequest {
  path: string;
  fileName: string;
  source: ImportSource;
  mode: ImportMode;
  dryRun: boolean;
  startedBy: string | null;
  /** Resuming an import the ledger already knows (watcher reconciliation). */
  importId?: string;
  sha256?: string;
  /**
   * The name of a column mapping profile to read the file with (issue 12). With `db` given to startImport, an
   * unknown name throws UnknownMappingProfileError before anything starts and the latest version is fixed now;
   * without it, the import's first step takes the latest version (and fails the import if there is none).
   */
  mappingProfile?: string | null;
  /** A resumed import keeps the version it started with (watcher reconciliation, from the ledger). */
  mappingProfileVersion?: number | null;
}

export interface StartedImport {
  importId: string;
  workflowId: string;
  /** false when a run for the same content was already open: nothing new was started. */
  started: boolean;
  /** For a run that was already open: the file it was started for. */
  runningPath?: string;
}

/**
 * Starts the import workflow of one file (id from its content: a second start while a run is open starts nothing).
 * `db` lets a mapping profile be checked and its version fixed here (see StartRequest.mappingProfile); throws
 * UnknownMappingProfileError (db/mapping-profiles.ts) for an unknown profile name.
 */
export async function startImport(client: Client, config: Pick<Config, 'temporal' | 'dryRunTimeoutSeconds' | 'heartbeatTimeoutSeconds'>, req: StartRequest, db?: Sql): Promise<StartedImport> {
  let mappingProfile: ImportInput['mappingProfile'];
  if (req.mappingProfile) {
    if (req.mappingProfileVersion) mappingProfile = { name: req.mappingProfile, version: req.mappingProfileVersion };
    else mappingProfile = db ? await resolveProfile(db, req.mappingProfile) : { name: req.mappingProfile };
  }
  const sha256 = req.sha256 ?? (await sha256File(req.path));
  const { size } = await stat(req.path);
  const workflowId = importWorkflowId(sha256, config.temporal.workflowIdPrefix);
  const input: ImportInput = {
    importId: req.importId ?? randomUUID(),
    path: req.path,
    // Sanitised once here, where every source (upload, drop, CLI, API) starts: the ledger, the workflow, the
    // search attribute and every notice then carry the name as it may be shown.
    fileName: displayFileName(req.fileName, 'file'),
    sha256,
    sizeBytes: size,
    source: req.source,
    mode: req.mode,
    dryRun: req.dryRun,
    startedBy: req.startedBy,
    timeouts: { dryRunSeconds: config.dryRunTimeoutSeconds, heartbeatSeconds: config.heartbeatTimeoutSeconds },
    // Only when there is one: the input of a run without a profile stays what it always was.
    ...(mappingProfile ? { mappingProfile } : {}),
  };
  const started = await startOnce(client, importFile, {
    taskQueue: config.temporal.taskQueue,
    workflowId,
    args: [input],
    // In the memo so that a second starter learns the import id without needing a worker to answer a query.
    memo: { importId: input.importId, path: input.path },
    ...importMetadata(input),
    typedSearchAttributes: [
      { key: searchAttributes.status, value: 'queued' },
      { key: searchAttributes.source, value: req.source },
      { key: searchAttributes.fileName, value: input.fileName },
    ],
  });
  if (started) return { importId: input.importId, workflowId, started: true };
  const { memo } = await client.workflow.getHandle(workflowId).describe();
  return { importId: String(memo?.importId ?? ''), workflowId, started: false, runningPath: String(memo?.path ?? '') };
}
