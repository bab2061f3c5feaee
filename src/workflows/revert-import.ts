// revertImport: puts every course an import created or changed back to its state before the import.
//   1 checkRevert (finished? not reverted yet? no later import on the same courses, unless forced)
//   2 restoreCourses (PostgreSQL, one transaction)  3 syncRevertedCourses (Elasticsearch)  4 recordRevert
// Workflow id `revert-<importId>`: asking twice starts nothing new.
import { proxyActivities } from '@temporalio/workflow';
import type { RevertImportActivities } from '../activities';

export interface RevertInput {
  importId: string;
  requestedBy: string | null;
  /** Revert even when later imports changed the same courses (their changes to them are lost). */
  force: boolean;
}

export interface RevertResult {
  importId: string;
  deleted: number;
  restored: number;
  reindexed: number;
  removed: number;
}

export function revertWorkflowId(importId: string): string {
  return `revert-${importId}`;
}

const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes: ['RevertRefused'] };

export async function revertImport(input: RevertInput): Promise<RevertResult> {
  const acts = proxyActivities<RevertImportActivities>({ startToCloseTimeout: '30m', heartbeatTimeout: '1m', retry });
  await acts.checkRevert({ importId: input.importId, force: input.force });
  const counts = await acts.restoreCourses({ importId: input.importId });
  const search = await acts.syncRevertedCourses({ importId: input.importId });
  await acts.recordRevert({ importId: input.importId, by: input.requestedBy, counts });
  return { importId: input.importId, ...counts, ...search };
}
