// Exports of courses in the import's own formats, streamed a page at a time: CSV and Excel with the import
// columns (lessons joined with ";", tags with ","), JSON as the import's JSON with lesson objects, XML and YAML
// as the same records (src/domain/course-writers.ts). A file
// exported here imports back as "unchanged". Text cells go through neutralizeFormula (CSV: the domain's
// toCsv; Excel: src/export/xlsx-writer), so no cell can run as a spreadsheet formula.
import { PassThrough, type Writable } from 'node:stream';
import type { CourseRow } from '../db/course-queries';
import { toCsv } from '../domain/templates';
import { writeXlsx } from '../export/xlsx-writer';
import { normalizeCourse } from '../domain/normalize';
import { courseToXml, courseToYaml, XML_EPILOGUE, XML_PROLOGUE } from '../domain/course-writers';

export const EXPORT_FORMATS = ['csv', 'json', 'xlsx', 'xml', 'yaml'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_COLUMNS = [
  'title', 'description', 'category', 'instructor', 'duration', 'difficulty', 'learning_mode', 'price', 'is_free', 'lessons', 'tags', 'external_id',
] as const;

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xml: 'application/xml; charset=utf-8',
  yaml: 'application/yaml; charset=utf-8',
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
  };
}

/** A course as one row of the import's flat format (CSV / Excel), in EXPORT_COLUMNS order. */
export function toFlatRow(c: CourseRow): Record<(typeof EXPORT_COLUMNS)[number], string | number | boolean | null> {
  return {
    ...scalarColumns(c),
    lessons: c.lessons.map((l) => l.title).join(';'),
    tags: userTagsOf(c).join(','),
    external_id: c.external_id,
  };
}

async function* flatRows(pages: AsyncIterable<CourseRow[]>): AsyncGenerator<unknown[]> {
  for await (const page of pages) for (const c of page) yield Object.values(toFlatRow(c));
}

/** Writes the pages to `out` in the format, then ends `out`; resolves with the number of courses. */
export async function writeExport(format: ExportFormat, pages: AsyncIterable<CourseRow[]>, out: Writable): Promise<number> {
  if (format === 'xlsx') return writeXlsx(out, { name: 'courses', header: EXPORT_COLUMNS, rows: flatRows(pages) });
  let n = 0;
  const write = async (s: string) => {
    if (!out.write(s)) await new Promise<void>((resolve) => out.once('drain', resolve));
  };
  if (format === 'xml' || format === 'yaml') {
    // The JSON record of each course, written as an XML element / a YAML sequence item (course-writers.ts).
    const item = format === 'xml' ? courseToXml : courseToYaml;
    if (format === 'xml') await write(XML_PROLOGUE);
    for await (const page of pages) {
      if (page.length === 0) continue;
      await write(page.map((c) => item(toImportJson(c))).join(''));
      n += page.length;
    }
    await write(format === 'xml' ? XML_EPILOGUE : n === 0 ? '[]\n' : '');
  } else if (format === 'json') {
    await write('[');
    for await (const page of pages) {
      for (const c of page) {
        await write(`${n === 0 ? '\n' : ',\n'}${JSON.stringify(toImportJson(c))}`);
        n++;
      }
    }
    await write(n === 0 ? ']\n' : '\n]\n');
  } else {
    // toCsv quotes and neutralises; called a page at a time, with its header line kept only once.
    let first = true;
    for await (const page of pages) {
      if (page.length === 0) continue;
      const text = toCsv(page.map(toFlatRow), { bom: first });
      await write(first ? text : text.slice(text.indexOf('\r\n') + 2));
      first = false;
      n += page.length;
    }
    if (first) await write(toCsv([], { bom: true }).replace(/\r\n$/, `,${EXPORT_COLUMNS.at(-1)}\r\n`));
  }
  out.end();
  return n;
}

/** The export as a readable stream (a Koa body), written in the background; errors destroy the stream. */
export function exportStream(format: ExportFormat, pages: AsyncIterable<CourseRow[]>, onDone?: (n: number) => void, onError?: (err: unknown) => void): PassThrough {
  const out = new PassThrough();
  writeExport(format, pages, out).then(
    (n) => onDone?.(n),
    (err) => {
      onError?.(err);
      out.destroy(err instanceof Error ? err : new Error(String(err)));
    },
  );
  return out;
}

export function exportFileName(format: ExportFormat, at = new Date()): string {
  return `courses-${at.toISOString().slice(0, 19).replace(/[:T]/g, '-')}.${format}`;
}
