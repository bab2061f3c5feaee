// npm run bench [-- --quick | --medium] [--runs N] [--only W1,W2,W3]: the workloads of issue 5 against their floors, in one run.
// Everything runs in its own PostgreSQL schema, Elasticsearch alias, Temporal task queue and ingest folder,
// removed at the end. Timing targets live here, never in tests: a missed target is reported, not a failure;
// a lost or duplicated file, or a search that fails, is.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createTestEnv, type TestEnv } from '../test/support/env';
import { DropWatcher } from '../src/watcher/drop-watcher';
import { logger } from '../src/logger';
import { startWorkerProcess, type WorkerProcess } from './proc';
import { runW1 } from './w1';
import { prepareNoopFloor, runW2 } from './w2';
import { runW3W4 } from './w3w4';
import { runW7 } from './w7';
import { runW6 } from './w6';
import { runW5 } from './w5';
import { seedCourses } from './seed';
import { runCategorisation } from './categorise';
import { table, writeResults } from './report';
import type { BenchContext, BenchSizes, ResultLine } from './report-types';

const presets: Record<'quick' | 'medium' | 'full', BenchSizes> = {
  // W6's 0.1 MB: a few hundred CSV rows (tens in its small file), ~1,000 XLSX ones.
  quick: { w1Rows: 1000, w2Files: 12, w3Courses: 3000, w4Seconds: 2, w5Courses: 2000, w6Mb: 0.1 },
  medium: { w1Rows: 40_000, w2Files: 100, w3Courses: 30_000, w4Seconds: 10, w5Courses: 100_000, w6Mb: 30 },
  full: { w1Rows: 40_000, w2Files: 1000, w3Courses: 100_000, w4Seconds: 20, w5Courses: 1_000_000, w6Mb: 100 },
};

/** Workflows left open on the bench's task queues (an interrupted workload) would outlive it: ended here. */
async function terminateOpen(t: TestEnv, taskQueues: string[]): Promise<void> {
  for (const q of taskQueues) {
    for await (const wf of t.client.workflow.list({ query: `TaskQueue = '${q}' AND ExecutionStatus = 'Running'` })) {
      await t.client.workflow.getHandle(wf.workflowId, wf.runId).terminate('benchmark finished').catch(() => {});
    }
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, medium: { type: 'boolean', default: false }, runs: { type: 'string' }, only: { type: 'string' } },
  });
  const size = values.quick ? 'quick' : values.medium ? 'medium' : 'full';
  const started = Date.now();
  const ctx: BenchContext = {
    quick: values.quick === true,
    sizes: presets[size],
    runs: values.runs ? Number.parseInt(values.runs, 10) : values.quick ? 1 : 3,
    failures: [],
    log: (msg) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${msg}\n`),
  };
  const knobs = {
    IMPORT_BATCH_SIZE: process.env.IMPORT_BATCH_SIZE ?? '1000',
    ACTIVITY_HEARTBEAT_TIMEOUT: process.env.ACTIVITY_HEARTBEAT_TIMEOUT ?? '30s',
  };
  const lines: ResultLine[] = [];
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-data-'));
  let t: TestEnv | null = null;
  let t3: TestEnv | null = null;
  let worker: WorkerProcess | null = null;
  let watcher: DropWatcher | null = null;
  let idleRssMb = 0;
  try {
    ctx.log(`size ${size}, ${ctx.runs} run(s) per workload, ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}`);
    t = await createTestEnv('bench', knobs);
    prepareNoopFloor();
    worker = await startWorkerProcess(t.env);
    idleRssMb = await worker.peakRssMb();
    watcher = new DropWatcher({ client: t.client, sql: t.sql, config: t.config, logger: logger.child({ bench: 'watcher' }) });
    await watcher.start();
    ctx.log(`worker pid ${worker.pid} on task queue ${t.config.temporal.taskQueue}`);

    // A workload that breaks is reported and the others still run: one table, whatever happened.
    // --only W1,W3: some workloads (profiling one); the table then has only their lines.
    const wanted = new Set((values.only ?? 'W1,W2,W7,W3,W5,W6,CAT').toUpperCase().split(',').map((w) => w.trim().replace('W4', 'W3')));
    const attempt = async (name: string, fn: () => Promise<ResultLine[]>) => {
      if (!name.split('/').some((w) => wanted.has(w))) return;
      try {
        lines.push(...(await fn()));
      } catch (err) {
        ctx.failures.push(`${name} did not complete: ${err instanceof Error ? err.message : String(err)}`);
        ctx.log(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    };
    await attempt('W1', () => runW1(ctx, t!, worker!, dataDir));
    await attempt('W2', () => runW2(ctx, t!, worker!, dataDir));
    await attempt('W7', () => runW7(ctx, t!, worker!, dataDir));
    // CAT (issue 14): the categorisation model on the evaluation set, and its cost against W1's import time.
    await attempt('CAT', async () => {
      const first = lines.find((l) => l.workload === 'W1' && l.what.startsWith('CSV first import ('));
      const rows = first ? Number(/\((\d+) courses/.exec(first.what)?.[1]) : NaN;
      return runCategorisation(ctx, t!.config.categories.autoThreshold, first && rows > 0 ? { ms: first.value.median, rows } : null);
    });
    await watcher.close();
    watcher = null;
    await worker.stop();
    worker = null;

    if (wanted.has('W3')) {
      t3 = await createTestEnv('bench_w3', knobs);
      const courses = await seedCourses(t3.sql, ctx.sizes.w3Courses);
      ctx.log(`W3/W4: ${courses} courses in PostgreSQL`);
      await attempt('W3/W4', () => runW3W4(ctx, t3!, courses));
    }
    // W5 (issue 17): the W1 file into a large catalogue (1M courses at full size), in environments of its own.
    if (wanted.has('W5')) await attempt('W5', () => runW5(ctx, knobs, dataDir));
    // W6 (issue 17): big files, in an environment and worker of its own (MAX_FILE_MB is read at start-up).
    if (wanted.has('W6')) await attempt('W6', () => runW6(ctx, knobs, dataDir));
  } finally {
    await watcher?.close().catch(() => {});
    await worker?.stop().catch(() => {});
    if (t) await terminateOpen(t, [t.config.temporal.taskQueue, `${t.config.temporal.taskQueue}-noop`]).catch(() => {});
    await t?.close().catch((err: unknown) => ctx.log(`cleanup: ${String(err)}`));
    await t3?.close().catch((err: unknown) => ctx.log(`cleanup: ${String(err)}`));
    await rm(dataDir, { recursive: true, force: true });
  }

  const meta = {
    date: new Date().toISOString(),
    size,
    runs: ctx.runs,
    sizes: ctx.sizes,
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    knobs: { ...knobs, WORKER_MAX_ACTIVITIES: t?.config.worker.maxActivities, WORKER_MAX_WORKFLOWS: t?.config.worker.maxWorkflows, WORKER_MAX_CACHED_WORKFLOWS: t?.config.worker.maxCachedWorkflows, ELASTICSEARCH_BULK_SIZE: t?.config.elasticsearch.bulkSize, ELASTICSEARCH_BULK_CONCURRENCY: t?.config.elasticsearch.bulkConcurrency },
    workerIdleRssMb: Math.round(idleRssMb),
    // Other processes on the machine skew timings: a load average above the core count says so.
    loadAverageAtEnd: os.loadavg().map((l) => Number(l.toFixed(2))),
    failures: ctx.failures,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  const files = await writeResults(path.join(import.meta.dirname, 'results'), meta, lines);
  process.stdout.write(`\n${table(lines)}\n\n`);
  for (const l of lines) for (const n of l.notes ?? []) process.stdout.write(`  ${l.workload} ${l.what}: ${n}\n`);
  process.stdout.write(`  worker RSS when idle, before the workloads: ${Math.round(idleRssMb)} MB; load average at the end: ${meta.loadAverageAtEnd.join(' ')} on ${meta.machine.cores} cores\n`);
  process.stdout.write(`\nresults: ${path.relative(process.cwd(), files.json)}, chart: ${path.relative(process.cwd(), files.svg)} (${meta.seconds} s)\n`);
  if (ctx.failures.length) {
    process.stdout.write(`\nFAILED (correctness, not speed):\n${ctx.failures.map((f) => `  - ${f}`).join('\n')}\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
