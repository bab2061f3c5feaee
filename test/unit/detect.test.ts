import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFormatMatchesContent, formatFromFileName, sniffHead } from '../../src/ingest/readers/detect';
import { FileValidationError } from '../../src/domain/types';

function fails(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof FileValidationError);
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  });
}

test('format from the file name, any case', () => {
  assert.equal(formatFromFileName('courses.csv'), 'csv');
  assert.equal(formatFromFileName('COURSES.CSV'), 'csv');
  assert.equal(formatFromFileName('export.tsv'), 'csv');
  assert.equal(formatFromFileName('/tmp/a.b/catalogue.json'), 'json');
  assert.equal(formatFromFileName('Cours.XLSX'), 'xlsx');
  assert.equal(formatFromFileName('old.xls'), 'xls');
  assert.equal(formatFromFileName('Cours.ODS'), 'ods');
});

test('an unknown extension is refused with the accepted ones listed', () => {
  fails(() => formatFromFileName('courses.txt'), 'unknown_format', /courses\.txt has the extension \.txt; accepted: \.csv, \.tsv, \.json, \.xlsx, \.xls, \.ods/);
  fails(() => formatFromFileName('courses'), 'unknown_format', /has no extension/);
  fails(() => formatFromFileName('sheet.xlsm'), 'unknown_format', /has the extension \.xlsm/);
});

const ZIP = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(26)]);

test('a .csv that is a zip is a format mismatch that suggests Excel', () => {
  fails(() => checkFormatMatchesContent('csv', ZIP), 'format_mismatch', /^the file is named \.csv but its content is a zip archive \(an Excel \.xlsx or OpenDocument \.ods file\?\)$/);
});

test('a .json that starts with "title," is a format mismatch that suggests CSV', () => {
  fails(() => checkFormatMatchesContent('json', Buffer.from('title,description\nA,B\n')), 'format_mismatch', /named \.json but its content is text starting with 'title,description'.*a CSV file\?/);
});

test('JSON may start with a BOM and whitespace; [ and { are accepted', () => {
  checkFormatMatchesContent('json', Buffer.from('\uFEFF \n [{"title":"a"}]'));
  checkFormatMatchesContent('json', Buffer.from('{"courses": []}'));
});

test('xlsx must be a zip; an old .xls or text is refused', () => {
  checkFormatMatchesContent('xlsx', ZIP);
  fails(() => checkFormatMatchesContent('xlsx', Buffer.from('title,price\n')), 'format_mismatch', /text starting with 'title,price'/);
  fails(() => checkFormatMatchesContent('xlsx', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0])), 'format_mismatch', /old-format Office document.*name an old-format workbook \.xls/);
});

test('xls must be a Compound File, ods a zip', () => {
  const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]);
  checkFormatMatchesContent('xls', OLE2);
  checkFormatMatchesContent('ods', ZIP);
  fails(() => checkFormatMatchesContent('xls', ZIP), 'format_mismatch', /zip archive.*name it \.xlsx or \.ods/);
  fails(() => checkFormatMatchesContent('xls', Buffer.from('<html><table>')), 'format_mismatch', /text starting with '<html><table>'/);
  fails(() => checkFormatMatchesContent('ods', OLE2), 'format_mismatch', /name it \.xls/);
});

test('csv must not be binary; UTF-16 with a BOM is text; JSON content is pointed out', () => {
  checkFormatMatchesContent('csv', Buffer.from('title\nA\n'));
  checkFormatMatchesContent('csv', Buffer.from([0xff, 0xfe, 0x74, 0x00]));
  fails(() => checkFormatMatchesContent('csv', Buffer.from([0x74, 0x00, 0x69, 0x00])), 'format_mismatch', /binary data/);
  fails(() => checkFormatMatchesContent('csv', Buffer.from('[{"title": "a"}]')), 'format_mismatch', /JSON.*name it \.json/);
});

test('an empty head is an empty file', () => {
  fails(() => checkFormatMatchesContent('csv', Buffer.alloc(0)), 'empty');
  fails(() => checkFormatMatchesContent('json', Buffer.from('  \n ')), 'empty');
});

test('UTF-16 JSON (Windows PowerShell 5) is JSON; UTF-16 without a BOM is text, not binary', () => {
  checkFormatMatchesContent('json', Buffer.from('\uFEFF[\r\n {"title": "a"}]', 'utf16le'));
  checkFormatMatchesContent('json', Buffer.from('\uFEFF{"courses": []}', 'utf16le').swap16());
  checkFormatMatchesContent('json', Buffer.from('[{"title": "Anaïs"}]', 'utf16le'));
  fails(() => checkFormatMatchesContent('json', Buffer.from('\uFEFFtitle,price\r\n', 'utf16le')), 'format_mismatch', /UTF-16 text/);
  checkFormatMatchesContent('csv', Buffer.from('title,price\r\nÉté,0\r\n', 'utf16le'));
  fails(() => checkFormatMatchesContent('csv', Buffer.from([0, 1, 2, 3, 0, 0, 0, 7, 8, 0, 0, 0xff])), 'format_mismatch', /binary data/);
});

test('a stray NUL byte in a CSV does not make it binary; a file full of zeros is', () => {
  const text = Buffer.from('titre;prix\nCours avec un caractère nul\u0000 au milieu;10\nAutre;5\n', 'utf8');
  assert.equal(sniffHead(text), 'text');
  const binary = Buffer.alloc(4096, 0);
  binary.write('%PDF-1.7', 0);
  assert.equal(sniffHead(binary), 'binary');
});
