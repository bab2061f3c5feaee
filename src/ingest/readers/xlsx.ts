// Excel (.xlsx) reader. The archive is inspected first (zip-inspect.ts: zip bombs, traversal, DTDs); then
// the first visible worksheet is streamed (sheet/ooxml.ts: saxes over yauzl, row by row) and its rows
// become course records by the rules shared with .xls and .ods (sheet/rows.ts): header found among the
// first non-empty rows, a table's total row skipped, each cell read with its number format.
// Why streaming rather than SheetJS: README, "Spreadsheet reader: measured choice".

import { FileValidationError, ignoreWarnings, type FileWarning, type ReaderLimits, type SourceRow, type WarnFn } from '../../domain/types';
import { checkFile } from './file-checks';
import { inspectXlsx } from './zip-inspect';
import { openXlsxWorkbook, workbookFailure } from './sheet/ooxml';
import { reportSheetChoice, sheetRecords } from './sheet/rows';

/**
 * The course records of an .xlsx (ECMA-376 SpreadsheetML), `rowNumber` being the sheet's row number.
 * File-level notes ('sheet_read', 'header_row', 'total_row_skipped') go to `warn`. Throws
 * FileValidationError: too_large / empty / format_mismatch (checkFile), unsafe / unreadable (the
 * archive), empty (no visible worksheet, no rows), missing_columns (no header with a title column in the
 * first 10 non-empty rows), too_many_rows.
 */
export async function* readXlsx(filePath: string, limits: ReaderLimits, warn: WarnFn = ignoreWarnings): AsyncGenerator<SourceRow> {
  await checkFile(filePath, 'xlsx', limits);
  await inspectXlsx(filePath, limits);
  const book = await openXlsxWorkbook(filePath, limits);
  try {
    // Visible tabs before the one read that have no header: Apple Numbers puts an "Export Summary" tab first
    // when a document has several tables. The next visible tab is tried; the first error stands if none fits.
    const withoutHeader: string[] = [];
    let firstError: FileValidationError | undefined;
    for (const [candidate, sheet] of book.visible.entries()) {
      // Warnings of a tab wait until its header is found: a tab given up on reports nothing.
      const held: FileWarning[] = [];
      let headerFound = false;
      const warnOnceFound: WarnFn = (w) => (headerFound ? warn(w) : held.push(w));
      try {
        const skipRows = await book.totalRows(sheet);
        for await (const record of sheetRecords(book.rows(sheet), { sheetName: sheet.name, date1904: book.date1904, skipRows, limits, warn: warnOnceFound })) {
          if (!headerFound) {
            headerFound = true;
            reportSheetChoice(book.sheets, sheet.name, warn, withoutHeader);
            held.forEach(warn);
          }
          yield record;
        }
        return;
      } catch (err) {
        const noHeader = !headerFound && err instanceof FileValidationError && err.code === 'missing_columns';
        if (noHeader && candidate + 1 < book.visible.length) {
          firstError ??= err;
          withoutHeader.push(sheet.name);
          continue;
        }
        if (noHeader && firstError) throw firstError;
        throw workbookFailure(err);
      }
    }
  } finally {
    book.close();
  }
}
