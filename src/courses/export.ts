// Exports of courses in the import's own formats, streamed a page at a time: CSV and Excel with the import
// columns (lessons joined with ";", tags with ","), JSON as the import's JSON with lesson objects, XML and YAML
// as the same records (src/domain/course-writers.ts). A file
// exported here imports back as "unchanged". Text cells go through neutralizeFormula (CSV: the domain's
// toCsv; Excel: src/export/xlsx-writer), so no cell can run as a spreadsheet formula.
import type { Language } from '../i18n/languages';
import { PassThrough, type Writable } from 'node:stream';
import type { CourseRow } from '../db/course-queries';
import { toCsv } from '../domain/templates';
import { withLocalNumbers } from '../imports/csv-template';
import { writeXlsx } from '../export/xlsx-writer';
import { normalizeCourse } from '../domain/normalize';
import { courseToXml, courseToYaml, XML_EPILOGUE, XML_PROLOGUE } from '../domain/course-writers';
import { LMS_EXPORT_FORMATS, writeLmsExport, type LmsExportFormat } from './lms-export';

// imscc / imscc11 (IMS Common Cartridge 1.3 / 1.1), moodle and canvas (their course CSVs): lms-export.ts.
export const EXPORT_FORMATS = ['csv', 'json', 'xlsx', 'xml', 'yaml', ...LMS_EXPORT_FORMATS] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_COLUMNS = [
  'title', 'description', 'category', 'instructor', 'duration', 'difficulty', 'learning_mode', 'price', 'is_free', 'lessons', 'tags', 'external_id',
  // Published or not (issue 11): an export → import round trip restores it.
  'is_active',
] as const;
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];

/**
 * The columns of an export, from the admin's choice: the known ones ticked, in EXPORT_COLUMNS order; every column
 * when none is given. `title` is always kept: it names the course (and is its identity without an external id).
 */
export function exportColumnsOf(chosen: readonly string[] | null | undefined): ExportColumn[] {
  if (!chosen || chosen.length === 0) return [...EXPORT_COLUMNS];
  const set = new Set(chosen);
  return EXPORT_COLUMNS.filter((c) => c === 'title' || set.has(c));
}

/** The record with only the chosen columns (JSON / XML / YAML records and flat rows alike). */
function pick<T extends Record<string, unknown>>(record: T, columns: readonly ExportColumn[]): Record<string, unknown> {
  if (columns.length === EXPORT_COLUMNS.length) return record;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(record)) if ((columns as readonly string[]).includes(k)) out[k] = record[k];
  return out;
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xml: 'application/xml; charset=utf-8',
  yaml: 'application/yaml; charset=utf-8',
  imscc: 'application/zip',
  imscc11: 'application/zip',
  moodle: 'text/csv; charset=utf-8',
  canvas: 'text/csv; charset=utf-8',
};

/**
 * The tags the course's file gave. Stored tags are the user's tags followed by generated ones (category,
 * difficulty, title keywords), and the quality score counts only the user's: exporting the generated ones
 * as if the user had typed them would change the score on re-import. The shortest prefix of the stored tags
 * that normalises back to the same tags and the same score is the user's.
 */
export function userTagsOf(c: CourseRow): string[] {
  const base = importJsonWithTags(c, c.tags);
  for (let k = 0; k <= c.tags.length; k++) {
    const r = normalizeCourse({ ...base, tags: c.tags.slice(0, k) });
    if (r.ok && r.course.quality_score === c.quality_score && r.course.tags.join('\u0000') === c.tags.join('\u0000')) return c.tags.slice(0, k);
  }
  return c.tags;
}

/** A course as the import's JSON format writes it. */
export function toImportJson(c: CourseRow): Record<string, unknown> {
  return importJsonWithTags(c, userTagsOf(c));
}

/** The single-valued columns of the import format, shared by the JSON and the flat (CSV / Excel) exports. */
function scalarColumns(c: CourseRow) {
  return {
    title: c.title,
    description: c.description,
    category: c.category,
    instructor: c.instructor,
    duration: c.duration_hours,
    difficulty: c.difficulty,
    learning_mode: c.learning_mode,
    price: c.price,
    is_free: c.is_free,
  };
}

function importJsonWithTags(c: CourseRow, tags: string[]): Record<string, unknown> {
  return {
    external_id: c.external_id,
    ...scalarColumns(c),
    lessons: c.lessons.map((l) => ({ title: l.title, content: l.content, order: l.order, video_url: l.video_url })),
    tags,
    is_active: c.is_active,
  };
}

/** A course as one row of the import's flat format (CSV / Excel), in EXPORT_COLUMNS order. */
export function toFlatRow(c: CourseRow): Record<(typeof EXPORT_COLUMNS)[number], string | number | boolean | null> {
  return {
    ...scalarColumns(c),
    lessons: c.lessons.map((l) => l.title).join(';'),
    tags: userTagsOf(c).join(','),
    external_id: c.external_id,
    is_active: c.is_active,
  };
}

async function* flatRows(pages: AsyncIterable<CourseRow[]>, columns: readonly ExportColumn[]): AsyncGenerator<unknown[]> {
  for await (const page of pages) {
    for (const c of page) {
      const row = toFlatRow(c);
      yield columns.map((k) => row[k]);
    }
  }
}

/** Writes the pages to `out` in the format, then ends `out`; resolves with the number of courses. */
export async function writeExport(format: ExportFormat, pages: AsyncIterable<CourseRow[]>, out: Writable, options: ExportOptions = {}): Promise<number> {
  const columns = options.columns ?? [...EXPORT_COLUMNS];
  if (format === 'xlsx') return writeXlsx(out, { name: 'courses', header: columns, rows: flatRows(pages, columns) });
  let n = 0;
  const write = async (s: string | Buffer) => {
    if (!out.write(s)) await new Promise<void>((resolve) => out.once('drain', resolve));
  };
  if (isLmsFormat(format)) {
    n = await writeLmsExport(format, pages, write, { single: options.single, tags: userTagsOf });
  } else if (format === 'xml' || format === 'yaml') {
    // The JSON record of each course, written as an XML element / a YAML sequence item (course-writers.ts).
    const item = format === 'xml' ? courseToXml : courseToYaml;
    if (format === 'xml') await write(XML_PROLOGUE);
    for await (const page of pages) {
      if (page.length === 0) continue;
      await write(page.map((c) => item(pick(toImportJson(c), columns))).join(''));
      n += page.length;
    }
    await write(format === 'xml' ? XML_EPILOGUE : n === 0 ? '[]\n' : '');
  } else if (format === 'json') {
    await write('[');
    for await (const page of pages) {
      for (const c of page) {
        await write(`${n === 0 ? '\n' : ',\n'}${JSON.stringify(pick(toImportJson(c), columns))}`);
        n++;
      }
    }
    await write(n === 0 ? ']\n' : '\n]\n');
  } else {
    // toCsv quotes and neutralises; called a page at a time, with its header line kept only once. For a French
    // reader, the dialect of the French template (src/imports/csv-template.ts): ";" between cells and a decimal
    // comma, so French Excel opens it as columns; the importer reads it back as is (no warning: "19,90" has one
    // meaning), so the round trip holds in both dialects.
    const french = options.language === 'fr';
    const delimiter = french ? ';' : ',';
    const localRow = (c: CourseRow) => pick(french ? withLocalNumbers(toFlatRow(c), 'fr') : toFlatRow(c), columns);
    let first = true;
    for await (const page of pages) {
      if (page.length === 0) continue;
      const text = toCsv(page.map(localRow), { bom: first, columns, delimiter });
      await write(first ? text : text.slice(text.indexOf('\r\n') + 2));
      first = false;
      n += page.length;
    }
    if (first) await write(toCsv([], { bom: true, columns, delimiter }));
  }
  out.end();
  return n;
}

/** Options of an export. `single`: the selection is one course (a cartridge export is then that .imscc, not a zip). */
export interface ExportOptions {
  single?: boolean;
  /** The columns of the import formats' exports (exportColumnsOf); every column when absent. */
  columns?: readonly ExportColumn[];
  /** The IANA zone of the file name's date and time (DISPLAY_TIMEZONE: the admin's clock); UTC when absent. */
  timeZone?: string;
  /**
   * The reader's language: 'fr' writes the CSV as French Excel reads it (";" and decimal comma, like the French
   * template); anything else, or absent, is RFC 4180 with "," and decimal point (scripts, the REST API).
   */
  language?: Language;
}

function isLmsFormat(format: ExportFormat): format is LmsExportFormat {
  return (LMS_EXPORT_FORMATS as readonly string[]).includes(format);
}

/** The export as a readable stream (a Koa body), written in the background; errors destroy the stream. */
export function exportStream(format: ExportFormat, pages: AsyncIterable<CourseRow[]>, onDone?: (n: number) => void, onError?: (err: unknown) => void, options: ExportOptions = {}): PassThrough {
  const out = new PassThrough();
  writeExport(format, pages, out, options).then(
    (n) => onDone?.(n),
    (err) => {
      onError?.(err);
      out.destroy(err instanceof Error ? err : new Error(String(err)));
    },
  );
  return out;
}

/** `2026-12-01-05-35-23`: the date and time of `at` on the clock of `timeZone` (UTC when absent). */
function fileStamp(at: Date, timeZone?: string): string {
  if (!timeZone) return at.toISOString().slice(0, 19).replace(/[:T]/g, '-');
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const p = (type: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === type)?.value ?? '00';
  return `${p('year')}-${p('month')}-${p('day')}-${p('hour')}-${p('minute')}-${p('second')}`;
}

/** The export's file name, stamped with the time it was asked for (on the admin's clock when `options.timeZone`). */
export function exportFileName(format: ExportFormat, at = new Date(), options: ExportOptions = {}): string {
  const stamp = fileStamp(at, options.timeZone);
  // LMS files: a cartridge (or a zip of cartridges), Moodle's and Canvas's CSVs named after what they are.
  if (format === 'imscc' || format === 'imscc11') return `courses-${stamp}.${options.single ? 'imscc' : 'zip'}`;
  if (format === 'moodle') return `moodle-courses-${stamp}.csv`;
  if (format === 'canvas') return `canvas-courses-${stamp}.csv`;
  return `courses-${stamp}.${format}`;
}
