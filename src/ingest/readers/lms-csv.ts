// Built-in layouts of LMS course lists read by the CSV reader (issue 13): Moodle's "Upload courses" CSV
// (shortname, fullname, category_path, idnumber, summary, visible…) and Canvas's SIS courses.csv (course_id,
// short_name, long_name, status…). Their column names are field aliases (fields.ts: fullname → title, summary →
// description, category_path → category, idnumber → external_id; long_name → title, course_id → external_id).
// What aliases cannot do is done here: neither list has a price, which every course needs, so a course of such a
// file without a price or is_free column is imported as free, and the file gets one 'lms_layout' warning saying
// how it was read. A Canvas course_id that our own export generated ("course-import-<id>") is no external id.

import { canonicalField } from '../../domain/fields';
import type { SourceRow, WarnFn } from '../../domain/types';

export type LmsLayout = 'moodle' | 'canvas';

/** A course_id written by our Canvas export for a course without an external id (CANVAS_GENERATED_ID_PREFIX). */
const GENERATED_CANVAS_ID = /^\s*course-import-\d+\s*$/;

/** Which LMS wrote a header, from the columns only that tool writes together; undefined for any other file. */
export function lmsLayoutOf(columns: readonly string[]): LmsLayout | undefined {
  const names = new Set(columns.map((c) => c.trim().toLowerCase()));
  if (names.has('shortname') && names.has('fullname')) return 'moodle';
  if (names.has('course_id') && names.has('long_name') && names.has('short_name')) return 'canvas';
  return undefined;
}

const DESCRIBE: Record<LmsLayout, string> = {
  moodle: "a Moodle 'Upload courses' file: fullname → title, summary → description, category_path → category, idnumber → external_id",
  canvas: 'a Canvas SIS courses.csv: long_name → title, course_id → external_id',
};

/**
 * Passes the rows of a CSV file on; when its header is a Moodle or Canvas course list (lmsLayoutOf), warns once
 * ('lms_layout') and gives the rows without a price or is_free column `is_free: true`.
 */
export async function* withLmsLayout(rows: AsyncIterable<SourceRow>, warn: WarnFn): AsyncGenerator<SourceRow> {
  let layout: LmsLayout | undefined | null = null;
  let priced = false;
  for await (const row of rows) {
    if (layout === null) {
      const columns = Object.keys(row.raw);
      layout = lmsLayoutOf(columns);
      priced = columns.some((c) => canonicalField(c) === 'price' || canonicalField(c) === 'is_free');
      if (layout) {
        warn({ code: 'lms_layout', message: `read as ${DESCRIBE[layout]}${priced ? '' : '; it has no price column, so its courses are imported as free'}` });
      }
    }
    if (!layout) {
      yield row;
      continue;
    }
    const raw: Record<string, unknown> = priced ? { ...row.raw } : { ...row.raw, is_free: true };
    // The course_id our Canvas export gave a course without an external id (lms-export.ts) is not one: the course
    // is found by its title again, as before its trip through Canvas.
    if (layout === 'canvas') {
      for (const key of Object.keys(raw)) {
        if (key.trim().toLowerCase() === 'course_id' && typeof raw[key] === 'string' && GENERATED_CANVAS_ID.test(raw[key] as string)) raw[key] = '';
      }
    }
    yield { ...row, raw };
  }
}
