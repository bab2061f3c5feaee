// Issue 16, "poison input": files of a few KB built to expand (shared strings, nesting, repeated cells) or to
// hold what PostgreSQL cannot store. Each is refused, or its rows reported, quickly, with the bound named,
// and the memory of this process (node --test runs each file in its own) stays bounded while it is read.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as XLSX from '@e965/xlsx';
import { readRows } from '../../src/ingest/readers';
import { stagedRowJson } from '../../src/activities/parse';
import { guardRow } from '../../src/domain/row-guard';
import { storableText, noneRemoved } from '../../src/domain/pg-text';
import { show } from '../../src/domain/values';
import { normalizeCourse } from '../../src/domain/normalize';
import { parseXmlStream, XmlTextRunError } from '../../src/ingest/readers/sheet/xml';
import { DEFAULT_READER_LIMITS, type FileFormat, type ReaderLimits } from '../../src/domain/types';
import type { StagedRow } from '../../src/db/staging';
import { readError, tempDir, writeFile } from './helpers/files';
import {
  courseWithDeepValue, csvWithLateNul, deeplyNestedJson, jsonWithOversizedRows, jsonWithUnstorableText, repeatedCellsOds,
  sharedStringsBomb, xlsxWithSharedStrings,
} from '../support/poison-files';

const dir = tempDir();
const LIMITS: ReaderLimits = DEFAULT_READER_LIMITS;
/** What a user waits for at most: every hostile file is dealt with well within it. */
const QUICK_MS = 5000;
const GROWTH_LIMIT = 120 * 1024 * 1024;

/** Reads and stages every row as the parse step does, measuring time and RSS growth (sampled). */
async function stageAll(format: FileFormat, file: string, limits = LIMITS): Promise<{ rows: StagedRow[]; ms: number; growth: number }> {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 5);
  const started = Date.now();
  const rows: StagedRow[] = [];
  try {
    for await (const row of readRows(format, file, limits)) {
      const json = stagedRowJson(row, limits);
      peak = Math.max(peak, process.memoryUsage.rss());
      rows.push(JSON.parse(json) as StagedRow);
    }
  } finally {
    clearInterval(timer);
  }
  return { rows, ms: Date.now() - started, growth: peak - baseline };
}

async function timedError(format: FileFormat, file: string, limits = LIMITS) {
  const started = Date.now();
  const err = await readError(readRows(format, file, limits));
  return { ...err, ms: Date.now() - started };
}

test('a shared-strings bomb (one long text referenced by every cell) becomes row errors, in bounded memory', async () => {
  const bomb = sharedStringsBomb();
  assert.ok(bomb.length < 16 * 1024, `the workbook is small: ${bomb.length} bytes`);
  const { rows, ms, growth } = await stageAll('xlsx', writeFile(dir, 'bomb.xlsx', bomb));
  assert.equal(rows.length, 41);
  assert.equal(rows[0]!.errors, null, 'the ordinary course before the bomb imports');
  for (const row of rows.slice(1)) {
    assert.ok(row.errors, `row ${row.row_number} is refused`);
    assert.match(row.errors[0]!.message, /^title: a value of 900000 characters; at most 100000 per value$/);
    assert.match(row.errors.at(-1)!.message, /180 more values of this row are over a limit/);
    assert.ok(JSON.stringify(row.raw).length < 60_000, 'the staged raw row keeps previews only');
  }
  assert.ok(ms < QUICK_MS, `${ms} ms`);
  assert.ok(growth < GROWTH_LIMIT, `RSS grew by ${Math.round(growth / 1048576)} MB`);
});

test("the shared strings table is bounded in texts and characters; a text over the value bound is kept as its head", async () => {
  const many = writeFile(dir, 'many-strings.xlsx', xlsxWithSharedStrings(Array.from({ length: 2000 }, (_, i) => `s${i}`), [[0]]));
  const err = await timedError('xlsx', many, { ...LIMITS, maxSharedStrings: 1000 });
  assert.equal(err.code, 'too_complex');
  assert.match(err.message, /shared strings table \(xl\/sharedStrings.xml\) holds more than 1000 texts; at most 1000/);
  const chars = writeFile(dir, 'long-strings.xlsx', xlsxWithSharedStrings(Array.from({ length: 20 }, () => 'y'.repeat(50_000)), [[0]]));
  const err2 = await timedError('xlsx', chars, { ...LIMITS, maxSharedStringChars: 500_000 });
  assert.equal(err2.code, 'too_complex');
  assert.match(err2.message, /holds more than 500000 characters of text; at most 500000/);
});

test('an XML text run over the parser bound is refused before saxes holds it', async () => {
  async function* chunks() {
    yield Buffer.from('<a>');
    for (let i = 0; i < 40; i++) yield Buffer.alloc(64 * 1024, 0x41);
    yield Buffer.from('</a>');
  }
  await assert.rejects(parseXmlStream(chunks(), {}, 1_000_000), (e: unknown) => e instanceof XmlTextRunError && /more than 1000000 characters/.test(e.message));
  let text = 0;
  await parseXmlStream((async function* () { yield Buffer.from(`<r><a>${'b'.repeat(1000)}</a><c/></r>`); })(), { text: (t) => { text += t.length; } }, 2000);
  assert.equal(text, 1000);
});

test('a JSON array nested two million levels deep is refused while streaming, with its place', async () => {
  const file = writeFile(dir, 'deep.json', deeplyNestedJson());
  const err = await timedError('json', file);
  assert.equal(err.code, 'too_complex');
  assert.equal(err.message.split(':')[0], 'nesting deeper than 32 levels at line 1, column 33');
  assert.ok(err.ms < QUICK_MS, `${err.ms} ms`);
  // Brackets inside strings are text, and a file within the bound is read (levels: 1 [, 2 {, 3 [, then 28).
  const atBound = `[${'{"a":['.repeat(14)}"[[[{{{\\"[["${']}'.repeat(14)}]`;
  const ok = writeFile(dir, 'at-bound.json', `[{"title":"Strings","price":0,"x":${atBound}}]`);
  const rows = [];
  for await (const row of readRows('json', ok, LIMITS)) rows.push(row);
  assert.equal(rows.length, 1);
});

test('a course with a value nested deeper than the bound: refused at read time (JSON) or a row error (any row)', async () => {
  const file = writeFile(dir, 'deep-course.json', courseWithDeepValue());
  const err = await timedError('json', file);
  assert.equal(err.code, 'too_complex');
  assert.match(err.message, /^nesting deeper than 32 levels at line 1, column \d+/);

  let deep: unknown = 'x';
  for (let i = 0; i < 100_000; i++) deep = { a: [deep] };
  const staged = JSON.parse(stagedRowJson({ rowNumber: 2, raw: { title: 'Deep', price: 0, tags: deep } })) as StagedRow;
  assert.deepEqual(staged.errors, [{ field: 'tags', code: 'value_too_deep', params: { kind: 'object', max: 32 }, message: 'tags: an object nested deeper than 32 levels; at most 32' }]);
  assert.equal(staged.raw.tags, '(an object nested deeper than 32 levels, not kept)');
  // A JSON text inside a CSV cell (lessons and tags accept one) is parsed and reported without recursion.
  const cell = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
  const lessons = normalizeCourse({ title: 'Cell', price: '0', lessons: cell.slice(0, 99_000) + cell.slice(-99_000) });
  assert.equal(lessons.ok, false);
  assert.match(show(deep), /^'\{"a":\[\{"a":\[/);
});

test('text PostgreSQL cannot store is removed, with a row warning: NUL past the first 64 KB of a CSV, \\u0000 and lone surrogates in JSON', async () => {
  const csv = csvWithLateNul();
  assert.ok(csv.indexOf(0) > 64 * 1024, 'the NUL byte is past the encoding sample');
  const { rows } = await stageAll('csv', writeFile(dir, 'late-nul.csv', csv));
  const nul = rows.at(-1)!;
  assert.equal(nul.errors, null);
  assert.equal(nul.raw.description, 'Badbyteshere');
  assert.equal(nul.course!.description, 'Badbyteshere');
  assert.deepEqual(nul.warnings, [{ field: 'description', code: 'chars_removed', params: { nul: 2, surrogates: 0, context: 'nul' }, message: 'description: removed 2 NUL characters (text PostgreSQL cannot store)' }]);

  const json = await stageAll('json', writeFile(dir, 'unstorable.json', jsonWithUnstorableText()));
  const [first, second] = json.rows;
  assert.equal(first!.course!.title, 'Nultitle');
  assert.equal(first!.raw.description, 'lone  surrogate');
  assert.deepEqual(first!.warnings!.map((w) => w.message), [
    'title: removed a NUL character (text PostgreSQL cannot store)',
    'description: removed a lone UTF-16 surrogate (text PostgreSQL cannot store)',
  ]);
  assert.deepEqual(Object.keys(second!.raw), ['title', 'price', 'column']);
  for (const row of json.rows) assert.doesNotMatch(JSON.stringify(row), /\\u0000|\\ud[89ab]/i);
  // Emoji (a surrogate pair) stay.
  assert.equal(storableText('a😀b\u0000', noneRemoved()), 'a😀b');
});

test('value length and row size: row errors naming the bound, the file goes on', async () => {
  const { rows, ms } = await stageAll('json', writeFile(dir, 'oversized.json', jsonWithOversizedRows()));
  assert.equal(rows[0]!.errors, null);
  assert.deepEqual(rows[1]!.errors, [{ field: 'description', code: 'value_too_long', params: { length: 150000, max: 100000 }, message: 'description: a value of 150000 characters; at most 100000 per value', path: '/1/description' }]);
  // Sizes are stored in bytes (each reader's language writes them: `1,2 Mo`); the English message says them too.
  const [big] = rows[2]!.errors ?? [];
  assert.deepEqual({ ...big, params: undefined }, { field: '*', code: 'row_too_large', params: undefined, message: 'this row is 1.2 MB; at most 1 MB per row', path: '/2' });
  assert.equal(big!.params!.max, 1024 * 1024);
  assert.ok(typeof big!.params!.size === 'number' && big!.params!.size > 1.2 * 1024 * 1024 && big!.params!.size < 1.3 * 1024 * 1024, String(big!.params!.size));
  assert.ok(JSON.stringify(rows[2]!.raw).length < 20_000);
  assert.ok(ms < QUICK_MS);
  const many = guardRow(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, 'v'.repeat(99_000)])), LIMITS);
  assert.match(many.errors[0]!.message, /^this row is more than 4 MB; at most 1 MB per row$/);
});

test('.ods: repeated rows and columns that expand to a billion cells are refused before SheetJS', async () => {
  const ods = repeatedCellsOds();
  assert.ok(ods.length < 4096);
  const err = await timedError('ods', writeFile(dir, 'repeated.ods', ods));
  assert.equal(err.code, 'too_complex');
  assert.match(err.message, /expands to more than 500000 cells with a value/);
  assert.ok(err.ms < QUICK_MS);
});

test('.xls: the file size SheetJS may read whole is bounded, with the way out', async () => {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['title', 'price'], ...Array.from({ length: 2000 }, (_, i) => [`Course ${i}`, i])]), 'Cours');
  const xls = XLSX.write(wb, { type: 'buffer', bookType: 'biff8' }) as Buffer;
  const err = await timedError('xls', writeFile(dir, 'big.xls', xls), { ...LIMITS, maxXlsBytes: 10 * 1024 });
  assert.equal(err.code, 'too_large');
  assert.match(err.message, /a legacy \.xls is read whole in memory, so at most 10\.0 KB: save it as \.xlsx/);
});
