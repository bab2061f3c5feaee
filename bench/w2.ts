// W2: many small files dropped at once into the folder the real DropWatcher watches, imported by the real worker.
import { mkdir, readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import type { TestEnv } from '../test/support/env';
import { courseStream } from '../test/support/generate';
import { SEED, salted, writeCsv } from './data';
import { importStages, medianStages, waitForImports } from './imports';
import { noopActivities } from './noop-activities';
import { mapLimit, median, percentile, summarize, timed } from './stats';
import { cpuSpent, readCpu, temporalServerCpu, type CpuReading } from './cpu';
import type { WorkerProcess } from './proc';
import type { BenchContext, ResultLine } from './report-types';

const require = createRequire(import.meta.url);
let bundle: ReturnType<typeof bundleWorkflowCode> | undefined;
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * CPU seconds so far of the services a burst of files keeps busy: the worker, PostgreSQL and Elasticsearch
 * (bench/cpu.ts), the Temporal dev server when it runs on this machine, and this process (the watcher, and the
 * no-op floor's worker). On a machine shared with other work, the services' shares include that work.
 */
interface W2Cpu extends CpuReading {
  temporal: number;
  bench: number;
}

async function readW2Cpu(workerPid: number): Promise<W2Cpu> {
  const own = process.cpuUsage();
  return { ...(await readCpu(workerPid)), temporal: await temporalServerCpu(), bench: (own.user + own.system) / 1e6 };
}

function perFileMs(before: W2Cpu, after: W2Cpu, files: number): Record<keyof W2Cpu, number> {
  const s = cpuSpent(before, after);
  const ms = (v: number) => Math.round((v * 1000) / files);
  return { worker: ms(s.worker), postgres: ms(s.postgres), elasticsearch: ms(s.elasticsearch), temporal: ms(after.temporal - before.temporal), bench: ms(after.bench - before.bench) };
}

const cpuText = (c: Record<keyof W2Cpu, number>) =>
  `Temporal ${c.temporal}, worker ${c.worker}, watcher and bench ${c.bench}, PostgreSQL ${c.postgres}, Elasticsearch ${c.elasticsearch} (total ${c.temporal + c.worker + c.bench + c.postgres + c.elasticsearch})`;

/** Bundling takes seconds: started early, while the real worker starts. */
export function prepareNoopFloor(): void {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('./noop-workflow'), logger: silent });
  bundle.catch(() => {});
}

/** 1,000 ids through the no-op workflow on its own worker and task queue, started at once: files/s of Temporal alone. */
async function noopFloor(t: TestEnv, n: number, run: number): Promise<number> {
  const taskQueue = `${t.config.temporal.taskQueue}-noop`;
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('./noop-workflow'), logger: silent });
  const workflowBundle = await bundle;
  const connection = await NativeConnection.connect({ address: t.config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: t.config.temporal.namespace,
    taskQueue,
    workflowBundle,
    activities: noopActivities,
    // the same knobs as the real worker (src/worker/create-worker.ts)
    maxConcurrentActivityTaskExecutions: t.config.worker.maxActivities,
    maxConcurrentWorkflowTaskExecutions: Math.min(t.config.worker.maxWorkflows, 40),
    maxCachedWorkflows: t.config.worker.maxCachedWorkflows,
  });
  const running = worker.run();
  const ids = Array.from({ length: n }, (_, i) => `bench-noop-${t.name}-${run}-${i}`);
  const { ms } = await timed(async () => {
    // The watcher starts workflows as files arrive, several at a time; so does this.
    const handles = await mapLimit(ids, 16, (id) => t.client.workflow.start('benchNoop', { taskQueue, workflowId: id, args: [id] }));
    await Promise.all(handles.map((h) => h.result()));
  });
  worker.shutdown();
  await running;
  await connection.close();
  return n / (ms / 1000);
}

export async function runW2(ctx: BenchContext, t: TestEnv, worker: WorkerProcess, dataDir: string): Promise<ResultLine[]> {
  const files = ctx.sizes.w2Files;
  const perFile = 10;
  const rates: number[] = [];
  const floors: number[] = [];
  const p50s: number[] = [];
  const p95s: number[] = [];
  const totals: number[] = [];
  const stages: Record<string, number>[] = [];
  const cpuImport: Record<keyof W2Cpu, number>[] = [];
  const cpuFloor: Record<keyof W2Cpu, number>[] = [];
  for (let run = 0; run < ctx.runs; run++) {
    // New courses each run (other ids), so every run creates the same amount of work.
    const dir = path.join(t.ingestDir, `.w2-${run}`);
    await mkdir(dir, { recursive: true });
    const names: string[] = [];
    for (let i = 0; i < files; i++) {
      const name = `w2-r${run}-${String(i).padStart(4, '0')}.csv`;
      await writeCsv(path.join(dir, name), [...courseStream(perFile, SEED + 1 + run * 100_000 + i, 1_000_000 + (run * files + i) * perFile)].map(salted));
      names.push(name);
    }
    const since = new Date(Date.now() - 1000);
    const droppedAt = new Map<string, number>();
    const cpu0 = await readW2Cpu(worker.pid);
    const t0 = Date.now();
    for (const name of names) {
      droppedAt.set(name, Date.now());
      await rename(path.join(dir, name), path.join(t.folder('drop'), name));
    }
    const records = await waitForImports(t, names, since, Math.max(300_000, files * 10_000));
    cpuImport.push(perFileMs(cpu0, await readW2Cpu(worker.pid), files));
    const last = Math.max(...records.map((r) => r.finished_at!.getTime()));
    const totalMs = last - t0;
    const latencies = records.map((r) => r.finished_at!.getTime() - droppedAt.get(r.file_name)!);

    // None lost, none imported twice: one succeeded import per file, each file once in processed/, every course once.
    const byName = new Map<string, number>();
    for (const r of records) byName.set(r.file_name, (byName.get(r.file_name) ?? 0) + 1);
    const dup = [...byName.values()].filter((c) => c > 1).length;
    const failed = records.filter((r) => r.status !== 'succeeded').length;
    const processed = (await readdir(t.folder('processed'))).filter((f) => f.includes(`__w2-r${run}-`) && !f.endsWith('.report.json'));
    const [{ n: courses } = { n: 0 }] = await t.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM courses WHERE external_id >= ${`GEN-${String(1_000_000 + run * files * perFile).padStart(7, '0')}`}
        AND external_id < ${`GEN-${String(1_000_000 + (run + 1) * files * perFile).padStart(7, '0')}`}`;
    const lost = files - byName.size;
    if (lost || dup || failed || processed.length !== files || courses !== files * perFile)
      ctx.failures.push(`W2 run ${run + 1}: ${lost} lost, ${dup} imported twice, ${failed} failed, ${processed.length}/${files} archived, ${courses}/${files * perFile} courses`);

    // Where a file's time goes, from the histories of up to 50 of them spread over the run.
    const step = Math.max(1, Math.floor(records.length / 50));
    for (const r of records.filter((_, i) => i % step === 0)) stages.push(await importStages(t, r, droppedAt.get(r.file_name)!));

    rates.push(files / (totalMs / 1000));
    totals.push(totalMs);
    p50s.push(percentile(latencies, 50));
    p95s.push(percentile(latencies, 95));
    const cpu1 = await readW2Cpu(worker.pid);
    floors.push(await noopFloor(t, files, run));
    cpuFloor.push(perFileMs(cpu1, await readW2Cpu(worker.pid), files));
    ctx.log(`W2 run ${run + 1}: ${files} files in ${Math.round(totalMs)} ms (${rates.at(-1)!.toFixed(1)} files/s; no-op ${floors.at(-1)!.toFixed(1)}/s)`);
    ctx.log(`W2 run ${run + 1}: CPU ms per file, import: ${cpuText(cpuImport.at(-1)!)}; no-op: ${cpuText(cpuFloor.at(-1)!)}`);
  }
  const rate = summarize(rates);
  const floor = summarize(floors);
  return [
    {
      workload: 'W2',
      what: `${files} files × ${perFile} courses via the drop folder`,
      unit: 'files/s',
      value: rate,
      floor,
      floorWhat: 'no-op workflow, 7 no-op activities',
      ratio: rate.median / floor.median,
      target: { text: '≥ 0.8× no-op throughput', met: rate.median >= 0.8 * floor.median },
      notes: [
        `last archived after ${Math.round(summarize(totals).median)} ms`,
        'zero lost, zero duplicated (checked)',
        // On two cores the burst is CPU-bound: the ratio follows the CPU each file costs, which the load of the
        // machine changes far less than it changes the wall-clock times.
        `CPU ms per file (median of runs, from /proc), import: ${cpuText(medianOf(cpuImport))}; no-op floor: ${cpuText(medianOf(cpuFloor))}`,
      ],
    },
    {
      workload: 'W2',
      what: 'per-file latency p50',
      unit: 'ms',
      value: summarize(p50s),
      // the median stages of a file (from up to 50 histories per run): the chart's W2 bar
      stages: medianStages(stages.map((s) => ({ stages: s }))),
    },
    {
      workload: 'W2',
      what: 'per-file latency p95',
      unit: 'ms',
      value: summarize(p95s),
    },
  ];
}

function medianOf(readings: Record<keyof W2Cpu, number>[]): Record<keyof W2Cpu, number> {
  const keys = ['temporal', 'worker', 'bench', 'postgres', 'elasticsearch'] as const;
  return Object.fromEntries(keys.map((k) => [k, median(readings.map((r) => r[k]))])) as Record<keyof W2Cpu, number>;
}
