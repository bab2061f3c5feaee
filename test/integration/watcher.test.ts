// The watcher's promises: the same content twice starts one import; files left in processing/ are resumed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { open, symlink, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { count, createTestEnv, type TestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { DropWatcher } from '../../src/watcher/drop-watcher';
import { logger } from '../../src/logger';
import { upsertImport } from '../../src/db/imports';
import { storedName } from '../../src/ingest/paths';
import { sha256File } from '../../src/ingest/hash';
import { importWorkflowId } from '../../src/contract';
import { coursesToCsv, generateCourses } from '../support/generate';

let t: TestEnv;
let watcher: DropWatcher | null = null;
const newWatcher = () => new DropWatcher({ client: t.client, sql: t.sql, config: t.config, logger: logger.child({ test: 'watcher' }) });

before(async () => {
  t = await createTestEnv('watcher');
  await t.startWorker();
});

after(async () => {
  await watcher?.close();
  await t?.close();
});

test('a file left in processing/ by a crash is resumed at start-up, and imported once', async () => {
  const content = coursesToCsv(generateCourses(50, 3));
  const importId = randomUUID();
  const file = path.join(t.folder('processing'), storedName(importId, 'left-behind.csv'));
  await writeFile(file, content);
  const sha256 = await sha256File(file);
  // What a crash between the move and the end of the workflow leaves: a ledger row and a file in processing/.
  await upsertImport(
    t.sql,
    { importId, path: file, fileName: 'left-behind.csv', sha256, sizeBytes: content.length, source: 'drop', mode: 'create_or_update', dryRun: false, startedBy: 'drop-folder', timeouts: { dryRunSeconds: 60, heartbeatSeconds: 5 } },
    { workflowId: importWorkflowId(sha256, t.config.temporal.workflowIdPrefix), storedPath: file, status: 'processing' },
  );
  // And a file that was dropped while no watcher ran.
  await writeFile(path.join(t.folder('drop'), 'waiting.csv'), 'title,price\n"Dropped while stopped",4\n');
  watcher = newWatcher();
  await watcher.start();
  await eventually(async () => {
    const [r] = await t.sql`SELECT status FROM imports WHERE file_name = 'waiting.csv' AND finished_at IS NOT NULL`;
    return r?.status === 'succeeded';
  }, 'the file present at start-up');
  const done = await eventually(async () => {
    const [r] = await t.sql`SELECT * FROM imports WHERE id = ${importId} AND finished_at IS NOT NULL`;
    return r;
  }, 'the resumed import');
  assert.equal(done.status, 'succeeded');
  assert.equal((done.counts as { created: number }).created, 50);
  assert.deepEqual(await t.list('processing'), []);
  assert.ok((await t.list('processed')).includes(storedName(importId, 'left-behind.csv')));
  const n = await count(t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM imports WHERE sha256 = ${sha256}`);
  assert.equal(n, 1, 'the resumed import keeps its ledger row');
});

test('the same content dropped twice at once starts one import and duplicates nothing', async () => {
  const content = coursesToCsv(generateCourses(2000, 11, 100));
  await Promise.all([t.drop('twice-a.csv', content), t.drop('twice-b.csv', content)]);
  const imports = await eventually(async () => {
    const rows = await t.sql`SELECT * FROM imports WHERE file_name IN ('twice-a.csv', 'twice-b.csv') AND finished_at IS NOT NULL`;
    return rows.length >= 1 ? rows : undefined;
  }, 'the import of the dropped file');
  await eventually(async () => (await t.list('drop')).length === 0, 'the drop folder to empty', 20_000);
  assert.equal(imports.length, 1, 'one import for one content');
  const n = await count(t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM courses WHERE external_id >= 'GEN-0000100' AND external_id < 'GEN-0002100'`);
  assert.equal(n, 2000);
  assert.equal(await count(t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM courses`), 50 + 1 + 2000);
  const processed = await t.list('processed');
  assert.ok(processed.some((f) => f.endsWith('__twice-a.csv')) && processed.some((f) => f.endsWith('__twice-b.csv')), 'both copies are archived');
});

test('a symbolic link in drop/ is not followed', async () => {
  const target = path.join(t.ingestDir, 'outside.csv');
  await writeFile(target, 'title\nVia symlink\n');
  await symlink(target, path.join(t.folder('drop'), 'link.csv'));
  // A file dropped after it is imported: by then the watcher has seen the link and passed it over.
  await t.drop('after-link.csv', 'title\nAfter the link\n');
  await eventually(async () => (await count(t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM imports WHERE file_name = 'after-link.csv' AND finished_at IS NOT NULL`)) === 1, 'the file dropped after the link to be imported');
  const n = await count(t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM imports WHERE file_name = 'link.csv'`);
  assert.equal(n, 0);
});

test('a dropped file whose name holds a right-to-left override is shown without it (never as …nosj.csv)', async () => {
  // "invoice\u202Evsc.json" displays as "invoicenosj.csv" where bidi controls are honoured: a .json posing as .csv.
  const tricky = 'invoice\u202Evsc.json';
  await t.drop(tricky, JSON.stringify([{ title: 'Bidi trick course', price: 0, is_free: true }]));
  const row = await eventually(async () => {
    const [r] = await t.sql<{ file_name: string; status: string }[]>`SELECT file_name, status FROM imports WHERE file_name LIKE 'invoice%' AND finished_at IS NOT NULL`;
    return r;
  }, 'the import of the file with a bidi control in its name');
  assert.equal(row.file_name, 'invoicevsc.json');
  assert.equal(row.status, 'succeeded', 'the format still comes from the real extension');
});

test('a producer writing slowly (a line every 0.6 s, longer than the size-stability wait) gets its whole file imported, once', async () => {
  assert.ok(watcher, 'the watcher started by the first test is running');
  const lines = ['title,price', ...Array.from({ length: 6 }, (_, i) => `"Slow producer course ${i + 1}",${i + 1}`)];
  const file = path.join(t.folder('drop'), 'slow-producer.csv');
  const fh = await open(file, 'w');
  for (const line of lines) {
    await fh.write(`${line}\n`);
    // Slower than WATCHER_STABLE_MS (500 ms): the size alone holds still long enough to look finished.
    await new Promise((r) => setTimeout(r, t.config.watcherStableMs + 100));
  }
  await fh.close();
  const imp = await eventually(async () => {
    const rows = await t.sql<{ status: string; counts: { created: number } | null; finished_at: Date | null }[]>`
      SELECT status, counts, finished_at FROM imports WHERE file_name = 'slow-producer.csv'`;
    return rows.length > 0 && rows.every((r) => r.finished_at) ? rows : undefined;
  }, 'the slow file to be imported');
  assert.equal(imp.length, 1, 'one import, not one per partial state');
  assert.equal(imp[0]!.status, 'succeeded');
  assert.equal(imp[0]!.counts?.created, 6);
});
