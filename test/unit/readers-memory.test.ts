// The readers stream: a file at the 10 MB limit must not be held in memory, row by row or as a whole.
// Peak RSS of this test process is sampled while reading (node --test runs each file in its own process).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { DEFAULT_READER_LIMITS } from '../../src/domain/types';
import { tempDir } from './helpers/files';
import { TEN_MB, peakWhileReading, writeTenMb } from './helpers/memory';
import path from 'node:path';

const dir = tempDir();
const limits = { ...DEFAULT_READER_LIMITS, maxFileBytes: TEN_MB + 1024 * 1024, maxRows: 1_000_000, maxUncompressedBytes: 200 * 1024 * 1024 };
const RSS_LIMIT = 300 * 1024 * 1024;
// Growth above the process's RSS before reading: V8 collects lazily, so some growth is normal; holding the
// rows of a 10 MB file would take far more.
const GROWTH_LIMIT = 150 * 1024 * 1024;

function row(i: number): string[] {
  return [`Course ${i} ${Math.random().toString(36).slice(2)}`, `Description of course ${i}: ${Math.random().toString(36).repeat(3)}`, String(i % 50), 'beginner', '49,99', 'Intro;Variables;Functions', 'python,web'];
}

test('a 10 MB CSV is streamed', async (t) => {
  const file = path.join(dir, 'big.csv');
  const count = await writeTenMb(file, { head: 'title;description;duration;difficulty;price;lessons;tags\n', item: (i) => `${row(i).join(';')}\n` });
  assert.ok(statSync(file).size > 9 * 1024 * 1024 && statSync(file).size <= limits.maxFileBytes, `size ${statSync(file).size}`);
  const { rows, peak, growth } = await peakWhileReading('csv', file, limits);
  t.diagnostic(`${rows} rows, ${Math.round(statSync(file).size / 1048576)} MB file, peak RSS ${Math.round(peak / 1048576)} MB (+${Math.round(growth / 1048576)} MB)`);
  assert.equal(rows, count);
  assert.ok(growth < GROWTH_LIMIT, `RSS grew by ${Math.round(growth / 1048576)} MB`);
  assert.ok(peak < RSS_LIMIT, `peak RSS ${Math.round(peak / 1048576)} MB`);
});

test('a 10 MB JSON array is streamed', async (t) => {
  const file = path.join(dir, 'big.json');
  const count = await writeTenMb(file, {
    head: '[\n',
    item: (i) => {
      const [title, description, duration, difficulty, price, lessons, tags] = row(i);
      return `${i > 0 ? ',' : ''}${JSON.stringify({ title, description, duration: Number(duration), difficulty, price, lessons: lessons!.split(';'), tags: tags!.split(',') })}\n`;
    },
    tail: ']\n',
  });
  assert.ok(statSync(file).size > 9 * 1024 * 1024 && statSync(file).size <= limits.maxFileBytes, `size ${statSync(file).size}`);
  const { rows, peak, growth } = await peakWhileReading('json', file, limits);
  t.diagnostic(`${rows} rows, ${Math.round(statSync(file).size / 1048576)} MB file, peak RSS ${Math.round(peak / 1048576)} MB (+${Math.round(growth / 1048576)} MB)`);
  assert.equal(rows, count);
  assert.ok(growth < GROWTH_LIMIT, `RSS grew by ${Math.round(growth / 1048576)} MB`);
  assert.ok(peak < RSS_LIMIT, `peak RSS ${Math.round(peak / 1048576)} MB`);
});

test('a large xlsx is streamed', async (t) => {
  const file = path.join(dir, 'big.xlsx');
  const count = 60_000;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet('Cours');
  ws.addRow(['title', 'description', 'duration', 'difficulty', 'price', 'lessons', 'tags']).commit();
  for (let i = 0; i < count; i++) ws.addRow(row(i)).commit();
  ws.commit();
  await wb.commit();
  const { rows, peak, growth } = await peakWhileReading('xlsx', file, limits);
  t.diagnostic(`${rows} rows, ${Math.round(statSync(file).size / 1048576)} MB file, peak RSS ${Math.round(peak / 1048576)} MB (+${Math.round(growth / 1048576)} MB)`);
  assert.equal(rows, count);
  assert.ok(growth < GROWTH_LIMIT, `RSS grew by ${Math.round(growth / 1048576)} MB`);
  assert.ok(peak < RSS_LIMIT, `peak RSS ${Math.round(peak / 1048576)} MB (file ${Math.round(statSync(file).size / 1048576)} MB)`);
});
