import { createRequire } from 'node:module';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import type { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';
import { createActivities, type ActivityDeps } from '../activities';
import { instrumentActivities } from '../metrics/registry';

const require = createRequire(import.meta.url);

export interface WorkerOptions {
  connection: NativeConnection;
  config: Pick<Config, 'temporal' | 'worker'>;
  deps: ActivityDeps;
  /** A prebuilt bundle (tests build it once); otherwise the worker bundles src/workflows at start. */
  workflowBundle?: WorkflowBundle;
}

export function workflowsPath(): string {
  return require.resolve('../workflows');
}

export async function createWorker(opts: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.config.temporal.namespace,
    taskQueue: opts.config.temporal.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: workflowsPath() }),
    activities: instrumentActivities(createActivities(opts.deps)),
    maxConcurrentActivityTaskExecutions: opts.config.worker.maxActivities,
    maxConcurrentWorkflowTaskExecutions: Math.min(opts.config.worker.maxWorkflows, 40),
    maxCachedWorkflows: 500,
  });
}
