import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { readXlsx } from '../../src/ingest/readers/xlsx';
import { readRows } from '../../src/ingest/readers';
import { normalizeCourse } from '../../src/domain/normalize';
import { collect, LIMITS, readError, tempDir, writeFile } from './helpers/files';
import { buildZip, readZip } from './helpers/zip';

const dir = tempDir();

async function writeWorkbook(name: string, build: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  const file = writeFile(dir, name, '');
  await wb.xlsx.writeFile(file);
  return file;
}

const HEADER = ['title', 'description', 'duration', 'difficulty', 'learning_mode', 'price', 'is_free', 'lessons', 'tags', 'start'];

async function catalogue(name = 'catalogue.xlsx'): Promise<string> {
  return writeWorkbook(name, (wb) => {
    const ws = wb.addWorksheet('Cours');
    ws.addRow(HEADER);
    ws.addRow(['Python Basics', 'Introduction au Python', 10, 'beginner', 'text', 0, true, 'Intro;Variables;Functions', 'python,beginner', new Date(Date.UTC(2024, 8, 1))]);
    ws.addRow([]); // an empty row is skipped
    ws.addRow([
      { richText: [{ text: 'Excel ' }, { text: 'Avancé', font: { bold: true } }] },
      'Tableaux croisés',
      { formula: 'C2*2', result: 20 },
      'Avancé',
      'Vidéo',
      { formula: 'ROUND(49.989,2)', result: 49.99 },
      false,
      'Formules|Graphiques',
      'excel',
      null,
    ]);
    const other = wb.addWorksheet('Brouillon');
    other.addRow(['title', 'price']);
    other.addRow(['Must not be read', 0]);
  });
}

test('the first worksheet is read: numbers, booleans, dates, rich text and formula results', async () => {
  const rows = await collect(readXlsx(await catalogue(), LIMITS));
  assert.deepEqual(rows.map((r) => r.rowNumber), [2, 4]);
  const [first, second] = rows;
  assert.equal(first!.raw.title, 'Python Basics');
  assert.equal(first!.raw.duration, 10);
  assert.equal(first!.raw.is_free, true);
  assert.ok(first!.raw.start instanceof Date);
  assert.equal((first!.raw.start as Date).toISOString(), '2024-09-01T00:00:00.000Z');
  assert.equal(second!.raw.title, 'Excel Avancé');
  assert.equal(second!.raw.duration, 20, 'formula cell read as its cached result');
  assert.equal(second!.raw.price, 49.99);
  assert.equal(second!.raw.is_free, false);
  assert.ok(!('start' in second!.raw), 'empty cells are left out');
  assert.ok(rows.every((r) => r.raw.title !== 'Must not be read'));

  const c = normalizeCourse(second!.raw);
  assert.ok(c.ok);
  assert.deepEqual([c.course.duration_hours, c.course.difficulty, c.course.learning_mode, c.course.price], [20, 'advanced', 'video', 49.99]);
  assert.deepEqual(c.course.lessons.map((l) => l.title), ['Formules', 'Graphiques']);
});

test('a formula without a cached result is a row error on its field, not a file error', async () => {
  const file = await writeWorkbook('nocache.xlsx', (wb) => {
    const ws = wb.addWorksheet('S');
    ws.addRow(['title', 'price']);
    ws.addRow(['A', { formula: '1/0' }]);
  });
  const rows = await collect(readXlsx(file, LIMITS));
  const r = normalizeCourse(rows[0]!.raw);
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.errors[0]!.field, 'price');
  assert.match(!r.ok ? r.errors[0]!.message : '', /spreadsheet error/);
});

test('the tab listed first in the workbook is read, even when it is stored second', async () => {
  const file = await catalogue('reordered-src.xlsx');
  const entries = await readZip(file);
  const workbook = entries.find((e) => e.name === 'xl/workbook.xml')!;
  const xml = workbook.data.toString('utf8');
  const sheets = xml.match(/<sheet [^>]*\/>/g)!;
  assert.equal(sheets.length, 2);
  workbook.data = Buffer.from(xml.replace(sheets[0]!, '\u0000').replace(sheets[1]!, sheets[0]!).replace('\u0000', sheets[1]!));
  const rows = await collect(readXlsx(writeFile(dir, 'reordered.xlsx', buildZip(entries)), LIMITS));
  assert.deepEqual(rows.map((r) => r.raw.title), ['Must not be read']);
});

test('missing title column and empty sheet', async () => {
  const noTitle = await writeWorkbook('notitle.xlsx', (wb) => {
    const ws = wb.addWorksheet('S');
    ws.addRow(['name', 'price']);
    ws.addRow(['A', 0]);
  });
  const err = await readError(readXlsx(noTitle, LIMITS));
  assert.equal(err.code, 'missing_columns');
  assert.match(err.message, /columns found: 'name', 'price'/);
  const empty = await writeWorkbook('empty.xlsx', (wb) => { wb.addWorksheet('S'); });
  assert.equal((await readError(readXlsx(empty, LIMITS))).code, 'empty');
});

test('too many rows', async () => {
  const file = await writeWorkbook('many.xlsx', (wb) => {
    const ws = wb.addWorksheet('S');
    ws.addRow(['title']);
    for (let i = 0; i < 5; i++) ws.addRow([`C${i}`]);
  });
  const err = await readError(readXlsx(file, { ...LIMITS, maxRows: 4 }));
  assert.deepEqual([err.code, err.rowsBefore], ['too_many_rows', 4]);
});

test('zip bomb: a highly compressible entry is refused before parsing', async () => {
  const bomb = buildZip([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(20 * 1024 * 1024, 0x41) }]);
  assert.ok(bomb.length < 100 * 1024, 'the archive itself is small');
  const err = await readError(readXlsx(writeFile(dir, 'bomb.xlsx', bomb), LIMITS));
  assert.equal(err.code, 'unsafe');
  assert.match(err.message, /compressed \d+:1 \(limit 100:1\); this looks like a zip bomb/);
});

test('zip bomb: the total uncompressed size is bounded', async () => {
  const parts = [0, 1, 2].map((i) => ({ name: `xl/media/image${i}.bin`, data: randomBytes(400 * 1024) }));
  const err = await readError(readXlsx(writeFile(dir, 'total.xlsx', buildZip(parts)), { ...LIMITS, maxUncompressedBytes: 1024 * 1024 }));
  assert.equal(err.code, 'unsafe');
  assert.match(err.message, /would expand to more than 1 MB/);
});

test('zip bomb: headers that understate the size are caught by counting the real bytes', async () => {
  const lying = buildZip([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(3 * 1024 * 1024, 0x41), declaredSize: 1000 }]);
  const err = await readError(readXlsx(writeFile(dir, 'lying.xlsx', lying), { ...LIMITS, maxUncompressedBytes: 2 * 1024 * 1024 }));
  assert.equal(err.code, 'unsafe');
});

test("the workbook's shared strings are bounded (the reader holds them in memory), declared or counted", async () => {
  // Random text compresses ~1.3:1: well under the ratio check, so only the shared-strings bound stops it.
  const text = Buffer.from(randomBytes(49 * 1024 * 1024).toString('base64').slice(0, 65 * 1024 * 1024 + 1));
  const declared = buildZip([{ name: 'xl/sharedStrings.xml', data: text }]);
  const limits = { ...LIMITS, maxFileBytes: 200 * 1024 * 1024, maxUncompressedBytes: 500 * 1024 * 1024 };
  const err = await readError(readXlsx(writeFile(dir, 'strings.xlsx', declared), limits));
  assert.equal(err.code, 'unsafe');
  assert.match(err.message, /workbook's text \(xl\/sharedStrings.xml\) is more than 64 MB uncompressed/);
  const lying = buildZip([{ name: 'xl/sharedStrings.xml', data: text, declaredSize: 1000 }]);
  const err2 = await readError(readXlsx(writeFile(dir, 'strings-lying.xlsx', lying), limits));
  assert.equal(err2.code, 'unsafe');
});

test('unsafe paths and too many entries are refused', async () => {
  const traversal = buildZip([{ name: '../../evil.xml', data: Buffer.from('<x/>') }]);
  assert.equal((await readError(readXlsx(writeFile(dir, 'traversal.xlsx', traversal), LIMITS))).code, 'unsafe');
  const many = buildZip(Array.from({ length: 10_001 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from('x') })));
  const err = await readError(readXlsx(writeFile(dir, 'many-entries.xlsx', many), LIMITS));
  assert.equal(err.code, 'unsafe');
  assert.match(err.message, /10001 zip entries; at most 10000/);
});

test('an xlsx containing a DOCTYPE or ENTITY declaration is refused', async () => {
  const entries = await readZip(await catalogue('doctype-src.xlsx'));
  const sheet = entries.find((e) => e.name === 'xl/worksheets/sheet1.xml')!;
  sheet.data = Buffer.from(sheet.data.toString('utf8').replace('?>', '?><!DOCTYPE lol [<!ENTITY lol "lol">]>'));
  const err = await readError(readXlsx(writeFile(dir, 'doctype.xlsx', buildZip(entries)), LIMITS));
  assert.equal(err.code, 'unsafe');
  assert.match(err.message, /xl\/worksheets\/sheet1\.xml contains a DOCTYPE or ENTITY declaration/);

  // Also when the XML is UTF-16 (NUL bytes between the letters).
  const utf16 = await readZip(await catalogue('doctype16-src.xlsx'));
  const styles = utf16.find((e) => e.name === 'xl/styles.xml')!;
  styles.data = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<?xml version="1.0" encoding="UTF-16"?><!ENTITY x "y"><a/>', 'utf16le')]);
  assert.equal((await readError(readXlsx(writeFile(dir, 'doctype16.xlsx', buildZip(utf16)), LIMITS))).code, 'unsafe');
});

test('not really an xlsx: text is a format mismatch, a broken zip is unreadable', async () => {
  assert.equal((await readError(readRows('xlsx', writeFile(dir, 'text.xlsx', 'title,price\n'), LIMITS))).code, 'format_mismatch');
  const broken = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), randomBytes(200)]);
  assert.equal((await readError(readXlsx(writeFile(dir, 'broken.xlsx', broken), LIMITS))).code, 'unreadable');
});
