// The very first `npm start` on an empty database schema (issue 11): the supervisor, the worker, the watcher and the
// server all start at once, and nothing writes before the migrations have made the tables. Before, the
// supervisor's first monitoring report came first and the log showed "relation component_heartbeats does not
// exist". The person starting the product reads the log: it must not carry such a warning.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestEnv, type TestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { onChildLines } from '../support/child-lines';
import { createSql, type Sql } from '../../src/db/client';
import { supervisorStatus } from '../../src/monitoring/status';
import { listHeartbeats } from '../../src/db/heartbeats';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let t: TestEnv;
let fresh: Sql;
const schema = `t_first_start_${randomBytes(3).toString('hex')}`;
let supervisor: ChildProcess | null = null;
const pids = new Set<number>();

before(async () => {
  // The supervisor's children run from the build, as `npm start` runs them (npm test builds it first).
  assert.ok(existsSync(path.join(root, 'dist', 'worker.js')), 'dist/ is missing: run `npm run build` first (npm test does)');
  t = await createTestEnv('first_start');
  fresh = createSql(t.config.databaseUrl, 1, schema);
});

after(async () => {
  if (supervisor && supervisor.exitCode === null && supervisor.signalCode === null) supervisor.kill('SIGKILL');
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
  await t.sql.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await fresh.end({ timeout: 5 });
  await t.close();
});

test('a first start on an empty schema logs no write before the migrations', { timeout: 240_000 }, async () => {
  const raw: string[] = [];
  supervisor = spawn(process.execPath, ['--import', 'tsx', 'src/supervisor/main.ts'], {
    cwd: root,
    // A schema no process has seen: every table is made at this start.
    env: { ...t.env, DATABASE_SCHEMA: schema, LOG_LEVEL: 'info', PORT: '0', SUPERVISOR_GRACE_MS: '10000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onChildLines(supervisor, ({ raw: line, json }) => {
    raw.push(line);
    if (typeof json?.msg === 'string' && json.msg.endsWith(' spawned') && typeof json.pid === 'number') pids.add(json.pid);
  });

  // Up as a person sees it: the worker says it started, and the monitoring page (its heartbeats) shows the
  // supervisor and the watcher.
  await eventually(async () => raw.some((l) => l.includes('"msg":"worker started"')), 'the worker to run', 180_000);
  await eventually(async () => (await supervisorStatus(fresh)).length > 0, 'the supervisor on the monitoring page', 60_000);
  await eventually(async () => (await listHeartbeats(fresh)).some((h) => h.component === 'watcher'), 'the watcher on the monitoring page', 60_000);

  const exited = new Promise<number | null>((resolve) => supervisor!.once('exit', (code) => resolve(code)));
  supervisor.kill('SIGINT');
  assert.equal(await exited, 0);
  const missing = raw.filter((l) => /does not exist/.test(l));
  assert.deepEqual(missing, [], 'no process wrote to a table before the migrations made it');
});
