// The upsert into a catalogue that was emptied: its chunks must not look each course up by scanning `courses`.
// The driver prepares statements and PostgreSQL caches a generic plan per connection; re-planned while `courses`
// was empty (emptied, then analysed, as autovacuum does), that plan scanned the whole table for every row, and the
// chunks filled the table under it: a first import of 25k rows took 81 s instead of 20 (benchmark W1). What a
// user would see is time, which tests do not measure; what PostgreSQL counts is the rows it read by scanning
// `courses` (pg_stat_user_tables.seq_tup_read), which grows with the square of the rows in that case.
// Also: what the upsert records of the courses it wrote (import_courses, migration 028) and what reads it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestEnv, type TestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { createSql, type Sql } from '../../src/db/client';
import { applyImport } from '../../src/db/courses';
import { importsOfCourse } from '../../src/db/course-queries';
import { analyzeStaging, insertStagedRows } from '../../src/db/staging';
import { stagedRowJson } from '../../src/activities/parse';

let t: TestEnv;
/** One connection: the prepared statements and their cached plans live in it, from one import to the next. */
let one: Sql;

before(async () => {
  t = await createTestEnv('upsert_plans');
  one = createSql(t.config.databaseUrl, 1, t.config.databaseSchema);
});

after(async () => {
  await one?.end();
  await t?.close();
});

/** Stages the rows `raws` (records as a reader gives them) for a new import, as the parse step does; returns its id. */
async function stage(label: string, raws: Record<string, unknown>[]): Promise<string> {
  const importId = randomUUID();
  await one`INSERT INTO imports (id, workflow_id, sha256, file_name, stored_path, source, mode, dry_run, size_bytes, status)
            VALUES (${importId}, ${`import-${importId}`}, ${importId.replace(/-/g, '').padEnd(64, '0')}, ${`${label}.csv`},
                    ${`/tmp/${label}.csv`}, 'cli', 'create_or_update', false, 100, 'processing')`;
  const json = raws.map((raw, i) => stagedRowJson({ rowNumber: i + 2, raw }));
  for (let i = 0; i < json.length; i += 500) await insertStagedRows(one, importId, json.slice(i, i + 500));
  await analyzeStaging(one, raws.length);
  return importId;
}

/** Stages `rows` new courses of two lessons each for a new import and returns its id. */
function stagedImport(rows: number, label: string): Promise<string> {
  return stage(label, Array.from({ length: rows }, (_, i) =>
    ({ external_id: `${label}-${i}`, title: `Cours ${label} ${i}`, price: '10', lessons: 'Intro;Suite' })));
}

/** Rows inserted into and read by sequential scans of `courses`, as the statistics system has them. */
async function coursesStats(): Promise<{ inserted: number; scanned: number }> {
  await t.sql`SELECT pg_stat_clear_snapshot()`;
  const [s] = await t.sql<{ inserted: string; scanned: string }[]>`
    SELECT n_tup_ins AS inserted, coalesce(seq_tup_read, 0) AS scanned FROM pg_stat_user_tables
    WHERE schemaname = ${t.config.databaseSchema} AND relname = 'courses'`;
  return { inserted: Number(s?.inserted ?? 0), scanned: Number(s?.scanned ?? 0) };
}

/** Waits until the connection's counters have reached the statistics system (`inserted` rows at least). */
async function flushedStats(inserted: number): Promise<{ inserted: number; scanned: number }> {
  await one`SELECT pg_stat_force_next_flush()`;
  return eventually(async () => {
    const s = await coursesStats();
    return s.inserted >= inserted ? s : undefined;
  }, `courses statistics showing ${inserted} inserted rows`);
}

test('an import into an emptied catalogue looks its courses up by key, not by scanning them all (chunk after chunk)', async () => {
  // A first import on this connection: its chunk statement runs often enough for PostgreSQL to keep a generic plan.
  const first = await stagedImport(600, 'first');
  assert.equal(await applyImport(one, first, 'create_or_update', { chunkRows: 50 }), 600);
  const afterFirst = await flushedStats(600);

  // The catalogue emptied and analysed (what autovacuum does after it): the cached plans are made again.
  await one`TRUNCATE courses, lessons CASCADE`;
  await one`ANALYZE courses`;

  const rows = 3000;
  const second = await stagedImport(rows, 'second');
  assert.equal(await applyImport(one, second, 'create_or_update', { chunkRows: 50 }), rows);
  const afterSecond = await flushedStats(afterFirst.inserted + rows);

  // Every course is there with its lessons, active (the file has no is_active column).
  const [c] = await t.sql<{ n: number; active: number; lessons: number }[]>`
    SELECT count(*)::int AS n, count(*) FILTER (WHERE is_active)::int AS active,
      (SELECT count(*)::int FROM lessons) AS lessons FROM courses`;
  assert.deepEqual(c, { n: rows, active: rows, lessons: 2 * rows });
  // A lookup by scan reads every course written before it: 3000 rows would read about 4.5 million. By key, the
  // scans left are the statements that read the whole table once (the lessons' before-images, ANALYZE's sample).
  const scanned = afterSecond.scanned - afterFirst.scanned;
  assert.ok(scanned < 20 * rows, `courses rows read by sequential scans during the import: ${scanned}`);
});

test('in one file, a row that gives is_active sets it and a row that does not keeps the course\'s status', async () => {
  const statusOf = async () =>
    Object.fromEntries((await t.sql<{ external_id: string; is_active: boolean; title: string }[]>`
      SELECT external_id, is_active, title FROM courses WHERE external_id LIKE 'MIX-%' ORDER BY external_id`).map((c) => [c.external_id, [c.is_active, c.title]]));
  const first = await stage('mixed-1', [
    { external_id: 'MIX-A', title: 'Cours A', price: '10', is_active: 'false' },
    { external_id: 'MIX-B', title: 'Cours B', price: '10', is_active: 'false' },
  ]);
  assert.equal(await applyImport(one, first, 'create_or_update'), 2);
  assert.deepEqual(await statusOf(), { 'MIX-A': [false, 'Cours A'], 'MIX-B': [false, 'Cours B'] });
  // A gives its status; B changes its title and says nothing of its status; C is new and says nothing.
  const second = await stage('mixed-2', [
    { external_id: 'MIX-A', title: 'Cours A', price: '10', is_active: 'true' },
    { external_id: 'MIX-B', title: 'Cours B revu', price: '10' },
    { external_id: 'MIX-C', title: 'Cours C', price: '10' },
  ]);
  assert.equal(await applyImport(one, second, 'create_or_update'), 3);
  assert.deepEqual(await statusOf(), { 'MIX-A': [true, 'Cours A'], 'MIX-B': [false, 'Cours B revu'], 'MIX-C': [true, 'Cours C'] });
});

test('each course written is recorded with its row; the course\'s history names the import that created it and the one that changed it; a re-run writes nothing and keeps the lessons', async () => {
  const recorded = async (importId: string) =>
    (await t.sql<{ row_number: number; external_id: string }[]>`
      SELECT a.row_number, c.external_id
      FROM import_courses a JOIN courses c ON c.id = a.course_id WHERE a.import_id = ${importId} ORDER BY a.row_number`)
      .map((r) => [r.row_number, r.external_id]);
  const lessonsOf = async (externalId: string) =>
    (await t.sql<{ title: string }[]>`
      SELECT l.title FROM lessons l JOIN courses c ON c.id = l.course_id WHERE c.external_id = ${externalId} ORDER BY l.position`).map((l) => l.title);
  const first = await stage('history-1', [
    { external_id: 'HIS-A', title: 'Cours A', price: '10', lessons: 'Intro;Suite' },
    { external_id: 'HIS-B', title: 'Cours B', price: '10', lessons: 'Un;Deux' },
  ]);
  assert.equal(await applyImport(one, first, 'create_or_update'), 2);
  assert.deepEqual(await recorded(first), [[2, 'HIS-A'], [3, 'HIS-B']]);

  // A changes (title and lessons), B is the same: only A is written, and only its row is recorded.
  const second = await stage('history-2', [
    { external_id: 'HIS-A', title: 'Cours A revu', price: '10', lessons: 'Intro;Suite;Fin' },
    { external_id: 'HIS-B', title: 'Cours B', price: '10', lessons: 'Un;Deux' },
  ]);
  assert.equal(await applyImport(one, second, 'create_or_update'), 1);
  assert.deepEqual(await recorded(second), [[2, 'HIS-A']]);
  assert.deepEqual(await lessonsOf('HIS-A'), ['Intro', 'Suite', 'Fin']);
  assert.deepEqual(await lessonsOf('HIS-B'), ['Un', 'Deux']);

  const [a] = await t.sql<{ id: string }[]>`SELECT id FROM courses WHERE external_id = 'HIS-A'`;
  const [b] = await t.sql<{ id: string }[]>`SELECT id FROM courses WHERE external_id = 'HIS-B'`;
  const historyOf = async (id: string) => (await importsOfCourse(t.sql, Number(id))).map((i) => [i.file_name, i.action, i.row_number]);
  assert.deepEqual(await historyOf(a!.id), [['history-2.csv', 'update', 2], ['history-1.csv', 'create', 2]]);
  assert.deepEqual(await historyOf(b!.id), [['history-2.csv', 'unchanged', 3], ['history-1.csv', 'create', 3]]);

  // The upsert retried after it committed (its activity's result lost): nothing written, the record and the
  // lessons as they were.
  assert.equal(await applyImport(one, second, 'create_or_update'), 0);
  assert.deepEqual(await recorded(second), [[2, 'HIS-A']]);
  assert.deepEqual(await lessonsOf('HIS-A'), ['Intro', 'Suite', 'Fin']);
});
