import { Worker, type NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import type { Config } from '../config';
import { createActivities, type ActivityDeps } from '../activities';
import { workflowsPath } from './create-worker';

/**
 * A small worker on the health task queue, run by the watcher process, so the health check still runs, and
 * alerts still go out, when the worker process is gone (the worker runs the same check on its own queue).
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
