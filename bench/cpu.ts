// CPU time spent by the worker, PostgreSQL and Elasticsearch, read from /proc (proc(5): /proc/<pid>/stat fields
// 14-17 utime, stime, cutime, cstime, in clock ticks). Issue 17 (W1, W7): the benchmark prints CPU seconds per
// 1,000 courses, so a change that makes an import cheaper shows even where the wall-clock time hides it.
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Clock ticks per second (sysconf(_SC_CLK_TCK)): 100 on Linux unless configured otherwise. */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** utime + stime of the process itself, seconds */
  own: number;
  /** cutime + cstime: the children it has waited for (a postmaster's ended backends), seconds */
  children: number;
}

/** The stat of process `pid`, or of its thread `tid` (/proc/<pid>/stat sums every thread of the process). */
async function readStat(pid: number, tid?: number): Promise<ProcStat | null> {
  const text = await readFile(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => null);
  if (!text) return null;
  // The command name is in parentheses and may hold spaces: the fields after it are split from its closing one.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state): field n is f[n - 3].
  const n = (field: number) => Number(f[field - 3]);
  return { pid, comm, ppid: n(4), own: (n(14) + n(15)) / TICKS, children: (n(16) + n(17)) / TICKS };
}

async function allStats(): Promise<ProcStat[]> {
  const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
  // Not `pids.map(readStat)`: map's second argument (the index) would be taken for a thread id, and every
  // reading would come back null (the benchmark printed 0 ms of CPU per 1,000 courses, as "met").
  return (await Promise.all(pids.map((pid) => readStat(pid)))).filter((s): s is ProcStat => s !== null);
}

async function cmdline(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ');
}

/** Cumulative CPU seconds of each service; differences of two readings give what a workload cost. */
export interface CpuReading {
  worker: number;
  postgres: number;
  elasticsearch: number;
}

/** The local stack's run folder (infra/stack.sh writes each service's pid there). */
const stackRunDir = path.resolve(import.meta.dirname, '..', '.stack', 'run');

/**
 * The pid of a service of this checkout's local stack (`postgres`, `elasticsearch`, `temporal`), from its pid file,
 * when that process is alive and is the expected program; null otherwise (a stack given by address, or stopped).
 */
export async function stackPid(service: 'postgres' | 'elasticsearch' | 'temporal'): Promise<number | null> {
  const pid = Number((await readFile(path.join(stackRunDir, `${service}.pid`), 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const stat = await readStat(pid);
  const expected = { postgres: 'postgres', elasticsearch: 'java', temporal: 'temporal' }[service];
  return stat?.comm === expected ? pid : null;
}

/**
 * Reads the CPU seconds so far of the worker (`workerPid`, with the children it has waited for: the workflow
 * bundler), of PostgreSQL (its postmaster and backends, plus what its ended backends used) and of Elasticsearch
 * (its JVM). The services are this checkout's local stack (its pid files), so another stack on the same machine
 * (a second checkout's tests) is not counted; without pid files (a stack given by address), every `postgres`
 * process and every Elasticsearch JVM of the machine is.
 */
export async function readCpu(workerPid: number): Promise<CpuReading> {
  const stats = await allStats();
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const worker = byPid.get(workerPid);
  const postmaster = await stackPid('postgres');
  let postgres = 0;
  for (const s of stats) {
    if (s.comm !== 'postgres') continue;
    if (postmaster !== null && s.pid !== postmaster && s.ppid !== postmaster) continue;
    postgres += s.own;
    // The postmaster (a postgres process whose parent is not one) also counts its ended backends.
    if (byPid.get(s.ppid)?.comm !== 'postgres') postgres += s.children;
  }
  const jvm = await stackPid('elasticsearch');
  let elasticsearch = 0;
  for (const s of stats) {
    if (jvm !== null ? s.pid !== jvm : !(s.comm === 'java' && (await cmdline(s.pid)).includes('org.elasticsearch'))) continue;
    elasticsearch += s.own + s.children;
  }
  return { worker: worker ? worker.own + worker.children : 0, postgres, elasticsearch };
}

/** CPU seconds so far of the Temporal dev server: this checkout's stack's, or every one on the machine without it. */
export async function temporalServerCpu(): Promise<number> {
  const own = await stackPid('temporal');
  if (own !== null) return (await readStat(own))?.own ?? 0;
  let total = 0;
  for (const s of await allStats()) if (s.comm === 'temporal' && /temporal\0server\0start-dev/.test(await readFile(`/proc/${s.pid}/cmdline`, 'utf8').catch(() => ''))) total += s.own;
  return total;
}

/** `after - before`, per service, in CPU seconds. */
export function cpuSpent(before: CpuReading, after: CpuReading): CpuReading {
  return { worker: after.worker - before.worker, postgres: after.postgres - before.postgres, elasticsearch: after.elasticsearch - before.elasticsearch };
}

/**
 * The services of `spent` that read no CPU at all (a whole import costs each of them some ticks): their process was
 * not found in /proc, so their figure is not a measurement. The benchmark reports them as a failure.
 */
export function unmeasuredServices(spent: CpuReading): (keyof CpuReading)[] {
  return (['worker', 'postgres', 'elasticsearch'] as const).filter((k) => !(spent[k] > 0));
}

/** CPU seconds spent on `courses` courses, as milliseconds per 1,000 courses (the unit of issue 17's CPU figures). */
export function msPer1000Courses(seconds: number, courses: number): number {
  return (seconds * 1e6) / courses;
}

/** CPU seconds so far of a JVM: all of it, and its JIT compiler threads' share (`C1 CompilerThre…`, `C2 CompilerThre…`). */
export interface JvmCpuReading {
  total: number;
  jit: number;
}

/**
 * Reads the CPU seconds of this checkout's Elasticsearch JVM and of its JIT compiler threads (proc(5):
 * /proc/<pid>/task/<tid>/stat, each thread named by HotSpot), or null when the stack's JVM is not known (a stack
 * given by address). A JVM whose compiler threads still take a share of its CPU is still compiling the code it runs.
 */
export async function readElasticsearchJit(): Promise<JvmCpuReading | null> {
  const pid = await stackPid('elasticsearch');
  if (pid === null) return null;
  const total = (await readStat(pid))?.own ?? 0;
  let jit = 0;
  for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [] as string[])) {
    const s = await readStat(pid, Number(tid));
    if (s && /^C[12] CompilerThre/.test(s.comm)) jit += s.own;
  }
  return { total, jit };
}

/** Elasticsearch's JIT has settled when its compiler threads take less than this share of its CPU over a stretch of load. */
export const JIT_SETTLED_SHARE = 0.03;

/**
 * The share (0–1) of Elasticsearch's CPU its JIT compiler threads took between two readings, or null when either
 * reading is missing (a stack given by address).
 */
export function jitShare(before: JvmCpuReading | null, after: JvmCpuReading | null): number | null {
  return before && after ? (after.jit - before.jit) / Math.max(0.01, after.total - before.total) : null;
}

/** JIT shares (jitShare) as text, "26 %, 2 %", or null when any is missing (a stack given by address). */
export function jitSharesText(shares: (number | null)[]): string | null {
  return shares.every((j) => j !== null) ? shares.map((j) => `${Math.round(100 * j!)} %`).join(', ') : null;
}
