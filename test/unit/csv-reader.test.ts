import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsv, detectDelimiter } from '../../src/ingest/readers/csv';
import { readRows } from '../../src/ingest/readers';
import { normalizeCourse } from '../../src/domain/normalize';
import { FIELD_COUNT_KEY } from '../../src/domain/source-marks';
import { decodeSingleByte, detectCsvEncoding } from '../../src/ingest/readers/encoding';
import { collect, cp1252, LIMITS, readError, tempDir, writeFile } from './helpers/files';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const dir = tempDir();

test('the seed CSV example reads as one row on line 2 and normalises', async () => {
  const rows = await collect(readCsv(path.join(fixtures, 'seed-courses.csv'), LIMITS));
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.rowNumber, 2);
  assert.deepEqual(rows[0]!.raw, {
    title: 'Python Basics', description: 'Introduction au Python', category: 'Programmation', instructor: 'Jean Dupont',
    duration: '10', difficulty: 'beginner', learning_mode: 'text', price: '0', is_free: 'true',
    lessons: 'Intro;Variables;Functions', tags: 'python,beginner',
  });
  const r = normalizeCourse(rows[0]!.raw);
  assert.ok(r.ok);
  assert.deepEqual(r.course.lessons.map((l) => l.title), ['Intro', 'Variables', 'Functions']);
});

test('UTF-8 with a BOM: the BOM does not stick to the first column name', async () => {
  const file = writeFile(dir, 'bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('title,price\nCafé crème,0\n')]));
  const rows = await collect(readCsv(file, LIMITS));
  assert.deepEqual(rows.map((r) => r.raw), [{ title: 'Café crème', price: '0' }]);
});

test('Windows-1252 (French Excel): é è à € œ come out right', async () => {
  const text = 'titre;description;prix\r\nÉté à la plage;Cœur d’œuvre, très belle leçon;49,99 €\r\n';
  const file = writeFile(dir, 'cp1252.csv', cp1252(text));
  const rows = await collect(readCsv(file, LIMITS));
  assert.deepEqual(rows[0]!.raw, { titre: 'Été à la plage', description: 'Cœur d’œuvre, très belle leçon', prix: '49,99 €' });
  const r = normalizeCourse(rows[0]!.raw);
  assert.ok(r.ok);
  assert.equal(r.course.price, 49.99);
  assert.equal(r.course.title, 'Été à la plage');
});

test('";" delimiter with decimal commas and CRLF, as French Excel writes', async () => {
  const text = 'title;description;duration;price;is_free;difficulty;tags\r\n'
    + 'Excel avancé;Tableaux, graphiques;2,5;1 299,00;non;Avancé;excel,bureautique\r\n'
    + '"Titre; avec point-virgule";"Ligne 1\r\nLigne 2";1;0;oui;Débutant;\r\n';
  const rows = await collect(readCsv(writeFile(dir, 'fr.csv', text), LIMITS));
  assert.deepEqual(rows.map((r) => r.rowNumber), [2, 3]);
  assert.equal(rows[0]!.raw.description, 'Tableaux, graphiques');
  assert.equal(rows[1]!.raw.title, 'Titre; avec point-virgule');
  const first = normalizeCourse(rows[0]!.raw);
  assert.ok(first.ok);
  assert.equal(first.course.duration_hours, 2.5);
  assert.equal(first.course.price, 1299);
  assert.equal(first.course.difficulty, 'advanced');
  assert.deepEqual(first.course.tags.slice(0, 2), ['excel', 'bureautique']);
});

test('tab delimiter', async () => {
  const rows = await collect(readCsv(writeFile(dir, 'tabs.tsv', 'title\tprice\tlessons\nA, B and C\t10\tx;y\n'), LIMITS));
  assert.deepEqual(rows[0]!.raw, { title: 'A, B and C', price: '10', lessons: 'x;y' });
});

test('delimiter detection prefers the one that yields known columns', () => {
  assert.equal(detectDelimiter('title,description;x\n'), ',');
  assert.equal(detectDelimiter('titre;prix;"desc, longue"\n'), ';');
  assert.equal(detectDelimiter('"title";"price"\r\n'), ';');
  assert.equal(detectDelimiter('title\tprice\n'), '\t');
  assert.equal(detectDelimiter('"a;b",title,price\n'), ',');
});

test('rowNumber is the line where the record starts: blank lines and multi-line values counted', async () => {
  const text = 'title,description,price\n\nA,"one\ntwo\nthree",0\n,,\nB,x,0\r\n\r\nC,y,0';
  const rows = await collect(readCsv(writeFile(dir, 'lines.csv', text), LIMITS));
  assert.deepEqual(rows.map((r) => [r.rowNumber, r.raw.title]), [[3, 'A'], [7, 'B'], [9, 'C']]);
});

test('a line with too many or too few fields does not fail the file', async () => {
  const text = 'title,description,price\nGood,ok,0\nBad, unquoted, comma,0\nShort,x\nTrailing,x,0,\nAfter,ok,0\n';
  const rows = await collect(readCsv(writeFile(dir, 'fields.csv', text), LIMITS));
  assert.deepEqual(rows.map((r) => r.raw.title), ['Good', 'Bad', 'Short', 'Trailing', 'After']);
  assert.deepEqual(rows[1]!.raw[FIELD_COUNT_KEY], { expected: 3, actual: 4 });
  assert.deepEqual(rows[2]!.raw[FIELD_COUNT_KEY], { expected: 3, actual: 2 });
  assert.equal(rows[3]!.raw[FIELD_COUNT_KEY], undefined, 'an empty trailing field is harmless');
  const bad = normalizeCourse(rows[1]!.raw);
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.errors[0]!.message : '', /4 values but the header has 3 columns/);
  const short = normalizeCourse({ ...rows[2]!.raw, price: '0' });
  assert.ok(short.ok && short.warnings.length === 1);
});

test('missing title column: missing_columns naming the columns found', async () => {
  const err = await readError(readCsv(writeFile(dir, 'notitle.csv', 'name,price\nA,0\n'), LIMITS));
  assert.equal(err.code, 'missing_columns');
  assert.match(err.message, /no 'title' column .*columns found: 'name', 'price'/);
  const single = await readError(readCsv(writeFile(dir, 'pipe.csv', 'title|price\nA|0\n'), LIMITS));
  assert.match(single.message, /single column/);
});

test('empty file, blank file and header-only file', async () => {
  assert.equal((await readError(readCsv(writeFile(dir, 'empty.csv', ''), LIMITS))).code, 'empty');
  assert.equal((await readError(readCsv(writeFile(dir, 'blank.csv', '\n\n  \n'), LIMITS))).code, 'empty');
  const header = await readError(readCsv(writeFile(dir, 'header.csv', 'title,price\n'), LIMITS));
  assert.deepEqual([header.code, header.message], ['empty', 'the file has a header but no course rows']);
});

test('an unclosed quote is malformed, with the line where the record starts', async () => {
  const err = await readError(readCsv(writeFile(dir, 'unclosed.csv', 'title,price\nA,0\nB,0\n"C,0\nD,0\n'), LIMITS));
  assert.equal(err.code, 'malformed');
  assert.match(err.message, /^line 4: /);
  assert.equal(err.rowsBefore, 2);
});

test('stray quotes inside a value do not fail the file', async () => {
  const rows = await collect(readCsv(writeFile(dir, 'quotes.csv', 'title,price\nThe "best" course,0\n"ok" ,0\n'), LIMITS));
  assert.deepEqual(rows.map((r) => r.raw.title), ['The "best" course', '"ok" ']);
});

test('too many rows', async () => {
  const text = `title,price\n${Array.from({ length: 6 }, (_, i) => `C${i},0`).join('\n')}\n`;
  const err = await readError(readCsv(writeFile(dir, 'many.csv', text), { ...LIMITS, maxRows: 5 }));
  assert.deepEqual([err.code, err.rowsBefore], ['too_many_rows', 5]);
});

test('a file over maxFileBytes is refused before reading', async () => {
  const err = await readError(readCsv(writeFile(dir, 'big.csv', `title\n${'x'.repeat(2000)}\n`), { ...LIMITS, maxFileBytes: 1000 }));
  assert.equal(err.code, 'too_large');
  assert.match(err.message, /the limit is 1000 bytes/);
});

test('a record longer than the record-size bound is malformed', async () => {
  const err = await readError(readCsv(writeFile(dir, 'huge.csv', `title,price\n"${'x'.repeat(1_000_100)},0\n`), { ...LIMITS, maxFileBytes: 5_000_000 }));
  assert.equal(err.code, 'malformed');
  assert.match(err.message, /line 2: a record is longer than/);
});

test('a .csv that is really a zip is a format mismatch', async () => {
  const err = await readError(readRows('csv', writeFile(dir, 'excel.csv', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(100)])), LIMITS));
  assert.equal(err.code, 'format_mismatch');
  assert.match(err.message, /zip archive/);
});

test('UTF-16LE with a BOM (Excel "Unicode text") is decoded', async () => {
  const body = Buffer.from('title\tprice\r\nÉté\t0\r\n', 'utf16le');
  const rows = await collect(readCsv(writeFile(dir, 'utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), body])), LIMITS));
  assert.deepEqual(rows.map((r) => r.raw), [{ title: 'Été', price: '0' }]);
});

test('multi-byte UTF-8 characters split across read chunks stay intact', async () => {
  const rows = Array.from({ length: 5000 }, (_, i) => `Leçon été n°${i},0`).join('\n');
  const got = await collect(readCsv(writeFile(dir, 'chunks.csv', `title,price\n${rows}\n`), LIMITS));
  assert.equal(got.length, 5000);
  assert.ok(got.every((r, i) => r.raw.title === `Leçon été n°${i}`));
});

test('Windows-1252 accents after 64 KB of plain ASCII are still decoded as Windows-1252', async () => {
  const ascii = Array.from({ length: 2000 }, (_, i) => `Course number ${i} with a plain title,0`).join('\r\n');
  const file = writeFile(dir, 'late-accents.csv', Buffer.concat([Buffer.from(`title,price\r\n${ascii}\r\n`), cp1252('Leçon d’été à 5 €,0\r\n')]));
  const rows = await collect(readCsv(file, LIMITS));
  assert.equal(rows.length, 2001);
  assert.equal(rows[2000]!.raw.title, 'Leçon d’été à 5 €');
});

test('encoding detection on a sample', () => {
  assert.equal(detectCsvEncoding(Buffer.from('title\nÉté\n')), 'utf-8');
  assert.equal(detectCsvEncoding(cp1252('title\nÉté\n')), 'windows-1252');
  assert.equal(detectCsvEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41])), 'utf-8');
  assert.equal(decodeSingleByte(cp1252('€œ’…é'), 'windows-1252'), '€œ’…é');
});

test('repeated, empty and "__proto__" header names', async () => {
  const rows = await collect(readCsv(writeFile(dir, 'names.csv', 'title,,title,__proto__,price\nFirst,x,Second,{},0\n'), LIMITS));
  assert.deepEqual(rows[0]!.raw, { title: 'First', price: '0' });
  assert.equal(Object.getPrototypeOf(rows[0]!.raw), Object.prototype);
});
