// The one place where "this workflow id is already running" is handled when a workflow is started.
import { WorkflowExecutionAlreadyStartedError, type Client, type Workflow, type WorkflowStartOptions } from '@temporalio/client';

/**
 * Starts `workflow` under `options.workflowId` unless a run with that id is still open: Temporal refuses the
 * second start (`workflowIdConflictPolicy: 'FAIL'`), which is how a double click, a retried request or two
 * watchers give one run. A closed run with the same id does not block a new one (`ALLOW_DUPLICATE`, unless the
 * caller says otherwise).
 *
 * @returns true when this call started the run, false when an open run with that id was already there.
 * @throws whatever else the Temporal client throws (connection refused, namespace not found, bad input).
 * @see https://docs.temporal.io/workflow-execution/workflowid-runid#workflow-id-conflict-policy
 */
export async function startOnce<T extends Workflow>(client: Client, workflow: T, options: WorkflowStartOptions<T>): Promise<boolean> {
  try {
    await client.workflow.start(workflow, { workflowIdReusePolicy: 'ALLOW_DUPLICATE', ...options, workflowIdConflictPolicy: 'FAIL' });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}
