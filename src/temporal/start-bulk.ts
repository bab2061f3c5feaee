// Starting a bulk action: always the bulkCourses workflow (one code path, retries and progress for free).
// A small selection is waited for, so the admin sees the result on the next page; a large one (over
// BULK_INLINE_MAX courses) is followed on its progress page.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { bulkProgressQuery, bulkWorkflowId, type BulkAction, type BulkInput, type BulkProgress } from '../contract';
import { bulkCourses } from '../workflows/bulk-courses';
import type { Selection } from '../courses/selection';

export interface StartedBulk {
  bulkId: string;
  workflowId: string;
  /** The final progress when the action finished while we waited; null when it still runs. */
  finished: BulkProgress | null;
}

export interface BulkOptions {
  config: Pick<Config, 'temporal'> & { bulk: { inlineMax: number; batchSize: number } };
  /** How long to wait for a small selection before handing over to the progress page. */
  waitMs?: number;
}

export async function startBulk(client: Client, opts: BulkOptions, action: BulkAction, selection: Selection, startedBy: string | null): Promise<StartedBulk> {
  const bulkId = randomUUID();
  const workflowId = bulkWorkflowId(bulkId);
  const input: BulkInput = { bulkId, action, selection, startedBy, batchSize: opts.config.bulk.batchSize };
  const handle = await client.workflow.start(bulkCourses, { taskQueue: opts.config.temporal.taskQueue, workflowId, args: [input] });
  const deadline = Date.now() + (opts.waitMs ?? 15_000);
  // Small selections finish in well under a second: wait for the result as long as the total is small.
  for (;;) {
    const p = await handle.query(bulkProgressQuery).catch(() => null);
    if (p && (p.status === 'succeeded' || p.status === 'failed')) return { bulkId, workflowId, finished: p };
    if (p && p.total !== null && p.total > opts.config.bulk.inlineMax) return { bulkId, workflowId, finished: null };
    if (Date.now() > deadline) return { bulkId, workflowId, finished: null };
    const done = await Promise.race([handle.result(), new Promise<null>((r) => setTimeout(() => r(null), 200))]);
    if (done) return { bulkId, workflowId, finished: done };
  }
}

export async function bulkProgress(client: Client, bulkId: string): Promise<BulkProgress | null> {
  try {
    return await client.workflow.getHandle(bulkWorkflowId(bulkId)).query(bulkProgressQuery);
  } catch {
    return null;
  }
}

