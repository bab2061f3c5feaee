// A second worker on the same host: a busy metrics port is a warning, never a crash; port 0 takes any free
// port and says which. First the metrics server alone, then real worker processes (`npm run worker`'s code).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { Writable } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createTestEnv, type TestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { startMetricsServer } from '../../src/metrics/server';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let t: TestEnv;
const children: ChildProcess[] = [];
const held: Server[] = [];

before(async () => {
  t = await createTestEnv('metricsports');
});

after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const s of held) s.close();
  await t?.close();
});

/** A pino logger whose lines are kept for the test to read. */
function capturingLogger(): { logger: pino.Logger; lines: { level: number; msg: string; port?: number }[] } {
  const lines: { level: number; msg: string; port?: number }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

/** Holds a port on 127.0.0.1 the way another process would; returns it. */
async function holdPort(): Promise<number> {
  const s = createServer();
  held.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const a = s.address();
  assert.ok(a && typeof a !== 'string');
  return a.port;
}

test('the metrics server started twice on one port: the second warns and gives null, the first goes on; port 0 binds a real port', async () => {
  const { logger, lines } = capturingLogger();
  const first = await startMetricsServer({ sql: t.sql, es: t.es, config: t.config, logger, port: 0 });
  assert.ok(first);
  assert.ok(first.port > 0, 'port 0 gives the port actually bound');
  assert.equal(first.url, `http://127.0.0.1:${first.port}/metrics`);
  assert.ok(lines.some((l) => l.msg === 'metrics served' && l.port === first.port), 'the bound port is logged');
  try {
    const second = await startMetricsServer({ sql: t.sql, es: t.es, config: t.config, logger, port: first.port });
    assert.equal(second, null);
    const warning = lines.find((l) => l.level === 40 && /metrics port \d+ is busy/.test(l.msg));
    assert.ok(warning, `a warning, got ${JSON.stringify(lines)}`);
    assert.equal((await fetch(first.url)).status, 200, 'the first one still serves');
  } finally {
    await first.close();
  }
});

function spawnWorker(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker/main.ts'], { cwd: root, env: { ...t.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', () => {
      if (output.includes('"worker started"')) resolve({ child, output: () => output });
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${output}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

test('a worker whose metrics ports are taken starts anyway, with warnings; one on port 0 serves /metrics on the port it logs', { timeout: 180_000 }, async () => {
  const busyWorkerPort = await holdPort();
  const busyTemporalPort = await holdPort();
  const crowded = await spawnWorker({ WORKER_METRICS_PORT: String(busyWorkerPort), TEMPORAL_METRICS_PORT: String(busyTemporalPort) });
  try {
    assert.match(crowded.output(), new RegExp(`metrics port ${busyWorkerPort} is busy`));
    assert.match(crowded.output(), new RegExp(`Temporal metrics port ${busyTemporalPort} is busy`));
    assert.equal(crowded.child.exitCode, null, 'the worker is still running');

    const free = await spawnWorker({ WORKER_METRICS_PORT: '0', TEMPORAL_METRICS_PORT: '0' });
    try {
      const started = free.output().split('\n').find((l) => l.includes('"worker started"'));
      const { metrics, temporalMetricsPort } = JSON.parse(started ?? '{}') as { metrics?: string; temporalMetricsPort?: number };
      assert.match(metrics ?? '', /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      assert.ok(typeof temporalMetricsPort === 'number' && temporalMetricsPort > 0);
      assert.equal((await fetch(metrics!)).status, 200);
      // The SDK's exporter comes up with the worker: wait for it as a scraper would.
      await eventually(async () => (await fetch(`http://127.0.0.1:${temporalMetricsPort}/metrics`)).ok, 'the Temporal metrics endpoint', 30_000);
    } finally {
      await stop(free.child);
    }
  } finally {
    await stop(crowded.child);
  }
});
