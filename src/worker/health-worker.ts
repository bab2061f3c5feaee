import { Worker, type NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import type { Config } from '../config';
import { createActivities, type ActivityDeps } from '../activities';
import { workflowsPath } from './create-worker';

/**
 * A small worker on the health task queue. Both the worker process and the watcher process run one, so the
 * health check still runs, and alerts still go out, when either of them is gone.
 */
export async function createHealthWorker(opts: {
  connection: NativeConnection;
  config: Pick<Config, 'temporal' | 'health'>;
  deps: ActivityDeps;
  workflowBundle?: WorkflowBundle;
}): Promise<Worker> {
  const all = createActivities(opts.deps);
  const { checkHealth, planDelivery, sendNotice, giveUpNotice } = all;
  return Worker.create({
    connection: opts.connection,
    namespace: opts.config.temporal.namespace,
    taskQueue: opts.config.health.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: workflowsPath() }),
    activities: { checkHealth, planDelivery, sendNotice, giveUpNotice },
    maxConcurrentActivityTaskExecutions: 4,
    maxConcurrentWorkflowTaskExecutions: 4,
  });
}
