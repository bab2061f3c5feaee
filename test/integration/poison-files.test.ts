// Issue 16, "poison input", through the real workflow: each hostile file (built here by the generators of
// test/support/poison-files.ts) ends within a bounded time, failed with its bound named or with its rows
// reported, the worker keeps running, and an ordinary file dropped afterwards imports.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createDropFolderEnv, finishedImport, type TestEnv } from '../support/env';
import type { ImportRecord } from '../../src/db/imports';
import {
  courseWithDeepValue, csvWithLateNul, deeplyNestedJson, jsonWithOversizedRows, jsonWithUnstorableText, repeatedCellsOds,
  sharedStringsBomb,
} from '../support/poison-files';

const fixtures = path.join(import.meta.dirname, '..', 'fixtures');
/** What an operator waits for at most: a poison file never keeps an import "processing". */
const ENDS_WITHIN_MS = 60_000;

let t: TestEnv;
let stack: Awaited<ReturnType<typeof createDropFolderEnv>>;

before(async () => {
  stack = await createDropFolderEnv('poison');
  t = stack.t;
});

after(async () => {
  await stack?.close();
});

const finished = (fileName: string): Promise<ImportRecord> => finishedImport(t, fileName, 1, ENDS_WITHIN_MS);

async function rowErrors(importId: string): Promise<{ row_number: number; errors: { field: string; message: string }[] }[]> {
  return t.sql`SELECT row_number, errors FROM import_rows WHERE import_id = ${importId} AND errors IS NOT NULL ORDER BY row_number`;
}

async function rowWarnings(importId: string): Promise<string[]> {
  const rows = await t.sql<{ message: string }[]>`
    SELECT w->>'message' AS message FROM import_rows, jsonb_array_elements(warnings) w WHERE import_id = ${importId} ORDER BY row_number`;
  return rows.map((r) => r.message);
}

test('file-level poison: each fails alone with its bound named, and goes to error/', async () => {
  const cases: [string, Buffer | string, RegExp][] = [
    ['nested.json', deeplyNestedJson(), /^nesting deeper than 32 levels at line 1, column 33/],
    ['deep-course.json', courseWithDeepValue(), /^nesting deeper than 32 levels at line 1, column \d+/],
    ['repeated.ods', repeatedCellsOds(), /expands to more than 500000 cells with a value/],
  ];
  for (const [name, content] of cases) await t.drop(name, content);
  for (const [name, , message] of cases) {
    const imp = await finished(name);
    assert.equal(imp.status, 'failed', name);
    assert.equal(imp.error_code, 'too_complex', name);
    assert.match(imp.error_message ?? '', message, name);
    assert.ok((await t.list('error')).includes(`${imp.id}__${name}`), `${name} in error/`);
  }
});

test('the shared-strings bomb: its rows are reported with the bound, the ordinary row imports', async () => {
  await t.drop('bomb.xlsx', sharedStringsBomb());
  const imp = await finished('bomb.xlsx');
  assert.equal(imp.status, 'succeeded_with_errors');
  assert.equal(imp.counts?.created, 1);
  assert.equal(imp.counts?.failed, 40);
  const errors = await rowErrors(imp.id);
  assert.equal(errors.length, 40);
  assert.equal(errors[0]!.errors[0]!.message, 'title: a value of 900000 characters; at most 100000 per value');
});

test('value and row bounds are row errors; text PostgreSQL cannot store is removed with a warning', async () => {
  await t.drop('oversized.json', jsonWithOversizedRows());
  await t.drop('late-nul.csv', csvWithLateNul());
  await t.drop('unstorable.json', jsonWithUnstorableText());
  // A stray NUL in the first lines: still a text file (only a file full of zeros is binary).
  await t.drop('early-nul.csv', Buffer.from('titre;prix\nNul au début\u0000;10\nSans souci;5\n', 'utf8'));

  const oversized = await finished('oversized.json');
  assert.equal(oversized.status, 'succeeded_with_errors');
  assert.deepEqual((await rowErrors(oversized.id)).map((r) => r.errors[0]!.message), [
    'description: a value of 150000 characters; at most 100000 per value',
    'this row is 1.2 MB; at most 1 MB per row',
  ]);

  const nul = await finished('late-nul.csv');
  assert.equal(nul.status, 'succeeded');
  assert.deepEqual(await rowWarnings(nul.id), ['description: removed 2 NUL characters (text PostgreSQL cannot store)']);
  const [course] = await t.sql<{ description: string }[]>`SELECT description FROM courses WHERE title = 'Course with NUL'`;
  assert.equal(course?.description, 'Badbyteshere');

  const early = await finished('early-nul.csv');
  assert.equal(early.status, 'succeeded', `${early.error_code}: ${early.error_message}`);
  assert.deepEqual(await rowWarnings(early.id), ['title (column \'titre\'): removed a NUL character (text PostgreSQL cannot store)']);

  const unstorable = await finished('unstorable.json');
  assert.equal(unstorable.status, 'succeeded');
  assert.ok((await rowWarnings(unstorable.id)).includes('description: removed a lone UTF-16 surrogate (text PostgreSQL cannot store)'));
});

test('after all of them the worker is still up and the next ordinary file imports', async () => {
  await t.drop('seed-after-poison.csv', await readFile(path.join(fixtures, 'seed-courses.csv')));
  const imp = await finished('seed-after-poison.csv');
  assert.ok(['succeeded'].includes(imp.status), imp.status);
  assert.deepEqual(await t.list('processing'), []);
});
