// A streaming .xlsx writer: rows go to the output as they come (exceljs's WorkbookWriter commits each row),
// so an export of 100,000 courses never holds the workbook in memory. Every text cell goes through
// neutralizeFormula: an exported cell can never run as a spreadsheet formula.
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { neutralizeFormula } from '../domain/templates';

export type XlsxCell = string | number | boolean | Date | null | undefined;

/** What a cell holds: numbers, booleans and dates as themselves, text neutralised, anything else as JSON text. */
export function xlsxCellValue(v: unknown): string | number | boolean | Date | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'string') return neutralizeFormula(v);
  if (typeof v === 'bigint') return Number(v);
  return neutralizeFormula(JSON.stringify(v));
}

export interface XlsxSheet {
  /** The worksheet's tab name (Excel allows 31 characters). */
  name: string;
  header: readonly string[];
  rows: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>;
}

/**
 * Writes one worksheet (a bold header row, then the rows) to `out` and resolves when the workbook is
 * complete. `out` is ended by the writer.
 */
export async function writeXlsx(out: Writable, sheet: XlsxSheet): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
  const ws = workbook.addWorksheet(sheet.name.slice(0, 31) || 'Sheet1');
  const header = ws.addRow(sheet.header.map((h) => xlsxCellValue(h)));
  header.font = { bold: true };
  header.commit();
  let n = 0;
  for await (const row of sheet.rows) {
    ws.addRow(row.map(xlsxCellValue)).commit();
    n++;
  }
  ws.commit();
  await workbook.commit();
  return n;
}
