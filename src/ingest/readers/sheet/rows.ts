// From the rows of one worksheet to course records, the same for every spreadsheet format:
// - the header is the first row, among the first 10 non-empty ones, whose cells name the title field and
//   at least one other known field (or the title alone); failing that, the first that names the title.
//   Rows above it (a title banner, notes) are skipped with a 'header_row' warning;
// - rows listed in `skipRows` (an Excel table's total row) are skipped with a 'total_row_skipped' warning;
// - cells right of the header and rows with no value under a named column are ignored (trailing empty
//   rows and columns included);
// - each cell is read with its number format and its column's field (cells.ts); what was interpreted
//   becomes a warning of the row (SourceRow.warnings).

import { canonicalField, type CourseField } from '../../../domain/fields';
import { FileValidationError, type ReaderLimits, type RowError, type SourceRow, type WarnFn } from '../../../domain/types';
import { headerText, isBlankCell, readCell, type SheetRow } from './cells';
import { tooManyRows } from '../file-checks';

/** How many non-empty rows are searched for the header. */
export const HEADER_SEARCH_ROWS = 10;

export interface SheetReadContext {
  /** The worksheet's name, for messages. */
  sheetName: string;
  date1904: boolean;
  /** Row numbers that are not records (a table's total row), with what they are ("the total row of the table 'Catalogue'"). */
  skipRows: ReadonlyMap<number, string>;
  limits: ReaderLimits;
  warn: WarnFn;
}

interface HeaderColumn {
  name: string;
  field: CourseField | undefined;
}

function rowIsBlank(row: SheetRow): boolean {
  return row.cells.every(isBlankCell);
}

function isStrictHeader(names: string[], fieldOf: (name: string) => CourseField | undefined): boolean {
  const fields = names.filter((n) => n !== '').map((n) => fieldOf(n));
  if (!fields.includes('title')) return false;
  return fields.length === 1 || fields.filter((f) => f !== undefined).length >= 2;
}

function rowRange(rows: SheetRow[]): string {
  const first = rows[0]!.rowNumber;
  const last = rows.at(-1)!.rowNumber;
  return first === last ? `row ${first}` : `rows ${first}–${last}`;
}

interface FoundHeader {
  /** Index of the header row among the candidates. */
  index: number;
  columns: HeaderColumn[];
}

/** The header among the candidate rows (non-empty, in order): strict rule, or any row naming the title. */
function findHeader(candidates: SheetRow[], date1904: boolean, lenient: boolean, fieldOf: (name: string) => CourseField | undefined = canonicalField): FoundHeader | undefined {
  for (const [index, r] of candidates.entries()) {
    const names = Array.from(r.cells, (cell) => headerText(cell, date1904));
    const matches = lenient ? names.some((n) => fieldOf(n) === 'title') : isStrictHeader(names, fieldOf);
    if (!matches) continue;
    let width = names.length;
    while (width > 0 && names[width - 1] === '') width--;
    // Array.from, not map: the cells are a sparse array and its holes are columns too.
    return { index, columns: Array.from(names.slice(0, width), (name) => ({ name, field: name === '' ? undefined : fieldOf(name) })) };
  }
  return undefined;
}

/**
 * Course records of one worksheet, in sheet order, `rowNumber` being the sheet's row number.
 * Throws FileValidationError: 'missing_columns' (no header within the first 10 non-empty rows, naming
 * the rows looked at and the first row's cells), 'empty' (no row, or no record under the header),
 * 'too_many_rows' (over limits.maxRows records).
 */
export async function* sheetRecords(rows: AsyncIterable<SheetRow> | Iterable<SheetRow>, ctx: SheetReadContext): AsyncGenerator<SourceRow> {
  const looked: SheetRow[] = [];
  // A mapping profile's column names count as the fields they feed (issue 12).
  const fieldOf = ctx.limits.headerField ?? canonicalField;
  let header: HeaderColumn[] | undefined;
  let records = 0;
  const accept = (found: FoundHeader): SheetRow[] => {
    const row = looked[found.index]!;
    if (found.index > 0) {
      ctx.warn({
        code: 'header_row',
        row: row.rowNumber,
        params: { row: row.rowNumber, sheet: ctx.sheetName, from: looked[0]!.rowNumber, to: looked[found.index - 1]!.rowNumber },
        message: `the header is row ${row.rowNumber} of the worksheet '${ctx.sheetName}'; ${rowRange(looked.slice(0, found.index))} above it (a title or notes) skipped`,
      });
    }
    header = found.columns;
    // Rows after the header that were already looked at (a lenient pick) are records.
    return looked.slice(found.index + 1);
  };
  /** The record of a row under the header (undefined for a skipped or empty row), counted against maxRows. */
  const take = (r: SheetRow): SourceRow | undefined => {
    const record = toRecord(r, header!, ctx);
    if (record && ++records > ctx.limits.maxRows) throw tooManyRows(ctx.limits.maxRows, 'rows');
    return record;
  };
  for await (const row of rows) {
    if (header !== undefined) {
      const record = take(row);
      if (record) yield record;
      continue;
    }
    if (rowIsBlank(row)) continue;
    looked.push(row);
    const found = findHeader(looked, ctx.date1904, false, fieldOf)
      ?? (looked.length >= HEADER_SEARCH_ROWS ? findHeader(looked, ctx.date1904, true, fieldOf) ?? noHeader(looked, ctx) : undefined);
    if (found === undefined) continue;
    for (const r of accept(found)) {
      const record = take(r);
      if (record) yield record;
    }
  }
  if (header === undefined) {
    if (looked.length === 0) throw new FileValidationError('empty', `the worksheet '${ctx.sheetName}' is empty`, { context: 'sheet', sheet: ctx.sheetName });
    for (const r of accept(findHeader(looked, ctx.date1904, true, fieldOf) ?? noHeader(looked, ctx))) {
      const record = take(r);
      if (record) yield record;
    }
  }
  if (records === 0) throw new FileValidationError('empty', `the worksheet '${ctx.sheetName}' has a header but no course rows`, { context: 'sheetNoRows', sheet: ctx.sheetName });
}

function noHeader(looked: SheetRow[], ctx: SheetReadContext): never {
  const first = looked[0]!;
  const found = Array.from(first.cells, (c) => headerText(c, ctx.date1904)).filter((n) => n !== '').map((n) => `'${n}'`).join(', ');
  throw new FileValidationError(
    'missing_columns',
    `no header row with a 'title' column in the worksheet '${ctx.sheetName}' (looked at ${rowRange(looked)}, the first ${HEADER_SEARCH_ROWS} non-empty rows at most); columns found: ${found} (row ${first.rowNumber})`,
    { context: 'sheet', sheet: ctx.sheetName, rows: HEADER_SEARCH_ROWS, found: found || '—', row: first.rowNumber },
  );
}

function toRecord(row: SheetRow, header: HeaderColumn[], ctx: SheetReadContext): SourceRow | undefined {
  const skipped = ctx.skipRows.get(row.rowNumber);
  if (skipped !== undefined) {
    if (!rowIsBlank(row)) {
      ctx.warn({ code: 'total_row_skipped', row: row.rowNumber, params: { row: row.rowNumber }, message: `row ${row.rowNumber} skipped: ${skipped}, not a course` });
    }
    return undefined;
  }
  const raw: Record<string, unknown> = {};
  let warnings: RowError[] | undefined;
  let empty = true;
  for (let i = 0; i < header.length; i++) {
    const { name, field } = header[i]!;
    // "__proto__" would set the prototype instead of a key, and is no course column anyway.
    if (name === '' || name === '__proto__' || Object.hasOwn(raw, name)) continue;
    const cell = row.cells[i];
    if (isBlankCell(cell)) continue;
    const read = readCell(cell!, { date1904: ctx.date1904, field, column: name });
    raw[name] = read.value;
    empty = false;
    if (read.warning) (warnings ??= []).push(read.warning);
  }
  if (empty) return undefined;
  return warnings ? { rowNumber: row.rowNumber, raw, warnings } : { rowNumber: row.rowNumber, raw };
}

/** A tab of a workbook, for the 'sheet_read' warning. */
export interface TabInfo {
  name: string;
  /** 'visible', 'hidden' or 'veryHidden'. */
  state: string;
}

/**
 * Reports which tab is read when the workbook has more than one ('sheet_read'): "read the worksheet
 * 'Cours' (the first visible one of 3; skipped the hidden tab 'Listes')". One tab: nothing to say.
 */
export function reportSheetChoice(tabs: readonly TabInfo[], chosen: string, warn: WarnFn, withoutHeader: readonly string[] = []): void {
  if (tabs.length <= 1) return;
  if (withoutHeader.length > 0) {
    const names = withoutHeader.map((n) => `'${n}'`).join(', ');
    warn({
      code: 'sheet_read',
      params: { context: 'noHeader', sheet: chosen, skipped: names },
      message: `read the worksheet '${chosen}': the visible tab${withoutHeader.length > 1 ? 's' : ''} before it (${names}) ha${withoutHeader.length > 1 ? 've' : 's'} no header row with a title column (an export summary or notes?); the other tabs are ignored`,
    });
    return;
  }
  const index = tabs.findIndex((t) => t.name === chosen);
  const hiddenBefore = tabs.slice(0, Math.max(index, 0)).filter((t) => t.state !== 'visible').map((t) => `'${t.name}'`);
  const skipped = hiddenBefore.length === 0 ? '' : `; skipped the hidden tab${hiddenBefore.length > 1 ? 's' : ''} ${hiddenBefore.join(', ')}`;
  const which = index === 0 ? 'the first' : 'the first visible one';
  const context = index === 0 ? 'first' : hiddenBefore.length > 0 ? 'firstVisibleHidden' : 'firstVisible';
  warn({ code: 'sheet_read', params: { context, sheet: chosen, tabs: tabs.length, hidden: hiddenBefore.join(', ') }, message: `read the worksheet '${chosen}' (${which} of ${tabs.length}${skipped}); the other tabs are ignored` });
}
