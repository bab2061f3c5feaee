// `npm start`'s supervisor with the real worker, watcher and admin server: a worker killed with SIGKILL is
// restarted (and the log says so), and a Ctrl-C (SIGINT) of the supervisor leaves no process behind.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestEnv, type TestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { onChildLines } from '../support/child-lines';
import { restartDelay } from '../../src/supervisor/supervise';
import { supervisorStatus } from '../../src/monitoring/status';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let t: TestEnv;
let supervisor: ChildProcess | null = null;
const seenPids = new Set<number>();

before(async () => {
  // The supervisor and its children run from the build, as `npm start` runs them (npm test builds it first).
  assert.ok(existsSync(path.join(root, 'dist', 'supervisor.js')), 'dist/ is missing: run `npm run build` first (npm test does)');
  t = await createTestEnv('supervisor');
});

after(async () => {
  if (supervisor && supervisor.exitCode === null && supervisor.signalCode === null) supervisor.kill('SIGKILL');
  for (const pid of seenPids) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
  await t?.close();
});

interface LogLine {
  msg: string;
  process?: string;
  pid?: number;
  level: number;
  url?: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('restart with backoff', () => {
  assert.deepEqual([1, 2, 3, 10].map((n) => restartDelay(n, { initialMs: 1000, maxMs: 5000 })), [1000, 2000, 4000, 5000]);
});

test('a killed worker is restarted; SIGINT stops every process and leaves none behind', { timeout: 240_000 }, async () => {
  const lines: LogLine[] = [];
  supervisor = spawn(process.execPath, ['--enable-source-maps', 'dist/supervisor.js'], {
    cwd: root,
    env: { ...t.env, LOG_LEVEL: 'info', PORT: '0', SUPERVISOR_BACKOFF_MS: '200', SUPERVISOR_BACKOFF_MAX_MS: '1000', SUPERVISOR_GRACE_MS: '10000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onChildLines(supervisor, ({ json }) => {
    if (!json || typeof json.msg !== 'string') return;
    const parsed = json as unknown as LogLine;
    lines.push(parsed);
    if (parsed.msg.endsWith(' spawned') && typeof parsed.pid === 'number') seenPids.add(parsed.pid);
  });
  const startedPid = (name: string, after = 0) => lines.slice(after).find((l) => l.msg === `${name} spawned`)?.pid;

  const workerPid = await eventually(async () => startedPid('worker'), 'the worker to be spawned');
  await eventually(async () => startedPid('watcher'), 'the watcher to be spawned');
  await eventually(async () => startedPid('server'), 'the server to be spawned');
  // The worker really running (connected, workflows bundled): its own log line, through the supervisor's output.
  await eventually(async () => lines.some((l) => l.msg === 'worker started'), 'the worker to run', 180_000);
  // The admin server really serving (not crash-looping): its sign-in page answers.
  const admin = await eventually(async () => lines.find((l) => l.msg === 'admin server listening')?.url, 'the admin server to listen', 120_000);
  assert.equal((await fetch(`${admin}login/`)).status, 200);

  const mark = lines.length;
  process.kill(workerPid, 'SIGKILL');
  const warning = await eventually(async () => lines.slice(mark).find((l) => l.level === 40 && /^worker exited \(SIGKILL\); restarting it in \d+ ms$/.test(l.msg)), 'the restart warning');
  assert.ok(warning);
  const newPid = await eventually(async () => startedPid('worker', mark), 'the worker to be restarted', 30_000);
  assert.notEqual(newPid, workerPid);
  assert.ok(alive(newPid));
  // The monitoring page's source: the supervisor's report says the worker was restarted.
  const reported = await eventually(async () => {
    const snapshot = await supervisorStatus(t.sql);
    return snapshot.flatMap((s) => s.processes).find((p) => p.name === 'worker' && p.restarts >= 1);
  }, 'the restart reported for the monitoring page', 30_000);
  assert.equal(reported.lastExit?.signal, 'SIGKILL');

  const exited = new Promise<number | null>((resolve) => supervisor!.once('exit', (code) => resolve(code)));
  supervisor.kill('SIGINT');
  assert.equal(await exited, 0);
  for (const pid of seenPids) assert.equal(alive(pid), false, `process ${pid} is left behind`);
  assert.deepEqual(await supervisorStatus(t.sql), [], 'a clean stop takes the report off the page');
});
