// W7 (issue 17): small-file latency, one file at a time on an otherwise idle stack, and the CPU each service
// spends per 1,000 courses. A file of 10 courses from its rename into drop/ to searchable and archived (the
// ledger's finished_at, written by the archive step after the index step), p50 and p95; then
// `course-import FILE --wait` of such a file end to end, the CLI's start-up included (bin/course-import.js runs
// the build, dist/cli.js, when it is current: `npm run bench` builds first).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestEnv } from '../test/support/env';
import { courseStream } from '../test/support/generate';
import type { WorkerProcess } from './proc';
import { SEED, salted, writeCsv } from './data';
import { importOne, medianStages, type ImportTiming } from './imports';
import { cpuSpent, msPer1000Courses, readCpu, unmeasuredServices, type CpuReading } from './cpu';
import { percentile, summarize, timed } from './stats';
import type { BenchContext, ResultLine } from './report-types';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const PER_FILE = 10;

/** CPU ms per 1,000 courses of each service, as three table lines of `workload`. */
export function cpuLines(workload: string, spent: CpuReading, courses: number): ResultLine[] {
  return ([['worker', spent.worker], ['PostgreSQL', spent.postgres], ['Elasticsearch', spent.elasticsearch]] as const).map(([who, s]) => ({
    workload,
    what: `CPU time per 1,000 courses: ${who}`,
    unit: 'ms' as const,
    value: summarize([msPer1000Courses(s, courses)]),
    notes: [`${s.toFixed(2)} s of CPU over ${courses} courses, from /proc`],
  }));
}

export async function runW7(ctx: BenchContext, t: TestEnv, worker: WorkerProcess, dataDir: string): Promise<ResultLine[]> {
  const files = ctx.quick ? 3 : 30;
  const cliRuns = ctx.quick ? 1 : 5;
  const base = 2_000_000;
  const timings: ImportTiming[] = [];
  const before = await readCpu(worker.pid);
  for (let i = 0; i < files; i++) {
    const file = path.join(dataDir, `w7-${i}.csv`);
    await writeCsv(file, [...courseStream(PER_FILE, SEED + 700 + i, base + i * PER_FILE)].map(salted));
    timings.push(await importOne(t, file, `w7-${i}.csv`, 120_000));
  }
  const spent = cpuSpent(before, await readCpu(worker.pid));
  const unread = unmeasuredServices(spent);
  if (unread.length) ctx.failures.push(`W7: no CPU read from /proc for ${unread.join(', ')}`);
  const latencies = timings.map((x) => x.ms);

  const cli: number[] = [];
  for (let i = 0; i < cliRuns; i++) {
    const file = path.join(dataDir, `w7-cli-${i}.csv`);
    await writeCsv(file, [...courseStream(PER_FILE, SEED + 800 + i, base + 100_000 + i * PER_FILE)].map(salted));
    const { ms, value } = await timed(() => run(process.execPath, [path.join(root, 'bin', 'course-import.js'), file, '--wait', '--json'], { cwd: root, env: t.env, timeout: 120_000 }));
    const summary = JSON.parse(value.stdout) as { status?: string };
    if (summary.status !== 'succeeded') ctx.failures.push(`W7 CLI import ${i + 1} ended ${summary.status}`);
    cli.push(ms);
  }
  const p50 = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  ctx.log(`W7: ${files} files one at a time, p50 ${Math.round(p50)} ms, p95 ${Math.round(p95)} ms; CLI --wait ${cli.map((m) => Math.round(m)).join(', ')} ms`);
  return [
    {
      workload: 'W7',
      what: `one ${PER_FILE}-course file, drop → searchable and archived, p50`,
      unit: 'ms',
      value: summarize([p50]),
      target: { text: '≤ 1 s', met: p50 <= 1000 },
      stages: medianStages(timings),
      notes: [`${files} files, one at a time`],
    },
    {
      workload: 'W7',
      what: `one ${PER_FILE}-course file, drop → searchable and archived, p95`,
      unit: 'ms',
      value: summarize([p95]),
      target: { text: '≤ 2 s', met: p95 <= 2000 },
    },
    {
      workload: 'W7',
      what: `npx course-import FILE --wait (${PER_FILE} courses), end to end`,
      unit: 'ms',
      value: summarize(cli),
      target: { text: '≤ 1.5 s', met: percentile(cli, 50) <= 1500 },
    },
    ...cpuLines('W7', spent, files * PER_FILE),
  ];
}
