// Starting the reindexCourses workflow: one per alias at a time (the workflow id is derived from the alias).
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { reindexProgressQuery, reindexWorkflowId, type ReindexProgress } from '../contract';
import { reindexCourses } from '../workflows/reindex';
import { startOnce } from './start-once';

export interface StartedReindex {
  reindexId: string;
  workflowId: string;
  /** false when a reindex of this alias was already running: that one is reported. */
  started: boolean;
}

/**
 * Starts a reindex of the alias into a new index (the reindexCourses workflow), or reports the one already running.
 * @throws what the Temporal client throws when the server cannot be reached.
 */
export async function startReindex(client: Client, config: Pick<Config, 'temporal' | 'elasticsearch'>): Promise<StartedReindex> {
  const workflowId = reindexWorkflowId(config.elasticsearch.alias);
  const reindexId = randomUUID();
  const started = await startOnce(client, reindexCourses, { taskQueue: config.temporal.taskQueue, workflowId, args: [{ reindexId, startedAtMs: Date.now() }] });
  if (started) return { reindexId, workflowId, started: true };
  const p = await client.workflow.getHandle(workflowId).query(reindexProgressQuery).catch(() => null);
  return { reindexId: p?.reindexId ?? '', workflowId, started: false };
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
