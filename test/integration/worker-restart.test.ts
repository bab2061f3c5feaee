// A worker killed in the middle of an import, then restarted: the import finishes, exactly once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTestEnv, type TestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { coursesToCsv, generateCourses } from '../support/generate';
import { startImport } from '../../src/temporal/start-import';
import { importOutcome } from '../../src/temporal/import-outcome';

const root = path.join(import.meta.dirname, '..', '..');
let t: TestEnv;
const workers: ChildProcess[] = [];

function spawnWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker/main.ts'], { cwd: root, env: { ...t.env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  workers.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('"worker started"')) resolve(child);
    });
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${output}`)));
  });
}

before(async () => {
  t = await createTestEnv('restart');
});

after(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await t?.close();
});

test('a worker killed mid-import and restarted finishes the import exactly once', { timeout: 240_000 }, async () => {
  const courses = generateCourses(10_000, 7);
  const file = path.join(t.folder('incoming'), 'big.csv');
  await writeFile(file, coursesToCsv(courses));

  const first = await spawnWorker();
  const started = await startImport(t.client, t.config, { path: file, fileName: 'big.csv', source: 'cli', mode: 'create_or_update', dryRun: false, startedBy: 'test' });

  // Kill it while rows are being staged: the parse activity is mid-way.
  await eventually(async () => {
    const [row] = await t.sql`SELECT rows_parsed FROM imports WHERE id = ${started.importId}`;
    return row && row.rows_parsed > 0;
  }, 'the parse to start', 60_000);
  first.kill('SIGKILL');
  const [mid] = await t.sql`SELECT rows_parsed, step FROM imports WHERE id = ${started.importId}`;
  assert.ok(mid!.rows_parsed < courses.length, `killed before the end of the parse (${mid!.rows_parsed} rows staged)`);

  await spawnWorker();
  const summary = await importOutcome(t.client.workflow.getHandle(started.workflowId));
  assert.equal(summary.status, 'succeeded');
  assert.equal(summary.counts.created, courses.length);

  const [c] = await t.sql`SELECT count(*)::int AS n, count(DISTINCT natural_key)::int AS keys FROM courses`;
  assert.equal(c!.n, courses.length);
  assert.equal(c!.keys, courses.length);
  const [l] = await t.sql`SELECT count(*)::int AS n FROM lessons`;
  assert.equal(l!.n, courses.reduce((s, x) => s + x.lessons.length, 0));
  const [staged] = await t.sql`SELECT count(*)::int AS n FROM import_rows WHERE import_id = ${started.importId}`;
  assert.equal(staged!.n, courses.length, 'every row staged once');
  const [notes] = await t.sql`SELECT count(*)::int AS n FROM import_notifications WHERE import_id = ${started.importId}`;
  assert.equal(notes!.n, 1);
  const { count } = await t.es.count({ index: t.config.elasticsearch.alias });
  assert.equal(count, courses.length);
  assert.deepEqual(await t.list('processed'), [`${started.importId}__big.csv`]);
});

test('a file whose step keeps ending with its worker fails after IMPORT_MAX_CRASHES crashes, archived to error/; the next file imports', { timeout: 300_000 }, async () => {
  // The worker the previous test restarted is still polling: it would take the retries this test kills.
  await Promise.all(workers.filter((w) => w.exitCode === null && w.signalCode === null).map((w) => new Promise((r) => { w.once('exit', r); w.kill('SIGKILL'); })));
  const courses = generateCourses(20_000, 11);
  const file = path.join(t.folder('incoming'), 'crasher.csv');
  await writeFile(file, coursesToCsv(courses));
  let worker = await spawnWorker();
  const started = await startImport(t.client, t.config, { path: file, fileName: 'crasher.csv', source: 'cli', mode: 'create_or_update', dryRun: false, startedBy: 'test' });
  // Kill the worker as soon as each attempt of the parse has started, as an out-of-memory death would.
  for (let attempt = 1; attempt <= t.config.maxCrashes; attempt++) {
    await eventually(async () => {
      const [row] = await t.sql`SELECT 1 AS ok FROM import_step_attempts WHERE import_id = ${started.importId} AND step = 'parse' AND attempt = ${attempt}`;
      return row !== undefined;
    }, `parse attempt ${attempt} to start`, 120_000);
    worker.kill('SIGKILL');
    worker = await spawnWorker();
  }
  const summary = await importOutcome(t.client.workflow.getHandle(started.workflowId));
  assert.equal(summary.status, 'failed');
  assert.equal(summary.error?.code, 'worker_crashed');
  assert.match(summary.error?.message ?? '', /the file crashed the worker: its parse step ended with the worker 3 times/);
  const [imp] = await t.sql`SELECT status, error_code, archived_to FROM imports WHERE id = ${started.importId}`;
  assert.equal(imp!.status, 'failed');
  assert.equal(imp!.error_code, 'worker_crashed');
  assert.match(String(imp!.archived_to), /\/error\/.+__crasher\.csv$/);

  // The pipeline goes on: the next file imports with the same worker.
  const next = path.join(t.folder('incoming'), 'after-crasher.csv');
  await writeFile(next, 'title,price\n"After the crasher",5\n');
  const after = await startImport(t.client, t.config, { path: next, fileName: 'after-crasher.csv', source: 'cli', mode: 'create_or_update', dryRun: false, startedBy: 'test' });
  const ok = await importOutcome(t.client.workflow.getHandle(after.workflowId));
  assert.equal(ok.status, 'succeeded');
});
