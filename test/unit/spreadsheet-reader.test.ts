// The spreadsheet rules shared by .xlsx, .xls and .ods (src/ingest/readers/sheet/), each with its hostile
// neighbours. Workbooks are built with exceljs (or as raw SpreadsheetML) so that each test shows its input;
// the producers' own files are in test/fixtures/conformance/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import ExcelJS from 'exceljs';
import * as XLSX from '@e965/xlsx';
import { readRows } from '../../src/ingest/readers';
import { readXlsx } from '../../src/ingest/readers/xlsx';
import { normalizeCourse } from '../../src/domain/normalize';
import { formatKind, serialToDate } from '../../src/ingest/readers/sheet/number-format';
import { readCell } from '../../src/ingest/readers/sheet/cells';
import type { FileWarning, SourceRow } from '../../src/domain/types';
import { collect, LIMITS, readError, tempDir, writeFile } from './helpers/files';
import { buildZip } from './helpers/zip';

const dir = tempDir();
const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'conformance');

async function workbook(name: string, build: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  const file = writeFile(dir, name, '');
  await wb.xlsx.writeFile(file);
  return file;
}

async function read(file: string, format: 'xlsx' | 'xls' | 'ods' = 'xlsx'): Promise<{ rows: SourceRow[]; warnings: FileWarning[] }> {
  const warnings: FileWarning[] = [];
  const rows = await collect(readRows(format, file, LIMITS, (w) => warnings.push(w)));
  return { rows, warnings };
}

test('number formats: kinds of the format codes real producers write', () => {
  const cases: [string | undefined, string][] = [
    [undefined, 'general'], ['General', 'general'], ['0.00', 'number'], ['#,##0.00 "€"', 'number'], ['#,##0.00\\ [$€-40C]', 'number'],
    ['0.00E+00', 'number'], ['0%', 'percent'], ['0.0%', 'percent'], ['[h]:mm', 'elapsed'], ['[hh]:mm:ss', 'elapsed'], ['[mm]:ss', 'elapsed'],
    ['h:mm', 'time'], ['hh:mm:ss AM/PM', 'time'], ['mm:ss', 'time'], ['dd/mm/yyyy', 'date'], ['m/d/yy', 'date'], ['mmm-yy', 'date'],
    ['yyyy-mm-dd hh:mm', 'datetime'], ['[$-40C]d mmmm yyyy', 'date'], ['[Red]0.00;[Blue]-0.00', 'number'], ['"h" 0', 'number'], ['@', 'text'],
  ];
  for (const [code, kind] of cases) assert.equal(formatKind(code), kind, String(code));
});

test('1900 date system: Lotus day 60 does not exist; 59 and 61 are 28 February and 1 March; 1904 system', () => {
  assert.equal(serialToDate(59, false)!.toISOString(), '1900-02-28T00:00:00.000Z');
  assert.equal(serialToDate(60, false), undefined);
  assert.equal(serialToDate(61, false)!.toISOString(), '1900-03-01T00:00:00.000Z');
  assert.equal(serialToDate(1, false)!.toISOString(), '1900-01-01T00:00:00.000Z');
  assert.equal(serialToDate(45730.5, false)!.toISOString(), '2025-03-14T12:00:00.000Z');
  assert.equal(serialToDate(0, true)!.toISOString(), '1904-01-01T00:00:00.000Z');
  assert.equal(serialToDate(-1, false), undefined);
  const day60 = readCell({ t: 'n', v: 60, fmt: 'dd/mm/yyyy' }, { date1904: false, field: undefined, column: 'début' });
  assert.match((day60.value as { error: string }).error, /29 February 1900/);
});

test('time, duration and percentage cells, by the column they are in', () => {
  const ctx = (field: 'duration' | 'description' | 'price' | undefined, column: string) => ({ date1904: false, field, column });
  // A [h]:mm duration of 48 h and more: hours, with a warning naming the column and the time shown.
  const long = readCell({ t: 'n', v: 5, fmt: '[h]:mm' }, ctx('duration', 'durée'));
  assert.equal(long.value, 120);
  assert.deepEqual(long.warning, { field: 'duration', code: 'sheet_time_read', params: { value: '120:00', hours: 120, column: 'durée' }, message: "duration (column 'durée'): the time 120:00 read as 120 hours" });
  // 0:00 is zero hours, not a missing value.
  assert.equal(readCell({ t: 'n', v: 0, fmt: '[h]:mm' }, ctx('duration', 'duration')).value, 0);
  // A clock format past 24 h: the warning shows the elapsed time, not the wrapped clock.
  assert.match(readCell({ t: 'n', v: 1.5, fmt: 'hh:mm:ss' }, ctx('duration', 'duration')).warning!.message, /the time 36:00 read as 36 hours/);
  // A time-of-day stored under a date format (serial below 1) is a time, never 1900-01-00.
  assert.equal(readCell({ t: 'n', v: 0.5, fmt: 'dd/mm/yyyy hh:mm' }, ctx('duration', 'duration')).value, 12);
  // Elsewhere a time is the text shown.
  assert.equal(readCell({ t: 'n', v: 0.5, fmt: 'h:mm' }, ctx('description', 'description')).value, '12:00');
  assert.equal(readCell({ t: 'n', v: 1.5, fmt: '[h]:mm' }, ctx(undefined, 'notes')).value, '36:00');
  // A percentage is never an amount: the text shown, which the price rule refuses.
  assert.equal(readCell({ t: 'n', v: 0.2, fmt: '0%' }, ctx('price', 'prix')).value, '20%');
  // A plain number in the duration column is hours, as stored, without a warning.
  assert.deepEqual(readCell({ t: 'n', v: 1.5 }, ctx('duration', 'duration')), { value: 1.5 });
});

test('the first visible tab is read, hidden and veryHidden ones skipped, and the choice reported', async () => {
  const file = await workbook('hidden.xlsx', (wb) => {
    wb.addWorksheet('Listes', { state: 'hidden' }).addRow(['title']);
    wb.getWorksheet('Listes')!.addRow(['Must not be read']);
    wb.addWorksheet('Codes', { state: 'veryHidden' }).addRow(['title', 'price']);
    wb.getWorksheet('Codes')!.addRow(['Nor this', 1]);
    const ws = wb.addWorksheet('Cours');
    ws.addRow(['title', 'price']);
    ws.addRow(['Visible', 10]);
    wb.addWorksheet('Brouillon').addRow(['title']);
  });
  const { rows, warnings } = await read(file);
  assert.deepEqual(rows.map((r) => r.raw.title), ['Visible']);
  assert.deepEqual(warnings.map((w) => w.code), ['sheet_read']);
  assert.match(warnings[0]!.message, /read the worksheet 'Cours' \(the first visible one of 4; skipped the hidden tabs 'Listes', 'Codes'\)/);

  const single = await workbook('single.xlsx', (wb) => { const ws = wb.addWorksheet('Seul'); ws.addRow(['title']); ws.addRow(['A']); });
  assert.deepEqual((await read(single)).warnings, [], 'one tab: no choice, nothing to say');

  const allHidden = await workbook('all-hidden.xlsx', (wb) => { wb.addWorksheet('H', { state: 'hidden' }).addRow(['title']); });
  assert.equal((await readError(readXlsx(allHidden, LIMITS))).code, 'empty');
});

test("a first visible tab without a header (Apple Numbers' Export Summary) is passed over for the next visible one, and said", async () => {
  const file = await workbook('numbers-summary.xlsx', (wb) => {
    const summary = wb.addWorksheet('Export Summary');
    summary.addRow(['Exported from Numbers: this document has 2 tables']);
    summary.addRow(['Feuille 1', 'Tableau 1']);
    const data = wb.addWorksheet('Feuille 1 - Tableau 1');
    data.addRow(['Catalogue 2026']);
    data.addRow(['titre', 'prix']);
    data.addRow(['Numbers Résumé passé', 12]);
  });
  const { rows, warnings } = await read(file);
  assert.deepEqual(rows.map((r) => [r.rowNumber, r.raw.titre]), [[3, 'Numbers Résumé passé']]);
  assert.deepEqual(warnings.map((w) => w.code), ['sheet_read', 'header_row']);
  assert.match(warnings[0]!.message, /read the worksheet 'Feuille 1 - Tableau 1': the visible tab before it \('Export Summary'\) has no header row/);
  // No visible tab has a header: the first tab's error stands, naming that tab.
  const none = await workbook('no-header-anywhere.xlsx', (wb) => {
    wb.addWorksheet('Notes').addRow(['nothing here']);
    wb.addWorksheet('Autres').addRow(['nor here']);
  });
  const err = await readError(readRows('xlsx', none, LIMITS));
  assert.equal(err.code, 'missing_columns');
  assert.match(err.message, /worksheet 'Notes'/);
});

test('the header is found below a banner; a banner that mentions a title is not taken for it', async () => {
  const file = await workbook('banner.xlsx', (wb) => {
    const ws = wb.addWorksheet('Catalogue');
    ws.addRow(['Catalogue — title list 2025']);
    ws.addRow(['Titre', 'Catalogue automne']);
    ws.addRow([]);
    ws.addRow(['titre', 'prix', 'durée']);
    ws.addRow(['Sous la bannière', 10, 2]);
  });
  const { rows, warnings } = await read(file);
  assert.deepEqual(rows.map((r) => [r.rowNumber, r.raw.titre]), [[5, 'Sous la bannière']]);
  assert.deepEqual(warnings.map((w) => [w.code, w.row]), [['header_row', 4]]);
  assert.match(warnings[0]!.message, /the header is row 4 .* rows 1–2 above it/);

  // The header in the first row: nothing to say.
  const plain = await workbook('plain.xlsx', (wb) => { const ws = wb.addWorksheet('S'); ws.addRow([]); ws.addRow(['title', 'price']); ws.addRow(['A', 1]); });
  const p = await read(plain);
  assert.deepEqual([p.rows[0]!.rowNumber, p.warnings.length], [3, 0], 'blank rows above the header are not a banner');
});

test('no header in the first 10 non-empty rows: missing_columns naming the rows looked at', async () => {
  const file = await workbook('no-header.xlsx', (wb) => {
    const ws = wb.addWorksheet('Notes');
    for (let i = 1; i <= 12; i++) ws.addRow([`note ${i}`, i]);
    ws.addRow(['title', 'price']);
    ws.addRow(['Trop bas', 1]);
  });
  const err = await readError(readXlsx(file, LIMITS));
  assert.equal(err.code, 'missing_columns');
  assert.match(err.message, /worksheet 'Notes' \(looked at rows 1–10, the first 10 non-empty rows at most\); columns found: 'note 1', '1' \(row 1\)/);
});

test("an Excel table's total row is skipped; without a table the same row is a course", async () => {
  const f14 = await read(path.join(FIXTURES, 'f14_excel-table-totals.xlsx'));
  assert.equal(f14.rows.length, 2);
  assert.deepEqual(f14.warnings.map((w) => [w.code, w.row]), [['total_row_skipped', 4]]);

  const noTable = await workbook('no-table.xlsx', (wb) => {
    const ws = wb.addWorksheet('S');
    ws.addRow(['title', 'price']);
    ws.addRow(['Cours A', 10]);
    ws.addRow(['Total', { formula: 'SUM(B2:B2)', result: 10 }]);
  });
  const { rows, warnings } = await read(noTable);
  assert.deepEqual(rows.map((r) => r.raw.title), ['Cours A', 'Total']);
  assert.deepEqual(warnings, []);
});

test('field cases: [h]:mm over 48 h (f03), rich text in inline strings with absolute part paths (f09)', async () => {
  const f03 = await read(path.join(FIXTURES, 'f03_duration-over-48h.xlsx'));
  assert.deepEqual(f03.rows.map((r) => r.raw['durée']), [36, 60, 120]);
  assert.deepEqual(f03.rows.map((r) => r.warnings?.map((w) => w.field)), [['duration'], ['duration'], ['duration']]);
  const f09 = await read(path.join(FIXTURES, 'f09_openpyxl-richtext.xlsx'));
  assert.equal(f09.rows[0]!.raw.titre, 'Initiation Richtexte Python');
  assert.equal(f09.rows[0]!.raw.description, 'Apprendre pas à pas avec des exercices');
});

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
function rawWorkbook(sheetXml: string, extra: { name: string; data: Buffer }[] = []): Buffer {
  const rels = '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">';
  return buildZip([
    { name: '_rels/.rels', data: Buffer.from(`${rels}<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/book/wb.xml"/></Relationships>`) },
    { name: 'book/wb.xml', data: Buffer.from(`<workbook xmlns="${NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="1"/><sheets><sheet name="Données" sheetId="1" r:id="rId1"/></sheets></workbook>`) },
    { name: 'book/_rels/wb.xml.rels', data: Buffer.from(`${rels}<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="sheets/s.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="/book/st.xml"/></Relationships>`) },
    { name: 'book/st.xml', data: Buffer.from(`<styleSheet xmlns="${NS}"><numFmts><numFmt numFmtId="164" formatCode="[h]:mm"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs></styleSheet>`) },
    { name: 'book/sheets/s.xml', data: Buffer.from(sheetXml) },
    ...extra,
  ]);
}

test('cells and rows without references, inline rich text with phonetic runs, errors and uncomputed formulas', async () => {
  const inline = (runs: string) => `<c t="inlineStr"><is>${runs}</is></c>`;
  const sheet = `<worksheet xmlns="${NS}"><sheetData>
    <row>${inline('<t>title</t>')}${inline('<t>duration</t>')}<c/>${inline('<t>price</t>')}${inline('<t>start</t>')}</row>
    <row>${inline('<r><t>Rich </t></r><r><rPr><b/></rPr><t>bold</t></r><rPh><t>ふりがな</t></rPh>')}<c s="1"><v>2</v></c><c/><c t="e"><v>#N/A</v></c><c s="2"><v>0</v></c></row>
    <row r="5"><c r="A5" t="str"><f>"A"&amp;"B"</f><v>AB</v></c><c r="D5"><f>1/0</f></c></row>
    <row/>
  </sheetData></worksheet>`;
  const file = writeFile(dir, 'raw.xlsx', rawWorkbook(sheet));
  const { rows } = await read(file);
  assert.deepEqual(rows.map((r) => r.rowNumber), [2, 5]);
  assert.equal(rows[0]!.raw.title, 'Rich bold');
  assert.equal(rows[0]!.raw.duration, 48, '[h]:mm from the custom format of style 1');
  assert.deepEqual(rows[0]!.raw.price, { error: '#N/A' });
  assert.equal((rows[0]!.raw.start as Date).toISOString(), '1904-01-01T00:00:00.000Z', 'the workbook uses the 1904 date system');
  assert.equal(rows[1]!.raw.title, 'AB');
  const c = normalizeCourse(rows[1]!.raw);
  assert.equal(c.ok, false);
  assert.match(!c.ok ? c.errors.find((e) => e.field === 'price')!.message : '', /no computed value/);
});

test('.xls and .ods: the same rules, and their content must match their name', async () => {
  const xls = await read(path.join(FIXTURES, 'xlwt.xls'), 'xls');
  assert.deepEqual(xls.rows.map((r) => r.raw.titre), ['Xls Héritage BIFF8', 'Xls Gratuit']);
  assert.equal(xls.rows[0]!.raw['durée'], 48);
  assert.deepEqual(xls.warnings.map((w) => w.code), ['sheet_read']);
  const ods = await read(path.join(FIXTURES, 'libreoffice.ods'), 'ods');
  assert.deepEqual(ods.rows.map((r) => r.raw.titre), ['LibreOffice Calc avancé', 'LibreOffice Base']);
  assert.match(ods.warnings[0]!.message, /skipped the hidden tab 'Listes'/);

  const xlsxAsXls = writeFile(dir, 'really-xlsx.xls', XLSX.write(XLSX.utils.book_new(XLSX.utils.aoa_to_sheet([['title'], ['A']])), { type: 'buffer', bookType: 'xlsx' }) as Buffer);
  assert.equal((await readError(readRows('xls', xlsxAsXls, LIMITS))).code, 'format_mismatch');
  const xlsxAsOds = writeFile(dir, 'really-xlsx.ods', XLSX.write(XLSX.utils.book_new(XLSX.utils.aoa_to_sheet([['title'], ['A']])), { type: 'buffer', bookType: 'xlsx' }) as Buffer);
  const err = await readError(readRows('ods', xlsxAsOds, LIMITS));
  assert.deepEqual([err.code, /without the OpenDocument mimetype/.test(err.message)], ['format_mismatch', true]);
  const odt = writeFile(dir, 'text.ods', buildZip([{ name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.text') }]));
  assert.match((await readError(readRows('ods', odt, LIMITS))).message, /OpenDocument file of type application\/vnd\.oasis\.opendocument\.text/);
  const bomb = writeFile(dir, 'bomb.ods', buildZip([
    { name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.spreadsheet') },
    { name: 'content.xml', data: Buffer.alloc(20 * 1024 * 1024, 0x41) },
  ]));
  assert.equal((await readError(readRows('ods', bomb, LIMITS))).code, 'unsafe');
  const garbage = writeFile(dir, 'garbage.xls', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600, 7)]));
  assert.equal((await readError(readRows('xls', garbage, LIMITS))).code, 'unreadable');
});
