// A worker killed in the middle of an import, then restarted: the import finishes, exactly once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTestEnv, eventually, type TestEnv } from '../support/env';
import { coursesToCsv, generateCourses } from '../support/generate';
import { startImport } from '../../src/temporal/start-import';
import type { ImportSummary } from '../../src/contract';

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
  const summary = (await t.client.workflow.getHandle(started.workflowId).result()) as ImportSummary;
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
