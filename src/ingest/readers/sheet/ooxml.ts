// The first visible worksheet of an .xlsx (ECMA-376 SpreadsheetML, Transitional or Strict), streamed:
// the package's relationships lead to the workbook (any part name, relative or absolute targets as
// openpyxl writes them; Part 2 §9.3), the workbook lists the tabs in tab order with their visibility
// (Part 1 §18.2.19 `state`), the styles give each cell's number format (§18.8.10 cellXfs, §18.8.31
// numFmt), the shared strings are held in memory (bounded by zip-inspect.ts), the tables of the sheet say
// which rows are totals (§18.5.1.2 `totalsRowCount`), then the sheet's rows are parsed as the XML is
// decompressed (§18.3.1.73 row, §18.3.1.4 c): shared, inline and rich text (every run, phonetic runs left
// out), formulas by their cached value, cells and rows without an `r` reference placed in document order.

import path from 'node:path';
import type { Entry, ZipFile } from 'yauzl';
import { FileValidationError, type ReaderLimits } from '../../../domain/types';
import { TextTooLong } from '../../../domain/source-marks';
import { mapZipError, openEntry, openZip, zipEntries } from '../zip-inspect';
import { reasonParams, xmlReason } from '../parser-reasons';
import type { RawCell, SheetRow } from './cells';
import { builtinFormat } from './number-format';
import { MAX_XML_TEXT_RUN, parseXmlStream, XmlByteParser, XmlTextRunError, XmlWellFormednessError } from './xml';

/** Why a formula cell has no value: it was written by a program that does not compute formulas. */
export const NO_CACHED_VALUE = 'the formula has no computed value (save the file in Excel to compute it)';
/** Excel's last column (XFD): references beyond it are not cells. */
const MAX_COLUMNS = 16_384;

export interface SheetEntry {
  name: string;
  /** 'visible', 'hidden' or 'veryHidden' (ECMA-376 Part 1 §18.18.68 ST_SheetState). */
  state: string;
  /** The sheet's part name in the archive, when its relationship resolves. */
  part: string | undefined;
}

/** An opened .xlsx, its styles and shared strings read once: the rows of any of its visible worksheets. */
export interface XlsxWorkbook {
  /** Every tab, in tab order. */
  sheets: SheetEntry[];
  /** The visible worksheets with a part, in tab order: the candidates to read (never empty). */
  visible: SheetEntry[];
  date1904: boolean;
  /** Rows of a sheet that are a table's total row → what they are, for the warning. */
  totalRows(sheet: SheetEntry): Promise<Map<number, string>>;
  /** A sheet's rows in document order. */
  rows(sheet: SheetEntry): AsyncGenerator<SheetRow>;
  /** Closes the archive; safe to call twice. */
  close(): void;
}

interface Rel {
  type: string;
  target: string;
  external: boolean;
}

/** Part names are case-insensitive in OPC (ECMA-376 Part 2 §9.1.1.1); some writers use backslashes. */
function partKey(name: string): string {
  return name.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();
}

function relsPartOf(part: string): string {
  const dir = path.posix.dirname(part);
  return `${dir === '.' ? '' : `${dir}/`}_rels/${path.posix.basename(part)}.rels`;
}

/** A relationship's target as a part name: absolute ("/xl/…") from the root, otherwise from the source's folder. */
function resolveTarget(sourcePart: string, target: string): string {
  const clean = decodeURI(target.replace(/\\/g, '/'));
  if (clean.startsWith('/')) return path.posix.normalize(clean).slice(1);
  const dir = path.posix.dirname(sourcePart);
  return path.posix.normalize(dir === '.' ? clean : `${dir}/${clean}`).replace(/^(\.\.\/)+/, '');
}

function relType(type: string): string {
  return type.slice(type.lastIndexOf('/') + 1);
}

/** Reads column letters of a reference ("BC12" → 54, 0-based), or -1. */
function columnIndex(ref: string): number {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else if (c === 36) continue; // '$'
    else break;
  }
  return i === 0 || col === 0 ? -1 : col - 1;
}

function rowOfRef(ref: string): number {
  const m = /(\d+)$/.exec(ref);
  return m ? Number(m[1]) : NaN;
}

class Archive {
  private readonly entries = new Map<string, Entry>();
  private closed = false;
  private constructor(private readonly zip: ZipFile) {}

  static async open(filePath: string): Promise<Archive> {
    const zip = await openZip(filePath);
    const archive = new Archive(zip);
    try {
      for await (const entry of zipEntries(zip)) archive.entries.set(partKey(entry.fileName), entry);
    } catch (err) {
      archive.close();
      throw err;
    }
    return archive;
  }

  has(part: string): boolean {
    return this.entries.has(partKey(part));
  }

  async stream(part: string): Promise<(NodeJS.ReadableStream & { destroy(): void }) | undefined> {
    const entry = this.entries.get(partKey(part));
    return entry ? openEntry(this.zip, entry) : undefined;
  }

  /** Parses a part with the handlers; false when the part does not exist. */
  async parse(part: string, handlers: Parameters<typeof parseXmlStream>[1]): Promise<boolean> {
    const stream = await this.stream(part);
    if (!stream) return false;
    try {
      await parseXmlStream(stream as AsyncIterable<Buffer>, handlers, MAX_XML_TEXT_RUN, part);
    } finally {
      stream.destroy();
    }
    return true;
  }

  async rels(sourcePart: string | ''): Promise<Map<string, Rel>> {
    const rels = new Map<string, Rel>();
    const part = sourcePart === '' ? '_rels/.rels' : relsPartOf(sourcePart);
    await this.parse(part, {
      open(name, a) {
        if (name !== 'Relationship' || a.Id === undefined || a.Target === undefined) return;
        rels.set(a.Id, { type: relType(a.Type ?? ''), target: a.Target, external: a.TargetMode === 'External' });
      },
    });
    return rels;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.zip.close();
  }
}

interface WorkbookInfo {
  sheets: (SheetEntry & { rid: string | undefined })[];
  date1904: boolean;
}

async function readWorkbook(archive: Archive, part: string): Promise<WorkbookInfo> {
  const info: WorkbookInfo = { sheets: [], date1904: false };
  await archive.parse(part, {
    open(name, a) {
      if (name === 'sheet') info.sheets.push({ name: a.name ?? '', state: a.state ?? 'visible', part: undefined, rid: a.id });
      else if (name === 'workbookPr') info.date1904 = a.date1904 === '1' || a.date1904 === 'true';
    },
  });
  return info;
}

/** Number format code of each cell style index (cellXfs order). */
async function readStyles(archive: Archive, part: string | undefined): Promise<(string | undefined)[]> {
  const custom = new Map<number, string>();
  const xfs: number[] = [];
  let inCellXfs = false;
  if (part) {
    await archive.parse(part, {
      open(name, a) {
        if (name === 'numFmt' && a.numFmtId !== undefined) custom.set(Number(a.numFmtId), a.formatCode ?? '');
        else if (name === 'cellXfs') inCellXfs = true;
        else if (name === 'xf' && inCellXfs) xfs.push(Number(a.numFmtId ?? 0));
      },
      close(name) {
        if (name === 'cellXfs') inCellXfs = false;
      },
    });
  }
  return xfs.map((id) => custom.get(id) ?? builtinFormat(id));
}

/** Characters of an over-long text kept (its head, for the row's preview). */
const KEPT_HEAD_CHARS = 200;

/**
 * A text being accumulated from XML text events, kept whole up to `max` characters, beyond that only its head
 * and its length (a TextTooLong): a cell of 50 MB never exists in memory.
 */
class BoundedText {
  text = '';
  length = 0;
  constructor(private readonly max: number) {}

  reset(): void {
    this.text = '';
    this.length = 0;
  }

  add(t: string): void {
    this.length += t.length;
    if (this.length <= this.max) this.text += t;
    else if (this.text.length < KEPT_HEAD_CHARS) this.text = (this.text + t).slice(0, KEPT_HEAD_CHARS);
    else if (this.text.length > KEPT_HEAD_CHARS) this.text = this.text.slice(0, KEPT_HEAD_CHARS);
  }

  /** The text, or a TextTooLong when it went over the bound. */
  value(): string | TextTooLong {
    return this.length <= this.max ? this.text : new TextTooLong(this.length, this.text);
  }
}

/**
 * The texts of the shared strings table (§18.4.9): every run of an item, phonetic runs (rPh) left out. Every
 * text is held in memory while the rows are read, so the table is bounded: at most limits.maxSharedStrings
 * items and limits.maxSharedStringChars characters in all, else FileValidationError 'too_complex'; an item over
 * limits.maxValueChars is kept as a TextTooLong (its head and length), which becomes a row error where a cell
 * of a course uses it.
 */
async function readSharedStrings(archive: Archive, part: string | undefined, limits: ReaderLimits): Promise<(string | TextTooLong)[]> {
  const strings: (string | TextTooLong)[] = [];
  if (!part) return strings;
  const current = new BoundedText(limits.maxValueChars);
  let totalChars = 0;
  let inT = false;
  let inPhonetic = false;
  await archive.parse(part, {
    open(name) {
      if (name === 'si') current.reset();
      else if (name === 't') inT = !inPhonetic;
      else if (name === 'rPh') inPhonetic = true;
    },
    close(name) {
      if (name === 't') inT = false;
      else if (name === 'rPh') inPhonetic = false;
      else if (name === 'si') {
        if (strings.length >= limits.maxSharedStrings) {
          throw new FileValidationError('too_complex', `the workbook's shared strings table (${part}) holds more than ${limits.maxSharedStrings} texts; at most ${limits.maxSharedStrings}: split the file`, {
            context: 'sharedStringsCount',
            name: part,
            max: limits.maxSharedStrings,
          });
        }
        const text = current.value();
        totalChars += typeof text === 'string' ? text.length : text.head.length;
        if (totalChars > limits.maxSharedStringChars) {
          throw new FileValidationError('too_complex', `the workbook's shared strings table (${part}) holds more than ${limits.maxSharedStringChars} characters of text; at most ${limits.maxSharedStringChars}: split the file`, {
            context: 'sharedStringsChars',
            name: part,
            max: limits.maxSharedStringChars,
          });
        }
        strings.push(text);
      }
    },
    text(t) {
      if (inT) current.add(t);
    },
  });
  return strings;
}

/**
 * The file-level error of a failure while reading the workbook: a FileValidationError as is, an XML text run over
 * the parser's bound (xml.ts) 'too_complex', anything else 'unreadable'.
 */
export function workbookFailure(err: unknown): FileValidationError {
  if (err instanceof FileValidationError) return err;
  if (err instanceof XmlTextRunError) {
    return new FileValidationError('too_complex', `the workbook holds ${err.message} (Excel holds at most 32767 characters per cell)`, { context: 'textRunWorkbook', max: err.limit });
  }
  if (err instanceof XmlWellFormednessError) {
    // Told in the reader's language by its reason (parser-reasons.ts); saxes's words stay in `detail`.
    return new FileValidationError('unreadable', `the workbook's part ${err.part} is not well-formed XML: ${err.message}`, { context: 'workbookXml', part: err.part, ...reasonParams(xmlReason(err.message), err.message) });
  }
  // The library's own message stays as written (detail); the sentence around it is translated.
  return new FileValidationError('unreadable', `the workbook could not be read: ${(err as Error).message}`, { context: 'workbook', detail: (err as Error).message });
}

/** Total rows of the sheet's tables (§18.5.1.2): the last `totalsRowCount` rows of each table's ref. */
async function readTotalRows(archive: Archive, sheetPart: string): Promise<Map<number, string>> {
  const skip = new Map<number, string>();
  const rels = await archive.rels(sheetPart);
  for (const rel of rels.values()) {
    if (rel.external || rel.type !== 'table') continue;
    await archive.parse(resolveTarget(sheetPart, rel.target), {
      open(name, a) {
        if (name !== 'table' || a.ref === undefined) return;
        const count = Number(a.totalsRowCount ?? 0);
        if (!(count > 0)) return;
        const last = rowOfRef(a.ref.split(':').at(-1)!);
        const table = a.displayName ?? a.name ?? '';
        for (let r = last - count + 1; r <= last; r++) skip.set(r, `the total row of the table '${table}'`);
      },
    });
  }
  return skip;
}

/** The cell being parsed. */
interface CellState {
  col: number;
  type: string;
  style: number;
  value: BoundedText;
  hasValue: boolean;
  hasFormula: boolean;
  /** Inline text (`<is>`), made when the cell has some. */
  inline: BoundedText | undefined;
}

function textCell(text: string | TextTooLong): RawCell {
  return typeof text === 'string' ? { t: 's', v: text } : { t: 'long', v: text };
}

function buildCell(cell: CellState, shared: (string | TextTooLong)[], formats: (string | undefined)[]): RawCell | undefined {
  // Texts over the bound only exist as a TextTooLong; a number or a code is never that long in a real file.
  const value = cell.value.value();
  if (cell.type === 'inlineStr') return textCell(cell.inline !== undefined && cell.inline.length > 0 ? cell.inline.value() : value);
  if (cell.type === 'str') {
    if (!cell.hasValue && cell.hasFormula) return { t: 'e', v: NO_CACHED_VALUE };
    return textCell(value);
  }
  if (typeof value !== 'string') return { t: 'e', v: `a value of ${value.length} characters where a number or a code was expected` };
  switch (cell.type) {
    case 's': {
      const text = shared[Number(value)];
      return text === undefined ? { t: 'e', v: `shared string ${value.slice(0, 20)} missing from the workbook` } : textCell(text);
    }
    case 'b':
      return cell.hasValue ? { t: 'b', v: value.trim() === '1' || value.trim().toLowerCase() === 'true' } : undefined;
    case 'e':
      return { t: 'e', v: value.trim().slice(0, 40) || '#VALUE!' };
    case 'd': {
      const iso = value.trim();
      // An ISO 8601 date without a zone is the sheet's own clock: read as UTC like serial dates.
      const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) || !iso.includes('T') ? iso : `${iso}Z`);
      return Number.isNaN(date.getTime()) ? { t: 'e', v: `'${iso.slice(0, 40)}' is not a date` } : { t: 'd', v: date };
    }
    default: {
      if (!cell.hasValue || value.trim() === '') return cell.hasFormula ? { t: 'e', v: NO_CACHED_VALUE } : undefined;
      const n = Number(value);
      if (!Number.isFinite(n)) return { t: 'e', v: `'${value.slice(0, 40)}' is not a number` };
      const fmt = formats[cell.style];
      return fmt === undefined ? { t: 'n', v: n } : { t: 'n', v: n, fmt };
    }
  }
}

async function* sheetRows(archive: Archive, part: string, shared: (string | TextTooLong)[], formats: (string | undefined)[], limits: ReaderLimits): AsyncGenerator<SheetRow> {
  const ready: SheetRow[] = [];
  let rowNumber = 0;
  let cells: (RawCell | undefined)[] = [];
  let nextCol = 0;
  let inRow = false;
  let cell: CellState | undefined;
  let inV = false;
  let inIs = false;
  let inT = false;
  let inPhonetic = false;
  const parser = new XmlByteParser({
    open(name, a) {
      switch (name) {
        case 'row': {
          const r = a.r === undefined ? NaN : Number(a.r);
          rowNumber = Number.isInteger(r) && r > rowNumber ? r : rowNumber + 1;
          cells = [];
          nextCol = 0;
          inRow = true;
          break;
        }
        case 'c': {
          if (!inRow) return;
          const ref = a.r === undefined ? -1 : columnIndex(a.r);
          cell = {
            col: ref >= 0 ? ref : nextCol,
            type: a.t ?? 'n',
            style: a.s === undefined ? 0 : Number(a.s),
            value: new BoundedText(limits.maxValueChars),
            hasValue: false,
            hasFormula: false,
            inline: undefined,
          };
          break;
        }
        case 'v':
          if (cell) { inV = true; cell.hasValue = true; }
          break;
        case 'f':
          if (cell) cell.hasFormula = true;
          break;
        case 'is':
          inIs = true;
          break;
        case 't':
          inT = inIs && !inPhonetic;
          break;
        case 'rPh':
          inPhonetic = true;
          break;
      }
    },
    close(name) {
      switch (name) {
        case 'v': inV = false; break;
        case 't': inT = false; break;
        case 'is': inIs = false; break;
        case 'rPh': inPhonetic = false; break;
        case 'c':
          if (cell) {
            if (cell.col < MAX_COLUMNS) {
              const built = buildCell(cell, shared, formats);
              if (built !== undefined) cells[cell.col] = built;
            }
            nextCol = cell.col + 1;
            cell = undefined;
          }
          break;
        case 'row':
          if (inRow) ready.push({ rowNumber, cells });
          inRow = false;
          break;
      }
    },
    text(t) {
      if (!cell) return;
      if (inV) cell.value.add(t);
      else if (inT) (cell.inline ??= new BoundedText(limits.maxValueChars)).add(t);
    },
  }, MAX_XML_TEXT_RUN, part);
  const stream = await archive.stream(part);
  if (!stream) return;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parser.write(chunk);
      while (ready.length > 0) yield ready.shift()!;
    }
    parser.end();
    while (ready.length > 0) yield ready.shift()!;
  } finally {
    stream.destroy();
  }
}

/**
 * Opens an .xlsx (already checked by inspectXlsx): its tabs, styles and shared strings, for its visible worksheets.
 * Throws FileValidationError: 'empty' (no worksheet, or none visible), 'unreadable' (not a workbook:
 * no workbook part, malformed XML in the workbook, styles or shared strings).
 */
export async function openXlsxWorkbook(filePath: string, limits: ReaderLimits): Promise<XlsxWorkbook> {
  let archive: Archive;
  try {
    archive = await Archive.open(filePath);
  } catch (err) {
    throw mapZipError(err);
  }
  try {
    const rootRels = await archive.rels('');
    const officeDoc = [...rootRels.values()].find((r) => r.type === 'officeDocument' && !r.external);
    const workbookPart = officeDoc ? resolveTarget('', officeDoc.target) : 'xl/workbook.xml';
    if (!archive.has(workbookPart)) {
      throw new FileValidationError('unreadable', 'the file is a zip archive but not an Excel workbook (no workbook part); save it as .xlsx from a spreadsheet program', { context: 'noWorkbookPart' });
    }
    const workbook = await readWorkbook(archive, workbookPart);
    const wbRels = await archive.rels(workbookPart);
    const relPart = (type: string) => {
      const rel = [...wbRels.values()].find((r) => r.type === type && !r.external);
      return rel ? resolveTarget(workbookPart, rel.target) : undefined;
    };
    for (const s of workbook.sheets) {
      const rel = s.rid === undefined ? undefined : wbRels.get(s.rid);
      if (rel && !rel.external && rel.type === 'worksheet') s.part = resolveTarget(workbookPart, rel.target);
    }
    const sheets: SheetEntry[] = workbook.sheets.map(({ name, state, part }) => ({ name, state, part }));
    if (sheets.length === 0) throw new FileValidationError('empty', 'the workbook has no worksheet', { context: 'noWorksheet', kind: 'xlsx' });
    // Chart sheets and dialog sheets have no worksheet relationship: they are not candidates.
    const visible = sheets.filter((s) => s.state === 'visible' && s.part !== undefined && archive.has(s.part));
    if (visible.length === 0) throw new FileValidationError('empty', 'the workbook has no visible worksheet (every tab is hidden or not a worksheet)', { context: 'noVisibleWorksheetXlsx' });

    const formats = await readStyles(archive, relPart('styles'));
    const shared = await readSharedStrings(archive, relPart('sharedStrings'), limits);
    return {
      sheets,
      visible,
      date1904: workbook.date1904,
      totalRows: (sheet) => readTotalRows(archive, sheet.part!),
      rows: (sheet) => sheetRows(archive, sheet.part!, shared, formats, limits),
      close: () => archive.close(),
    };
  } catch (err) {
    archive.close();
    throw workbookFailure(err);
  }
}
