import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJson } from '../../src/ingest/readers/json';
import { readRows } from '../../src/ingest/readers';
import { normalizeCourse } from '../../src/domain/normalize';
import { NOT_AN_OBJECT_KEY } from '../../src/domain/source-marks';
import { collect, LIMITS, readError, tempDir, writeFile } from './helpers/files';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const dir = tempDir();

test('the seed JSON example reads as one row and normalises with its lesson object', async () => {
  const rows = await collect(readJson(path.join(fixtures, 'seed-courses.json'), LIMITS));
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.rowNumber, 1);
  assert.equal(rows[0]!.raw.price, 99.99);
  assert.equal(rows[0]!.raw.is_free, false);
  const r = normalizeCourse(rows[0]!.raw);
  assert.ok(r.ok);
  assert.equal(r.course.title, 'Django Advanced');
  assert.equal(r.course.learning_mode, 'practice');
  assert.deepEqual(r.course.lessons, [{ title: 'Models avancés', content: 'Relations complexes...', order: 1, video_url: 'https://example.com/video1' }]);
  assert.deepEqual(r.course.tags, ['django', 'python', 'advanced', 'web-development']);
});

test('{"courses": [...]} is accepted; other top-level properties are ignored', async () => {
  const file = writeFile(dir, 'wrapped.json', JSON.stringify({ version: 2, meta: { courses: [{ title: 'not this one' }] }, courses: [{ title: 'A' }, { title: 'B' }], after: true }));
  const rows = await collect(readJson(file, LIMITS));
  assert.deepEqual(rows.map((r) => [r.rowNumber, r.raw.title]), [[1, 'A'], [2, 'B']]);
});

test('rowNumber is the 1-based position in the array; a non-object element becomes a row error', async () => {
  const file = writeFile(dir, 'mixed.json', '\uFEFF[{"title": "A"}, "oops", null, [1], {"title": "E"}]');
  const rows = await collect(readJson(file, LIMITS));
  assert.deepEqual(rows.map((r) => r.rowNumber), [1, 2, 3, 4, 5]);
  assert.deepEqual(rows.slice(1, 4).map((r) => r.raw[NOT_AN_OBJECT_KEY]), ['a string', 'null', 'an array']);
  const r = normalizeCourse(rows[1]!.raw);
  assert.equal(!r.ok && r.errors[0]!.message, 'this element is a string, not a course object ({"title": …})');
});

test('malformed JSON is reported with its line and column', async () => {
  const text = '[\n  {"title": "A"},\n  {"title": "B",}\n]\n';
  const err = await readError(readJson(writeFile(dir, 'bad.json', text), LIMITS));
  assert.equal(err.code, 'malformed');
  assert.match(err.message, /^invalid JSON at line 3, column 17: /);
});

test('truncated JSON is malformed and says where', async () => {
  const err = await readError(readJson(writeFile(dir, 'truncated.json', '[{"title": "A"},\n{"title": "B"'), LIMITS));
  assert.equal(err.code, 'malformed');
  assert.match(err.message, /line 2, column \d+/);
});

test('a top-level object without a courses array, or a non-array courses', async () => {
  const none = await readError(readJson(writeFile(dir, 'nocourses.json', '{"items": [{"title": "A"}]}'), LIMITS));
  assert.equal(none.code, 'empty');
  assert.match(none.message, /"courses" array/);
  const notArray = await readError(readJson(writeFile(dir, 'notarray.json', '{"courses": {"title": "A"}}'), LIMITS));
  assert.deepEqual([notArray.code, notArray.message], ['malformed', 'the "courses" property must be an array of course objects']);
});

test('an empty array is an empty file', async () => {
  assert.equal((await readError(readJson(writeFile(dir, 'emptyarr.json', '[]'), LIMITS))).code, 'empty');
});

test('too many rows', async () => {
  const file = writeFile(dir, 'many.json', JSON.stringify(Array.from({ length: 4 }, (_, i) => ({ title: `C${i}` }))));
  const err = await readError(readJson(file, { ...LIMITS, maxRows: 3 }));
  assert.deepEqual([err.code, err.rowsBefore], ['too_many_rows', 3]);
});

test('a .json that starts with "title," is a format mismatch', async () => {
  const err = await readError(readRows('json', writeFile(dir, 'csv.json', 'title,price\nA,0\n'), LIMITS));
  assert.equal(err.code, 'format_mismatch');
  assert.match(err.message, /named \.json but its content is text starting with 'title,price'/);
});
