import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Config } from '../config';
import { importWorkflowId, searchAttributes, type ImportInput, type ImportSource } from '../contract';
import type { ImportMode } from '../domain/types';
import { sha256File } from '../ingest/hash';
import { displayFileName } from '../domain/display-text';
import { importFile } from '../workflows';

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
}

export interface StartedImport {
  importId: string;
  workflowId: string;
  /** false when a run for the same content was already open: nothing new was started. */
  started: boolean;
  /** For a run that was already open: the file it was started for. */
  runningPath?: string;
}

export async function startImport(client: Client, config: Pick<Config, 'temporal' | 'dryRunTimeoutSeconds' | 'heartbeatTimeoutSeconds'>, req: StartRequest): Promise<StartedImport> {
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
  };
  try {
    await client.workflow.start(importFile, {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      // In the memo so that a second starter learns the import id without needing a worker to answer a query.
      memo: { importId: input.importId, path: input.path },
      typedSearchAttributes: [
        { key: searchAttributes.status, value: 'queued' },
        { key: searchAttributes.source, value: req.source },
        { key: searchAttributes.fileName, value: input.fileName },
      ],
    });
    return { importId: input.importId, workflowId, started: true };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const { memo } = await client.workflow.getHandle(workflowId).describe();
    return { importId: String(memo?.importId ?? ''), workflowId, started: false, runningPath: String(memo?.path ?? '') };
  }
}
