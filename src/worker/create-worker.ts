import { createRequire } from 'node:module';
import { Worker as Thread } from 'node:worker_threads';
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

// Bundling the workflows (webpack) grows the heap by ~200 MB that V8 keeps afterwards: done in a thread, whose
// heap is freed when it exits, the worker's resident memory stays at what running imports needs.
const bundlerThread = `
const { parentPort, workerData } = require('node:worker_threads');
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
import(workerData.temporalWorker)
  .then((m) => m.bundleWorkflowCode({ workflowsPath: workerData.workflowsPath, logger: silent }))
  .then((b) => parentPort.postMessage({ code: b.code }), (err) => parentPort.postMessage({ error: String((err && err.stack) || err) }));
`;

export async function bundleInThread(): Promise<WorkflowBundle> {
  const thread = new Thread(bundlerThread, {
    eval: true,
    workerData: { workflowsPath: workflowsPath(), temporalWorker: require.resolve('@temporalio/worker') },
  });
  try {
    const msg = await new Promise<{ code?: string; error?: string }>((resolve, reject) => {
      thread.once('message', resolve);
      thread.once('error', reject);
      thread.once('exit', (code) => reject(new Error(`the workflow bundler thread exited with ${code}`)));
    });
    if (msg.error !== undefined || msg.code === undefined) throw new Error(`bundling the workflows failed: ${msg.error}`);
    return { code: msg.code };
  } finally {
    await thread.terminate();
  }
}

export async function createWorker(opts: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.config.temporal.namespace,
    taskQueue: opts.config.temporal.taskQueue,
    workflowBundle: opts.workflowBundle ?? (await bundleInThread()),
    activities: instrumentActivities(createActivities(opts.deps)),
    maxConcurrentActivityTaskExecutions: opts.config.worker.maxActivities,
    maxConcurrentWorkflowTaskExecutions: Math.min(opts.config.worker.maxWorkflows, 40),
    maxCachedWorkflows: 500,
  });
}
