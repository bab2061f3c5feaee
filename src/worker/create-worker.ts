import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import type { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';
import { createActivities, type ActivityDeps } from '../activities';
import { instrumentActivities } from '../metrics/registry';
import { projectPath } from '../paths';

const require = createRequire(import.meta.url);

export interface WorkerOptions {
  connection: NativeConnection;
  config: Pick<Config, 'temporal' | 'worker'>;
  deps: ActivityDeps;
  /** A prebuilt bundle (tests build it once); otherwise the worker bundles src/workflows at start. */
  workflowBundle?: WorkflowBundle;
}

/** The workflows' entry file (a path, not a module specifier: no TypeScript-aware resolver needed). */
export function workflowsPath(): string {
  // The TypeScript source even when this runs from the build: the Temporal bundler reads it through tsx.
  return projectPath('src', 'workflows', 'index.ts');
}

// Bundling the workflows (webpack) takes ~200 MB of heap. In a child process, all of it goes back to the system
// when the bundler exits, and the worker's resident memory stays at what running imports needs (a thread's heap
// is freed too, but the process keeps the pages it grew to).
const bundlerScript = `
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const [temporalWorker, workflowsPath] = process.argv.slice(1);
import(temporalWorker)
  .then((m) => m.bundleWorkflowCode({ workflowsPath, logger: silent }))
  .then((b) => process.stdout.write(b.code), (err) => { process.stderr.write(String((err && err.stack) || err)); process.exit(1); });
`;

export async function bundleInChildProcess(): Promise<WorkflowBundle> {
  // tsx's ESM loader, so that webpack's loader can read the TypeScript workflows as the worker itself does.
  const child = spawn(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', bundlerScript, require.resolve('@temporalio/worker'), workflowsPath()], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`bundling the workflows failed (exit ${code}): ${Buffer.concat(err).toString().slice(0, 4000)}`);
  return { code: Buffer.concat(out).toString() };
}

export async function createWorker(opts: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.config.temporal.namespace,
    taskQueue: opts.config.temporal.taskQueue,
    workflowBundle: opts.workflowBundle ?? (await bundleInChildProcess()),
    activities: instrumentActivities(createActivities(opts.deps)),
    maxConcurrentActivityTaskExecutions: opts.config.worker.maxActivities,
    // The short steps of an import run as local activities (src/workflows/import-file.ts), beside the activity
    // tasks: the same bound (the SDK's default is 100).
    maxConcurrentLocalActivityExecutions: opts.config.worker.maxActivities,
    maxConcurrentWorkflowTaskExecutions: Math.min(opts.config.worker.maxWorkflows, 40),
    // Every open import should stay cached: a workflow evicted from the cache is replayed from its history at
    // its next step. With 1,000 files dropped at once and 500 cached, replays cut the throughput from 10 to 7
    // files/s (benchmark W2); a cached import takes a few tens of KB.
    maxCachedWorkflows: opts.config.worker.maxCachedWorkflows,
  });
}
