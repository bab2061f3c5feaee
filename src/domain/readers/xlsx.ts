// Excel (.xlsx) reader. The archive is inspected first (zip-inspect.ts: zip bombs, DTDs); then the first
// tab is streamed with exceljs's WorkbookReader, row by row. Only the first tab is read (as the seed
// says: "onglets multiples (premier utilisé)"); reading stops as soon as it is done.
//
// - Header = the first non-empty row; a "title" column is required (missing_columns otherwise).
// - Values: numbers, booleans, dates (styles are cached so date-formatted numbers become Dates), text;
//   rich text → its text; formulas → their cached result; a formula error → a CellError that
//   normalisation reports on that cell's field.
// - Rows with no value under any named column are skipped. Cells right of the header are ignored.
// - rowNumber = the sheet's row number (header = row 1 in the usual layout).

import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { FileValidationError, ignoreWarnings, type ReaderLimits, type SourceRow, type WarnFn } from '../types';
import { canonicalField } from '../fields';
import { unwrapCellValue } from '../cell-value';
import { readText } from '../values';
import { checkFile } from './file-checks';
import { inspectXlsx } from './zip-inspect';

function isEmptyValue(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/** Minimal view of the exceljs streaming row we use (its typings describe the full Row). */
interface StreamRow {
  number: number;
  cellCount: number;
  getCell(col: number): { value: unknown };
}

export async function* readXlsx(filePath: string, limits: ReaderLimits, warn: WarnFn = ignoreWarnings): AsyncGenerator<SourceRow> {
  await checkFile(filePath, 'xlsx', limits);
  const { firstSheetName } = await inspectXlsx(filePath, limits);

  const input = fs.createReadStream(filePath);
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    entries: 'ignore',
  });

  let header: string[] | undefined;
  let rows = 0;
  let sawSheet = false;
  try {
    for await (const worksheet of workbook) {
      // exceljs names a worksheet from xl/workbook.xml when it can; a tab that is not the first is skipped
      // (exceljs drains it).
      const name = (worksheet as unknown as { name?: string }).name;
      if (firstSheetName !== undefined && name !== undefined && name !== firstSheetName) continue;
      sawSheet = true;
      for await (const row of worksheet as AsyncIterable<unknown>) {
        const r = row as StreamRow;
        if (header === undefined) {
          const names: string[] = [];
          for (let col = 1; col <= r.cellCount; col++) {
            const text = readText(r.getCell(col).value);
            names.push(text.ok ? (text.value ?? '').trim() : '');
          }
          if (names.every((n) => n === '')) continue;
          if (!names.some((n) => canonicalField(n) === 'title')) {
            const found = names.filter((n) => n !== '').map((n) => `'${n}'`).join(', ');
            throw new FileValidationError('missing_columns', `no 'title' column in the header (row ${r.number} of the first sheet); columns found: ${found}`);
          }
          header = names;
          continue;
        }
        const raw: Record<string, unknown> = {};
        let empty = true;
        header.forEach((columnName, i) => {
          // "__proto__" would set the prototype instead of a key, and is no course column anyway.
          if (columnName === '' || columnName === '__proto__' || Object.hasOwn(raw, columnName)) return;
          const value = unwrapCellValue(r.getCell(i + 1).value);
          if (isEmptyValue(value)) return;
          raw[columnName] = value;
          empty = false;
        });
        if (empty) continue;
        rows++;
        if (rows > limits.maxRows) throw new FileValidationError('too_many_rows', `more than ${limits.maxRows} rows; split the file`);
        yield { rowNumber: r.number, raw };
      }
      break;
    }
  } catch (err) {
    if (err instanceof FileValidationError) throw err;
    throw new FileValidationError('unreadable', `the workbook could not be read: ${(err as Error).message}`);
  } finally {
    input.destroy();
  }
  if (!sawSheet) throw new FileValidationError('empty', 'the workbook has no worksheet');
  if (header === undefined) throw new FileValidationError('empty', 'the first sheet is empty');
  if (rows === 0) throw new FileValidationError('empty', 'the first sheet has a header but no course rows');
}
