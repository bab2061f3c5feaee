// One vocabulary for the cells of every spreadsheet format (.xlsx streamed, .xls and .ods through
// SheetJS), and their reading into the plain values normalisation expects (string, number, boolean, Date,
// CellError), with the cell's number format applied and the column's field in mind.

import type { CellError } from '../../../domain/cell-value';
import type { CourseField } from '../../../domain/fields';
import type { RowError } from '../../../domain/types';
import type { TextTooLong } from '../../../domain/source-marks';
import { displayText, formatKind, isDayCount, serialToDate } from './number-format';

/**
 * A cell as stored: `n` a number with its number format code (ECMA-376 §18.8.31; absent = General);
 * `s` text (every run of rich text joined); `b` a boolean; `e` an error (`#N/A`, or why no value is
 * there); `d` a date the file stored as a date (ISO 8601 cells, ODS dates converted by SheetJS).
 */
export type RawCell =
  | { t: 'n'; v: number; fmt?: string }
  | { t: 's'; v: string }
  | { t: 'b'; v: boolean }
  | { t: 'e'; v: string }
  | { t: 'd'; v: Date }
  // A text over ReaderLimits.maxValueChars, of which the reader kept only the head: a row error once read.
  | { t: 'long'; v: TextTooLong };

/** A row of a sheet: `cells[0]` is column A; holes are empty cells. `rowNumber` is 1-based, as shown. */
export interface SheetRow {
  rowNumber: number;
  cells: (RawCell | undefined)[];
}

/** What the reading of a cell needs to know about the workbook and the column. */
export interface CellContext {
  date1904: boolean;
  /** The course field the column feeds, if any (canonicalField of its header). */
  field: CourseField | undefined;
  /** The column's name as written in the header. */
  column: string;
}

export interface ReadCell {
  value: unknown;
  /** Set when the value was interpreted (a time read as hours): becomes a warning of the row. */
  warning?: RowError;
}

const HOURS_DIGITS = 1e6;

function label(ctx: CellContext, field: string): string {
  const column = ctx.column.trim();
  return column !== field ? `${field} (column '${column}')` : field;
}

/**
 * The value a cell holds as a CSV or JSON file would have given it:
 * - a time or elapsed time (`h:mm`, `[h]:mm`…, or a date format on a serial below 1, which is a time of
 *   day) in the duration column becomes a number of hours (days × 24) with a warning on the row; in any
 *   other column, the text the spreadsheet shows ("36:00"), never a date of 1900;
 * - a date becomes a UTC Date at the sheet's own clock (readText prints it YYYY-MM-DD); Excel's
 *   non-existent 29 February 1900 and negative serials become a CellError;
 * - a percentage becomes the text shown ("20%"), so that no field takes 0.2 for an amount silently;
 * - an error cell becomes a CellError, which normalisation reports on the cell's field.
 * Text, booleans and other numbers are returned as stored. Never throws.
 */
export function readCell(cell: RawCell, ctx: CellContext): ReadCell {
  switch (cell.t) {
    case 's':
    case 'b':
    case 'd':
    case 'long':
      return { value: cell.v };
    case 'e':
      return { value: { error: cell.v } satisfies CellError };
    case 'n':
      return readNumber(cell.v, cell.fmt, ctx);
  }
}

function readNumber(v: number, fmt: string | undefined, ctx: CellContext): ReadCell {
  const kind = formatKind(fmt);
  if (kind === 'percent') return { value: displayText(fmt!, v, ctx.date1904) };
  if (!isDayCount(kind)) return { value: v };
  // In the 1900 system a serial below 1 is day "0 January 1900": a time of day under a date format. (In the
  // 1904 system, 0 is 1 January 1904, a real date.)
  const clockFormat = kind === 'time' || kind === 'elapsed';
  if (clockFormat || (!ctx.date1904 && v >= 0 && v < 1)) {
    const seconds = Math.round(v * 86_400) % 60 !== 0;
    if (ctx.field !== 'duration') return { value: displayText(clockFormat ? fmt! : seconds ? 'h:mm:ss' : 'h:mm', v, ctx.date1904) };
    // Shown as an elapsed time, whatever the format: a clock format would wrap 36 h to 12:00.
    const shown = displayText(seconds ? '[h]:mm:ss' : '[h]:mm', v, ctx.date1904);
    const hours = Math.round(v * 24 * HOURS_DIGITS) / HOURS_DIGITS;
    return {
      value: hours,
      warning: {
        field: 'duration',
        code: 'sheet_time_read',
        params: ctx.column.trim() !== 'duration' ? { value: shown, hours, column: ctx.column.trim() } : { value: shown, hours },
        message: `${label(ctx, 'duration')}: the time ${shown} read as ${hours} hours`,
      },
    };
  }
  const date = serialToDate(v, ctx.date1904);
  if (date === undefined) {
    const what = v >= 60 && v < 61 && !ctx.date1904 ? '29 February 1900, a day that does not exist' : `the date serial ${v}`;
    return { value: { error: `${what} cannot be read as a date` } satisfies CellError };
  }
  return { value: date };
}

/** The text of a header cell (numbers and dates as shown), trimmed; '' when empty. */
export function headerText(cell: RawCell | undefined, date1904: boolean): string {
  if (cell === undefined) return '';
  switch (cell.t) {
    case 's':
      return cell.v.trim();
    case 'b':
      return cell.v ? 'TRUE' : 'FALSE';
    case 'e':
      return '';
    case 'd':
      return cell.v.toISOString().slice(0, 10);
    case 'n':
      return cell.fmt ? displayText(cell.fmt, cell.v, date1904) : String(cell.v);
    case 'long':
      return cell.v.head.trim();
  }
}

/** True when the cell holds nothing a user would see (absent, or text of spaces only). */
export function isBlankCell(cell: RawCell | undefined): boolean {
  return cell === undefined || (cell.t === 's' && cell.v.trim() === '');
}
