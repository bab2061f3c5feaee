// The conformance corpus of real-world catalogue files (test/fixtures/conformance/): each file is dropped into
// the watched folder as a user would, imported by the real workflow, and its courses are compared field by field
// with the `<file>.expected.json` beside it, with the warnings and row errors a user must be shown.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createDropFolderEnv, finishedImport, type TestEnv } from '../support/env';

const corpus = path.join(import.meta.dirname, '..', 'fixtures', 'conformance');

/** The shape of a `<file>.expected.json` (see test/fixtures/conformance/README.md). */
interface Expected {
  producer: string;
  kind: string;
  status: 'succeeded' | 'succeeded_with_errors' | 'failed';
  courses: ({ title: string; lessons?: string[]; tags_include?: string[] } & Record<string, unknown>)[];
  fileWarnings?: string[];
  rowWarnings?: { row: number; field: string }[];
  rowErrors?: { row: number; field: string }[];
  fileError?: string;
}

const cases = readdirSync(corpus)
  .filter((f) => f.endsWith('.expected.json'))
  .sort()
  .map((f) => ({ file: f.slice(0, -'.expected.json'.length), expected: JSON.parse(readFileSync(path.join(corpus, f), 'utf8')) as Expected }));

let t: TestEnv;
let stack: Awaited<ReturnType<typeof createDropFolderEnv>>;

before(async () => {
  stack = await createDropFolderEnv('conformance');
  t = stack.t;
});

after(async () => {
  await stack?.close();
});

/** A stored value in the vocabulary of the expectations (numeric columns come back from PostgreSQL as text). */
function storedValue(course: Record<string, unknown>, field: string): unknown {
  const v = course[field];
  if ((field === 'duration_hours' || field === 'price') && v !== null) return Number(v);
  return v;
}

test('the corpus is not empty and every case names its producer and kind', () => {
  assert.ok(cases.length >= 9, `only ${cases.length} conformance cases`);
  for (const c of cases) assert.ok(c.expected.producer && c.expected.kind, `${c.file}: producer and kind`);
});

describe('each real-world file imports with exactly the expected values', () => {
  for (const { file, expected } of cases) {
    test(`${file} (${expected.producer}: ${expected.kind})`, async () => {
      await t.drop(file, readFileSync(path.join(corpus, file)));
      const imp = await finishedImport(t, file, 1, 120_000);
      const why = `${file}: ${imp.error_code ?? ''} ${imp.error_message ?? ''}`;
      assert.equal(imp.status, expected.status, why);
      if (expected.fileError) assert.equal(imp.error_code, expected.fileError, why);

      const codes = (imp.warnings ?? []).map((w) => w.code);
      for (const code of expected.fileWarnings ?? []) assert.ok(codes.includes(code), `${file}: a '${code}' warning among ${JSON.stringify(imp.warnings)}`);

      const rows = await t.sql<{ row_number: number; errors: { field: string; message: string }[] | null; warnings: { field: string; message: string }[] | null }[]>`
        SELECT row_number, errors, warnings FROM import_rows WHERE import_id = ${imp.id} ORDER BY row_number`;
      for (const w of expected.rowWarnings ?? []) {
        const row = rows.find((r) => r.row_number === w.row);
        assert.ok(row?.warnings?.some((x) => x.field === w.field), `${file}: a warning on row ${w.row}, ${w.field}; got ${JSON.stringify(row?.warnings)}`);
      }
      for (const e of expected.rowErrors ?? []) {
        const row = rows.find((r) => r.row_number === e.row);
        assert.ok(row?.errors?.some((x) => x.field === e.field), `${file}: an error on row ${e.row}, ${e.field}; got ${JSON.stringify(row?.errors)}`);
      }
      const unexpectedErrors = rows.filter((r) => r.errors && !(expected.rowErrors ?? []).some((e) => e.row === r.row_number));
      assert.deepEqual(unexpectedErrors, [], `${file}: rows with errors nobody expected`);
      // Never a replacement character stored: a byte the decoder did not understand is a refused file, not a '�'.
      const replaced = await t.sql`SELECT row_number FROM import_rows WHERE import_id = ${imp.id} AND (raw::text LIKE '%\uFFFD%' OR course::text LIKE '%\uFFFD%')`;
      assert.equal(replaced.length, 0, `${file}: U+FFFD stored`);

      const courses = await t.sql<Record<string, unknown>[]>`
        SELECT c.*, coalesce((SELECT array_agg(l.title ORDER BY l.position) FROM lessons l WHERE l.course_id = c.id), '{}') AS lesson_titles
        FROM import_rows r JOIN courses c ON c.natural_key = r.natural_key
        WHERE r.import_id = ${imp.id} AND r.action IN ('create', 'update', 'unchanged') ORDER BY r.row_number`;
      assert.deepEqual(courses.map((c) => c.title).sort(), expected.courses.map((c) => c.title).sort(), `${file}: the courses imported`);
      for (const want of expected.courses) {
        const got = courses.find((c) => c.title === want.title)!;
        for (const [field, value] of Object.entries(want)) {
          if (field === 'lessons') assert.deepEqual(got.lesson_titles, value, `${file}: lessons of '${want.title}'`);
          else if (field === 'tags_include') for (const tag of value as string[]) assert.ok((got.tags as string[]).includes(tag), `${file}: tag ${tag} of '${want.title}'`);
          else assert.deepEqual(storedValue(got, field), value, `${file}: ${field} of '${want.title}'`);
        }
      }
    });
  }
});
