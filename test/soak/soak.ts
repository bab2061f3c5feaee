// npm run soak [-- --quick]: imports under faults, bounded in time. 20 imports of a ~5 MB file (--quick: 4 small
// files) while the worker is killed at random moments, Elasticsearch is paused, PostgreSQL is restarted once and
// the Temporal server is restarted once. Every import must end `succeeded` with exact counts in PostgreSQL and
// Elasticsearch, and nothing may be left in processing/ or incoming/. Exit code 0 when all of that holds.
//
// The faults on PostgreSQL, Temporal and Elasticsearch are applied to the local stack (infra/stack.sh, pid files
// under .stack/run); a service given by address (an external cluster) is left alone and said so. It restarts
// shared services: run it alone (npm test runs its --quick form before the test files, like the benchmark).
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestEnv, type TestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { coursesToCsv, generateCourses, rng } from '../support/generate';
import { startImport } from '../../src/temporal/start-import';

const run = promisify(execFile);
const root = path.join(import.meta.dirname, '..', '..');
const quick = process.argv.includes('--quick');
const FILES = quick ? 4 : 20;
const COURSES_PER_FILE = quick ? 2500 : 12_000; // ~5 MB of CSV with lessons at full size
const DEADLINE_MS = (quick ? 6 : 25) * 60_000;
const random = rng(Number(process.env.SOAK_SEED ?? 7));
const log = (msg: string): void => void process.stderr.write(`[soak ${Math.round((Date.now() - t0) / 1000)}s] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();

async function pidOf(service: 'postgres' | 'temporal' | 'elasticsearch'): Promise<number | null> {
  const text = await readFile(path.join(root, '.stack', 'run', `${service}.pid`), 'utf8').catch(() => null);
  const pid = Number(text?.trim());
  if (!pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** Waits until the process is gone (a fast shutdown of a busy PostgreSQL checkpoints first: tens of seconds). */
async function exited(pid: number, timeoutMs = 120_000): Promise<void> {
  await eventually(async () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }, `process ${pid} to stop`, timeoutMs);
}

async function stackUp(): Promise<void> {
  await run('bash', ['infra/stack.sh', 'up'], { cwd: root, env: process.env, maxBuffer: 16 * 1024 * 1024 });
}

/** The worker as its own process (as in production), restarted when it dies; kill() is the fault. */
class WorkerProcess {
  private child: ChildProcess | null = null;
  private stopping = false;
  kills = 0;
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker/main.ts'], { cwd: root, env: { ...this.env, LOG_LEVEL: 'error' }, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr!.on('data', () => {});
    child.once('exit', () => {
      if (this.child === child) this.child = null;
      // A worker that died by itself (the Temporal server gone, say) is brought back too, as the supervisor would.
      if (!this.stopping) setTimeout(() => void (this.child ? undefined : this.start()), 1000).unref();
    });
  }

  kill(): void {
    if (!this.child) return;
    this.kills++;
    this.child.kill('SIGKILL');
  }

  stop(): void {
    this.stopping = true;
    this.child?.kill('SIGKILL');
  }
}

interface Planned {
  name: string;
  courses: number;
  lessons: number;
  importId?: string;
}

async function main(): Promise<number> {
  // A worker killed a dozen times may die while handling the same import several times: that is this run's
  // fault, not the file's, so the crash budget is out of the way here (its own test is in worker-restart.test.ts).
  const t: TestEnv = await createTestEnv('soak', { IMPORT_MAX_CRASHES: '1000', ACTIVITY_HEARTBEAT_TIMEOUT: '10s' });
  const worker = new WorkerProcess(t.env);
  try {
    log(`${FILES} files of ${COURSES_PER_FILE} courses; faults: worker kills, Elasticsearch paused, PostgreSQL and Temporal restarted`);
    const planned: Planned[] = [];
    for (let i = 0; i < FILES; i++) {
      const courses = generateCourses(COURSES_PER_FILE, 100 + i, i * COURSES_PER_FILE);
      const name = `soak-${String(i + 1).padStart(2, '0')}.csv`;
      await writeFile(path.join(t.folder('incoming'), name), coursesToCsv(courses));
      planned.push({ name, courses: courses.length, lessons: courses.reduce((s, c) => s + c.lessons.length, 0) });
    }
    await worker.start();
    // Imports arrive over the first part of the run, so the faults meet them at every step.
    const starting = (async () => {
      for (const p of planned) {
        const started = await startImport(t.client, t.config, { path: path.join(t.folder('incoming'), p.name), fileName: p.name, source: 'cli', mode: 'create_or_update', dryRun: false, startedBy: 'soak' });
        p.importId = started.importId;
        await sleep(random() * (quick ? 3000 : 8000));
      }
    })();

    const faults = (async () => {
      const plan: (() => Promise<void>)[] = [
        async () => {
          worker.kill();
          log('worker killed (SIGKILL)');
        },
        async () => {
          const pid = await pidOf('elasticsearch');
          if (!pid) return log('Elasticsearch is not the local stack: not paused');
          process.kill(pid, 'SIGSTOP');
          log('Elasticsearch paused (SIGSTOP)');
          await sleep(quick ? 4000 : 15_000);
          process.kill(pid, 'SIGCONT');
          log('Elasticsearch resumed');
        },
        async () => {
          const pid = await pidOf('postgres');
          if (!pid) return log('PostgreSQL is not the local stack: not restarted');
          process.kill(pid, 'SIGINT'); // fast shutdown: sessions are cut, as in a crash of the service
          await exited(pid);
          log('PostgreSQL stopped (fast shutdown)');
          await sleep(2000);
          await stackUp();
          log('PostgreSQL started again');
        },
        async () => {
          worker.kill();
          log('worker killed (SIGKILL)');
        },
        async () => {
          const pid = await pidOf('temporal');
          if (!pid) return log('Temporal is not the local stack: not restarted');
          process.kill(pid, 'SIGTERM');
          await exited(pid);
          log('Temporal server stopped');
          await sleep(2000);
          await stackUp();
          log('Temporal server started again');
        },
      ];
      if (!quick) for (let i = 0; i < 6; i++) plan.push(async () => { worker.kill(); log('worker killed (SIGKILL)'); });
      for (const fault of plan) {
        await sleep((quick ? 1000 : 6000) + random() * (quick ? 2000 : 12_000));
        // A fault that could not be applied is said, and the run goes on: the checks below still hold.
        await fault().catch((err: unknown) => log(`fault failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`));
      }
    })();
    await starting;

    // Wait for every import to end, as a user would watch the ledger (the Temporal server restarts meanwhile).
    const deadline = Date.now() + DEADLINE_MS;
    let finished: { id: string; status: string; counts: { created: number; failed: number } | null }[] = [];
    for (;;) {
      finished = await t.sql<typeof finished>`SELECT id, status, counts FROM imports WHERE finished_at IS NOT NULL AND id = ANY(${planned.map((p) => p.importId!)}::uuid[])`.catch(() => finished);
      if (finished.length === planned.length) break;
      if (Date.now() > deadline) break;
      await sleep(1000);
    }
    await faults;
    log(`${finished.length} of ${planned.length} imports finished; worker killed ${worker.kills} times`);

    const failures: string[] = [];
    for (const p of planned) {
      const f = finished.find((x) => x.id === p.importId);
      if (!f) failures.push(`${p.name}: not finished within ${DEADLINE_MS / 60_000} min`);
      else if (f.status !== 'succeeded' || f.counts?.created !== p.courses) failures.push(`${p.name}: ${f.status}, created ${f.counts?.created} of ${p.courses}`);
    }
    const expectedCourses = planned.reduce((s, p) => s + p.courses, 0);
    const expectedLessons = planned.reduce((s, p) => s + p.lessons, 0);
    const [c] = await t.sql<{ n: number; keys: number }[]>`SELECT count(*)::int AS n, count(DISTINCT natural_key)::int AS keys FROM courses`;
    const [l] = await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM lessons`;
    if (c!.n !== expectedCourses || c!.keys !== expectedCourses) failures.push(`PostgreSQL holds ${c!.n} courses (${c!.keys} distinct), expected ${expectedCourses}`);
    if (l!.n !== expectedLessons) failures.push(`PostgreSQL holds ${l!.n} lessons, expected ${expectedLessons}`);
    await t.es.indices.refresh({ index: t.config.elasticsearch.alias });
    const { count } = await t.es.count({ index: t.config.elasticsearch.alias });
    if (count !== expectedCourses) failures.push(`Elasticsearch holds ${count} documents, expected ${expectedCourses}`);
    for (const folder of ['processing', 'incoming'] as const) {
      const left = (await readdir(t.folder(folder))).filter((n) => !n.startsWith('.'));
      if (left.length) failures.push(`${folder}/ still holds ${left.join(', ')}`);
    }
    log(failures.length === 0 ? `exact: ${expectedCourses} courses, ${expectedLessons} lessons, ${count} documents, folders clean` : `NOT EXACT:\n  ${failures.join('\n  ')}`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    worker.stop();
    // The services must be up for the next step (and for the clean-up), whatever happened.
    const es = await pidOf('elasticsearch');
    if (es) process.kill(es, 'SIGCONT');
    await stackUp().catch((err: unknown) => log(`stack up failed: ${String(err)}`));
    await t.close().catch((err: unknown) => log(`clean-up failed: ${String(err)}`));
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`[soak] ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
