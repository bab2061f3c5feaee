// Legacy Excel (.xls, BIFF8 in a Compound File: MS-XLS, MS-CFB) and OpenDocument spreadsheets (.ods,
// OpenDocument 1.2 Part 1 §9) through SheetJS, which loads the whole workbook: acceptable because the
// file is first held to bounds on what SheetJS builds (an .xls to limits.maxXlsBytes; an .ods to the zip
// checks of zip-inspect.ts, to limits.maxOdsContentBytes of content.xml and limits.maxSheetCells expanded
// cells: scanOds), and measured in the README ("Spreadsheet reader: measured choice"). The first visible sheet's cells are turned into the
// shared cell vocabulary (sheet/cells.ts) and read by the same rules as an .xlsx (sheet/rows.ts).

import { readFile, stat } from 'node:fs/promises';
import * as XLSX from '@e965/xlsx';
import { FileValidationError, ignoreWarnings, type ReaderLimits, type SourceRow, type WarnFn } from '../../domain/types';
import { checkFile, formatBytes } from './file-checks';
import { inspectXlsx, mapZipError, ODS_MIMETYPE, openEntry, openZip, zipEntries } from './zip-inspect';
import { MAX_XML_TEXT_RUN, parseXmlStream, XmlTextRunError, XmlWellFormednessError } from './sheet/xml';
import { workbookFailure } from './sheet/ooxml';
import type { RawCell, SheetRow } from './sheet/cells';
import { reportSheetChoice, sheetRecords, type TabInfo } from './sheet/rows';

const HIDDEN_STATES = ['visible', 'hidden', 'veryHidden'] as const;

function parseWorkbook(data: Buffer, what: string, kind: 'xls' | 'ods'): XLSX.WorkBook {
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
      throw new FileValidationError('unreadable', `the ${what} is password-protected; save it without a password`, { context: 'passwordProtected', kind });
    }
    // SheetJS's own message (often an internal TypeError of a cut or damaged file: "Cannot read properties of
    // undefined") is no reason an admin can act on: the sentence says what to do, the message stays in `detail`.
    throw new FileValidationError('unreadable', `the file cannot be read as ${what}: ${message}`, { context: 'damaged', kind, detail: message });
  }
}

/** What the scan of an .ods's content.xml finds before SheetJS is let near it. */
interface OdsScan {
  /** Names of the hidden tables. */
  hidden: Set<string>;
}

/**
 * Scans content.xml of an .ods as it is decompressed (saxes; the archive was checked by inspectXlsx), before
 * SheetJS reads the whole file:
 * - the names of the hidden tables: SheetJS does not read OpenDocument's table visibility, which is a table
 *   style with `table:display="false"` (OpenDocument 1.2 Part 1 §17.15 style:table-properties);
 * - the bounds on what SheetJS would build: content.xml at most limits.maxOdsContentBytes uncompressed (as
 *   declared; yauzl holds the actual bytes to it), and at most limits.maxSheetCells cells with a value once
 *   `table:number-rows-repeated` and `table:number-columns-repeated` are expanded (§9.1.3, §9.1.4): a few KB
 *   can repeat a cell 16 384 × 1 048 576 times. Over either: FileValidationError 'too_complex'.
 */
async function scanOds(filePath: string, limits: ReaderLimits): Promise<OdsScan> {
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
      if (entry.uncompressedSize > limits.maxOdsContentBytes) {
        throw new FileValidationError('too_complex', `the spreadsheet's content (content.xml) is ${formatBytes(entry.uncompressedSize)} uncompressed; an .ods is read whole in memory, so at most ${formatBytes(limits.maxOdsContentBytes)}: save it as .xlsx (read as a stream) or split it`, {
          context: 'odsContent',
          sizeBytes: entry.uncompressedSize,
          maxBytes: limits.maxOdsContentBytes,
        });
      }
      let style: string | undefined;
      let rowRepeat = 1;
      let rowCells = 0;
      let cellRepeat = 0;
      let cellHasValue = false;
      let cells = 0;
      const stream = await openEntry(zip, entry);
      try {
        await parseXmlStream(stream as AsyncIterable<Buffer>, {
          open(name, a) {
            switch (name) {
              case 'style':
                style = a.family === 'table' ? a.name : undefined;
                break;
              case 'table-properties':
                if (style !== undefined && a.display === 'false') hiddenStyles.add(style);
                break;
              case 'table':
                if (a.name !== undefined && a['style-name'] !== undefined && hiddenStyles.has(a['style-name'])) hidden.add(a.name);
                break;
              case 'table-row':
                rowRepeat = repeatCount(a['number-rows-repeated']);
                rowCells = 0;
                break;
              case 'table-cell':
              case 'covered-table-cell':
                cellRepeat = repeatCount(a['number-columns-repeated']);
                cellHasValue = a['value-type'] !== undefined;
                break;
              case 'p':
                cellHasValue = true;
                break;
            }
          },
          close(name) {
            if (name === 'style') style = undefined;
            else if (name === 'table-cell' || name === 'covered-table-cell') {
              if (cellHasValue) rowCells += cellRepeat;
              cellHasValue = false;
            } else if (name === 'table-row') {
              cells += rowCells * rowRepeat;
              if (cells > limits.maxSheetCells) {
                throw new FileValidationError('too_complex', `the spreadsheet expands to more than ${limits.maxSheetCells} cells with a value (rows or columns repeated); at most ${limits.maxSheetCells}`, {
                  context: 'sheetCells',
                  max: limits.maxSheetCells,
                });
              }
            }
          },
        }, MAX_XML_TEXT_RUN, 'content.xml');
      } finally {
        stream.destroy();
      }
      break;
    }
  } catch (err) {
    if (err instanceof XmlTextRunError) throw new FileValidationError('too_complex', `the spreadsheet holds ${err.message}`, { context: 'textRun', max: err.limit });
    if (err instanceof XmlWellFormednessError) throw workbookFailure(err);
    throw err;
  } finally {
    zip.close();
  }
  return { hidden };
}

/** A `number-*-repeated` attribute: a positive integer, 1 when absent or not one. */
function repeatCount(v: string | undefined): number {
  const n = v === undefined ? 1 : Number(v);
  return Number.isInteger(n) && n > 0 ? n : 1;
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
  if (format === 'xls') {
    // BIFF has no compression: the file's size bounds what SheetJS builds (measured: types.ts, maxXlsBytes).
    const { size } = await stat(filePath);
    if (size > limits.maxXlsBytes) {
      throw new FileValidationError('too_large', `the .xls workbook is ${formatBytes(size)}; a legacy .xls is read whole in memory, so at most ${formatBytes(limits.maxXlsBytes)}: save it as .xlsx (read as a stream, up to ${formatBytes(limits.maxFileBytes)})`, {
        context: 'xls',
        size,
        max: limits.maxXlsBytes,
        maxXlsx: limits.maxFileBytes,
      });
    }
  }
  if (format === 'ods') {
    // SheetJS inflates every part in memory: the whole archive is held to twice the content's bound.
    const odsLimits = { ...limits, maxUncompressedBytes: Math.min(limits.maxUncompressedBytes, 2 * limits.maxOdsContentBytes) };
    const { mimetype } = await inspectXlsx(filePath, odsLimits, 'an .ods spreadsheet');
    if (mimetype !== ODS_MIMETYPE) {
      throw mimetype
        ? new FileValidationError('format_mismatch', `the file is named .ods but it is an OpenDocument file of type ${mimetype}, not a spreadsheet`, { context: 'odsType', mimetype })
        : new FileValidationError('format_mismatch', 'the file is named .ods but it is a zip archive without the OpenDocument mimetype (an .xlsx renamed?)', { context: 'odsNoMimetype' });
    }
  }
  const odsHidden = format === 'ods' ? (await scanOds(filePath, limits)).hidden : new Set<string>();
  const workbook = parseWorkbook(await readFile(filePath), what, format);
  const props = workbook.Workbook?.Sheets ?? [];
  const tabs: TabInfo[] = workbook.SheetNames.map((name, i) => ({
    name,
    state: odsHidden.has(name) ? 'hidden' : HIDDEN_STATES[props[i]?.Hidden ?? 0] ?? 'hidden',
  }));
  const chosen = tabs.find((t) => t.state === 'visible');
  if (tabs.length === 0) throw new FileValidationError('empty', `the ${what} has no worksheet`, { context: 'noWorksheet', kind: format });
  if (!chosen) throw new FileValidationError('empty', `the ${what} has no visible worksheet (every tab is hidden)`, { context: 'noVisibleWorksheet', kind: format });
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
