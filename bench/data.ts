// The benchmark's files, written as streams from the seeded generator: a 10 MB catalogue is never held in memory.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { CSV_HEADER, changedCourse, courseCells, courseStream, courseToCsvLine, type GeneratedCourse } from '../test/support/generate';

export const SEED = 20261125;

/**
 * The workflow id is the file's content hash, namespace-wide: without this, a file of an earlier, interrupted
 * bench (its workflow still open) would make the same file of this one a "duplicate". Only the external ids get it.
 */
const SALT = randomBytes(3).toString('hex');
export const salted = (c: GeneratedCourse): GeneratedCourse => ({ ...c, external_id: `${c.external_id}-${SALT}` });

/** The courses of a W1 file: `changedEvery` > 0 edits one row in that many (the "10% changed" update). */
export function* w1Courses(rows: number, changedEvery = 0): Generator<GeneratedCourse> {
  let i = 0;
  for (const c of courseStream(rows, SEED)) {
    yield salted(changedEvery > 0 && i % changedEvery === 0 ? changedCourse(c) : c);
    i++;
  }
}

/** Writes a CSV; stops before `maxBytes` (the import's size limit). Returns the number of rows written. */
export async function writeCsv(file: string, courses: Iterable<GeneratedCourse>, maxBytes = Infinity): Promise<{ rows: number; bytes: number }> {
  const out = createWriteStream(file);
  let bytes = Buffer.byteLength(CSV_HEADER) + 1;
  let rows = 0;
  out.write(CSV_HEADER + '\n');
  for (const c of courses) {
    const line = courseToCsvLine(c) + '\n';
    const n = Buffer.byteLength(line);
    if (bytes + n > maxBytes) break;
    bytes += n;
    rows++;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { rows, bytes };
}

/** The same rows as an .xlsx, with exceljs's streaming writer (rows are committed as they go). */
export async function writeXlsx(file: string, courses: Iterable<GeneratedCourse>): Promise<{ rows: number }> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: false });
  const sheet = workbook.addWorksheet('courses');
  sheet.addRow(CSV_HEADER.split(',')).commit();
  let rows = 0;
  for (const c of courses) {
    sheet.addRow(courseCells(c)).commit();
    rows++;
  }
  sheet.commit();
  await workbook.commit();
  return { rows };
}
