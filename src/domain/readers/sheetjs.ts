// Legacy Excel (.xls, BIFF8 in a Compound File: MS-XLS, MS-CFB) and OpenDocument spreadsheets (.ods,
// OpenDocument 1.2 Part 1 §9) through SheetJS, which loads the whole workbook: acceptable because the
// file is first held to the size limit (and an .ods to the zip checks of zip-inspect.ts), and measured in
// the README ("Spreadsheet reader: measured choice"). The first visible sheet's cells are turned into the
// shared cell vocabulary (sheet/cells.ts) and read by the same rules as an .xlsx (sheet/rows.ts).

import { readFile } from 'node:fs/promises';
import * as XLSX from '@e965/xlsx';
import { FileValidationError, ignoreWarnings, type ReaderLimits, type SourceRow, type WarnFn } from '../types';
import { checkFile } from './file-checks';
import { inspectXlsx, mapZipError, ODS_MIMETYPE, openEntry, openZip, zipEntries } from './zip-inspect';
import { parseXmlStream } from './sheet/xml';
import type { RawCell, SheetRow } from './sheet/cells';
import { reportSheetChoice, sheetRecords, type TabInfo } from './sheet/rows';

const HIDDEN_STATES = ['visible', 'hidden', 'veryHidden'] as const;

function parseWorkbook(data: Buffer, what: string): XLSX.WorkBook {
  try {
    return XLSX.read(data, {
      type: 'buffer',
      dense: true,
      cellNF: true, // each number cell's format code (z): dates, times and percentages are told by it
      cellDates: false, // serial numbers, read by the shared rules with their format
      cellFormula: false,
      cellHTML: false,
      cellStyles: false,
      bookVBA: false,
    });
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    if (/password|encrypt/i.test(message)) {
      throw new FileValidationError('unreadable', `the ${what} is password-protected; save it without a password`);
    }
    throw new FileValidationError('unreadable', `the file is not a readable ${what}: ${message}`);
  }
}

/**
 * Names of the hidden tables of an .ods: SheetJS does not read OpenDocument's table visibility, which is
 * a table style with `table:display="false"` (OpenDocument 1.2 Part 1 §17.15 style:table-properties).
 * content.xml is parsed as it is decompressed (saxes); the archive was checked by inspectXlsx.
 */
async function odsHiddenTables(filePath: string): Promise<Set<string>> {
  const hiddenStyles = new Set<string>();
  const hidden = new Set<string>();
  let zip;
  try {
    zip = await openZip(filePath);
  } catch (err) {
    throw mapZipError(err, 'an .ods spreadsheet');
  }
  try {
    for await (const entry of zipEntries(zip)) {
      if (entry.fileName !== 'content.xml') continue;
      let style: string | undefined;
      const stream = await openEntry(zip, entry);
      try {
        await parseXmlStream(stream as AsyncIterable<Buffer>, {
          open(name, a) {
            if (name === 'style') style = a.family === 'table' ? a.name : undefined;
            else if (name === 'table-properties' && style !== undefined && a.display === 'false') hiddenStyles.add(style);
            else if (name === 'table' && a.name !== undefined && a['style-name'] !== undefined && hiddenStyles.has(a['style-name'])) hidden.add(a.name);
          },
          close(name) {
            if (name === 'style') style = undefined;
          },
        });
      } finally {
        stream.destroy();
      }
      break;
    }
  } finally {
    zip.close();
  }
  return hidden;
}

function toRawCell(cell: XLSX.CellObject | undefined): RawCell | undefined {
  if (cell === undefined) return undefined;
  switch (cell.t) {
    case 'n':
      if (typeof cell.v !== 'number') return undefined;
      return typeof cell.z === 'string' ? { t: 'n', v: cell.v, fmt: cell.z } : { t: 'n', v: cell.v };
    case 's':
      return typeof cell.v === 'string' ? { t: 's', v: cell.v } : undefined;
    case 'b':
      return { t: 'b', v: cell.v === true };
    case 'e':
      return { t: 'e', v: cell.w ?? '#VALUE!' };
    case 'd':
      return cell.v instanceof Date ? { t: 'd', v: cell.v } : undefined;
    default:
      return undefined; // 'z': a styled empty cell
  }
}

function* denseRows(sheet: XLSX.WorkSheet): Generator<SheetRow> {
  const data = (sheet as unknown as { '!data'?: (XLSX.CellObject[] | undefined)[] })['!data'] ?? [];
  for (let r = 0; r < data.length; r++) {
    const row = data[r];
    if (!row) continue;
    yield { rowNumber: r + 1, cells: Array.from(row, toRawCell) };
  }
}

async function* readWithSheetJs(
  filePath: string,
  format: 'xls' | 'ods',
  limits: ReaderLimits,
  warn: WarnFn,
): AsyncGenerator<SourceRow> {
  await checkFile(filePath, format, limits);
  const what = format === 'xls' ? 'Excel 97–2003 (.xls) workbook' : 'OpenDocument (.ods) spreadsheet';
  if (format === 'ods') {
    const { mimetype } = await inspectXlsx(filePath, limits, 'an .ods spreadsheet');
    if (mimetype !== ODS_MIMETYPE) {
      throw new FileValidationError('format_mismatch', mimetype
        ? `the file is named .ods but it is an OpenDocument file of type ${mimetype}, not a spreadsheet`
        : 'the file is named .ods but it is a zip archive without the OpenDocument mimetype (an .xlsx renamed?)');
    }
  }
  const odsHidden = format === 'ods' ? await odsHiddenTables(filePath) : new Set<string>();
  const workbook = parseWorkbook(await readFile(filePath), what);
  const props = workbook.Workbook?.Sheets ?? [];
  const tabs: TabInfo[] = workbook.SheetNames.map((name, i) => ({
    name,
    state: odsHidden.has(name) ? 'hidden' : HIDDEN_STATES[props[i]?.Hidden ?? 0] ?? 'hidden',
  }));
  const chosen = tabs.find((t) => t.state === 'visible');
  if (tabs.length === 0) throw new FileValidationError('empty', `the ${what} has no worksheet`);
  if (!chosen) throw new FileValidationError('empty', `the ${what} has no visible worksheet (every tab is hidden)`);
  reportSheetChoice(tabs, chosen.name, warn);
  const sheet = workbook.Sheets[chosen.name]!;
  const date1904 = workbook.Workbook?.WBProps?.date1904 === true;
  yield* sheetRecords(denseRows(sheet), { sheetName: chosen.name, date1904, skipRows: new Map(), limits, warn });
}

/**
 * The course records of a legacy Excel workbook (.xls, BIFF8: MS-XLS), by the rules of the .xlsx reader
 * (first visible sheet, header search, number formats). File-level notes go to `warn`. Throws
 * FileValidationError: too_large / empty / format_mismatch (checkFile: must be a Compound File),
 * unreadable (not a workbook, password-protected), empty, missing_columns, too_many_rows.
 */
export function readXls(filePath: string, limits: ReaderLimits, warn: WarnFn = ignoreWarnings): AsyncGenerator<SourceRow> {
  return readWithSheetJs(filePath, 'xls', limits, warn);
}

/**
 * The course records of an OpenDocument spreadsheet (.ods: OpenDocument 1.2), by the rules of the .xlsx
 * reader. The archive gets the .xlsx checks (zip bombs, traversal, DTDs) and must carry the spreadsheet
 * mimetype. Throws FileValidationError as readXls, plus unsafe (the archive) and format_mismatch (another
 * OpenDocument type, or not OpenDocument).
 */
export function readOds(filePath: string, limits: ReaderLimits, warn: WarnFn = ignoreWarnings): AsyncGenerator<SourceRow> {
  return readWithSheetJs(filePath, 'ods', limits, warn);
}
