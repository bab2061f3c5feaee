// The failed rows of an import as a CSV that the admin fixes and imports again: the rows' original columns,
// as the file named them, plus an `error` column (ignored by the importer). Cells are formula-neutralised.
import type { Writable } from 'node:stream';
import type { Sql } from '../db/client';
import { failedRowColumns, failedRowsBatch, type FailedRow } from '../db/import-history';
import { canonicalField } from '../domain/fields';
import { unwrapCellValue } from '../domain/cell-value';
import { neutralizeFormula } from '../domain/templates';

const COURSE_ORDER = ['external_id', 'title', 'description', 'category', 'instructor', 'duration', 'difficulty', 'learning_mode', 'price', 'is_free', 'lessons', 'tags'];

/** Standard columns first, in the course format's order (jsonb does not keep the file's), then the others. */
export function orderColumns(keys: string[]): string[] {
  const rank = (k: string) => {
    const f = canonicalField(k);
    const i = f === undefined ? -1 : COURSE_ORDER.indexOf(f);
    return i === -1 ? COURSE_ORDER.length : i;
  };
  // Marks the readers leave in raw rows (field counts, not-an-object) are not columns of the file.
  return keys.filter((k) => !k.startsWith('__')).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function cellText(column: string, value: unknown): string {
  const v = unwrapCellValue(value);
  if (v === undefined || v === null) return '';
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) {
    const lessons = canonicalField(column) === 'lessons';
    // Lesson objects keep their content and video as a JSON array in the cell, which the importer reads back.
    if (lessons && v.some((x) => typeof x === 'object' && x !== null)) return JSON.stringify(v);
    return v.map((x) => String(x ?? '')).join(lessons ? ';' : ',');
  }
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function csvLine(cells: string[]): string {
  return cells
    .map((c) => neutralizeFormula(c))
    .map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c))
    .join(',');
}

/**
 * Writes the CSV (UTF-8 with a BOM, CRLF) to `out` batch by batch; resolves with the number of rows. `describe`
 * words each error of the `error` column: the English message by default; the admin page passes the
 * downloader's language (issue 11: a person reads that column to fix the rows).
 */
export async function writeFailedRowsCsv(
  sql: Sql,
  importId: string,
  out: Writable,
  batchSize = 1000,
  describe: (e: FailedRow['errors'][number]) => string = (e) => `${e.field}: ${e.message}`,
): Promise<number> {
  const columns = orderColumns(await failedRowColumns(sql, importId));
  const write = (s: string) => new Promise<void>((resolve, reject) => (out.write(s, (err) => (err ? reject(err) : resolve()))));
  await write(`\uFEFF${csvLine([...columns, 'error'])}\r\n`);
  let after = 0;
  let n = 0;
  for (;;) {
    const batch = await failedRowsBatch(sql, importId, after, batchSize);
    if (batch.length === 0) break;
    let chunk = '';
    for (const row of batch) {
      const error = row.errors.map(describe).join(' | ');
      chunk += `${csvLine([...columns.map((c) => cellText(c, row.raw[c])), `row ${row.row_number}: ${error}`])}\r\n`;
    }
    await write(chunk);
    n += batch.length;
    after = batch[batch.length - 1]!.row_number;
  }
  out.end();
  return n;
}
