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
import { FileValidationError } from '../../types';
import { mapZipError, openEntry, openZip, zipEntries } from '../zip-inspect';
import type { RawCell, SheetRow } from './cells';
import { builtinFormat } from './number-format';
import { parseXmlStream, XmlByteParser } from './xml';

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

/** The chosen worksheet of an .xlsx, ready to stream. */
export interface XlsxSheet {
  /** Every tab, in tab order. */
  sheets: SheetEntry[];
  /** The tab that is read: the first visible one with a part, or the one `visibleIndex` asked for. */
  sheet: SheetEntry;
  /** How many visible worksheets the workbook has (the candidates for `visibleIndex`). */
  visibleCount: number;
  date1904: boolean;
  /** Rows of the sheet that are a table's total row → what they are, for the warning. */
  skipRows: Map<number, string>;
  /** The sheet's rows in document order; closes the archive when done or abandoned. */
  rows: AsyncGenerator<SheetRow>;
  /** Closes the archive (also done by `rows` when it ends); safe to call twice. */
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
      await parseXmlStream(stream as AsyncIterable<Buffer>, handlers);
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

/** The texts of the shared strings table (§18.4.9): every run of an item, phonetic runs (rPh) left out. */
async function readSharedStrings(archive: Archive, part: string | undefined): Promise<string[]> {
  const strings: string[] = [];
  if (!part) return strings;
  let current = '';
  let inT = false;
  let inPhonetic = false;
  await archive.parse(part, {
    open(name) {
      if (name === 'si') current = '';
      else if (name === 't') inT = !inPhonetic;
      else if (name === 'rPh') inPhonetic = true;
    },
    close(name) {
      if (name === 't') inT = false;
      else if (name === 'rPh') inPhonetic = false;
      else if (name === 'si') strings.push(current);
    },
    text(t) {
      if (inT) current += t;
    },
  });
  return strings;
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
  value: string;
  hasValue: boolean;
  hasFormula: boolean;
  inline: string;
}

function buildCell(c: CellState, shared: string[], formats: (string | undefined)[]): RawCell | undefined {
  switch (c.type) {
    case 's': {
      const text = shared[Number(c.value)];
      return text === undefined ? { t: 'e', v: `shared string ${c.value} missing from the workbook` } : { t: 's', v: text };
    }
    case 'inlineStr':
      return { t: 's', v: c.inline !== '' ? c.inline : c.value };
    case 'str':
      if (!c.hasValue && c.hasFormula) return { t: 'e', v: NO_CACHED_VALUE };
      return { t: 's', v: c.value };
    case 'b':
      return c.hasValue ? { t: 'b', v: c.value.trim() === '1' || c.value.trim().toLowerCase() === 'true' } : undefined;
    case 'e':
      return { t: 'e', v: c.value.trim() || '#VALUE!' };
    case 'd': {
      const iso = c.value.trim();
      // An ISO 8601 date without a zone is the sheet's own clock: read as UTC like serial dates.
      const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) || !iso.includes('T') ? iso : `${iso}Z`);
      return Number.isNaN(date.getTime()) ? { t: 'e', v: `'${iso}' is not a date` } : { t: 'd', v: date };
    }
    default: {
      if (!c.hasValue || c.value.trim() === '') return c.hasFormula ? { t: 'e', v: NO_CACHED_VALUE } : undefined;
      const n = Number(c.value);
      if (!Number.isFinite(n)) return { t: 'e', v: `'${c.value}' is not a number` };
      const fmt = formats[c.style];
      return fmt === undefined ? { t: 'n', v: n } : { t: 'n', v: n, fmt };
    }
  }
}

async function* sheetRows(archive: Archive, part: string, shared: string[], formats: (string | undefined)[]): AsyncGenerator<SheetRow> {
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
            value: '',
            hasValue: false,
            hasFormula: false,
            inline: '',
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
      if (inV) cell.value += t;
      else if (inT) cell.inline += t;
    },
  });
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
 * Opens an .xlsx (already checked by inspectXlsx) and prepares its first visible worksheet, or its
 * `visibleIndex`-th (0-based) visible worksheet.
 * Throws FileValidationError: 'empty' (no worksheet, or none visible), 'unreadable' (not a workbook:
 * no workbook part, malformed XML in the workbook, styles or shared strings).
 */
export async function openXlsxSheet(filePath: string, visibleIndex = 0): Promise<XlsxSheet> {
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
      throw new FileValidationError('unreadable', 'the file is a zip archive but not an Excel workbook (no workbook part); save it as .xlsx from a spreadsheet program');
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
    if (sheets.length === 0) throw new FileValidationError('empty', 'the workbook has no worksheet');
    // Chart sheets and dialog sheets have no worksheet relationship: they are not candidates.
    const visible = sheets.filter((s) => s.state === 'visible' && s.part !== undefined && archive.has(s.part));
    const sheet = visible[visibleIndex];
    if (!sheet) throw new FileValidationError('empty', 'the workbook has no visible worksheet (every tab is hidden or not a worksheet)');

    const formats = await readStyles(archive, relPart('styles'));
    const shared = await readSharedStrings(archive, relPart('sharedStrings'));
    const skipRows = await readTotalRows(archive, sheet.part!);
    const rows = (async function* () {
      try {
        yield* sheetRows(archive, sheet.part!, shared, formats);
      } finally {
        archive.close();
      }
    })();
    return { sheets, sheet, visibleCount: visible.length, date1904: workbook.date1904, skipRows, rows, close: () => archive.close() };
  } catch (err) {
    archive.close();
    if (err instanceof FileValidationError) throw err;
    throw new FileValidationError('unreadable', `the workbook could not be read: ${(err as Error).message}`);
  }
}
