// Starting the reindexCourses workflow: one per alias at a time (the workflow id is derived from the alias).
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Config } from '../config';
import { reindexProgressQuery, reindexWorkflowId, type ReindexProgress } from '../contract';
import { reindexCourses } from '../workflows/reindex';

export interface StartedReindex {
  reindexId: string;
  workflowId: string;
  /** false when a reindex of this alias was already running: that one is reported. */
  started: boolean;
}

export async function startReindex(client: Client, config: Pick<Config, 'temporal' | 'elasticsearch'>): Promise<StartedReindex> {
  const workflowId = reindexWorkflowId(config.elasticsearch.alias);
  const reindexId = randomUUID();
  try {
    await client.workflow.start(reindexCourses, {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [{ reindexId, startedAtMs: Date.now() }],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    return { reindexId, workflowId, started: true };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const p = await client.workflow.getHandle(workflowId).query(reindexProgressQuery).catch(() => null);
    return { reindexId: p?.reindexId ?? '', workflowId, started: false };
  }
}

/** The progress of the alias's reindex (running or the last one Temporal still remembers). */
export async function reindexProgress(client: Client, alias: string): Promise<(ReindexProgress & { running: boolean }) | null> {
  const handle = client.workflow.getHandle(reindexWorkflowId(alias));
  try {
    const d = await handle.describe();
    const p = await handle.query(reindexProgressQuery);
    return { ...p, running: d.status.name === 'RUNNING' };
  } catch {
    return null;
  }
}
