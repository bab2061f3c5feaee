// The file-level warnings of one import, gathered while its rows stream by: what readers report (encoding
// guessed, worksheet and header row read, rows skipped) and the columns that match no course field, which
// are found here once for every format (a CSV header, a sheet's header row, the keys of JSON objects).
// Bounded: a file cannot make the list (stored with the import, shown on its page) grow without limit.

import { canonicalField } from './fields';
import { FIELD_COUNT_KEY, NOT_AN_OBJECT_KEY } from './source-marks';
import type { FileWarning, SourceRow } from './types';
import { storableMessage } from './pg-text';
import { previewText } from './row-guard';

/** At most this many warnings are kept per import; one more says how many were left out. */
export const FILE_WARNINGS_MAX = 100;
/** Distinct column names remembered to report each unknown one once (JSON objects may each have new keys). */
const COLUMNS_TRACKED_MAX = 1000;
const MARK_KEYS = new Set([FIELD_COUNT_KEY, NOT_AN_OBJECT_KEY]);
/** Characters of a column name quoted in a warning: a header cell can be a whole text. */
const COLUMN_NAME_SHOWN = 200;

/**
 * The warnings are stored as jsonb (imports.warnings) and quote the file (column and sheet names): NUL and
 * lone surrogates, which jsonb cannot hold, are removed (pg-text.ts).
 */
function storableWarning(w: FileWarning): FileWarning {
  const out: FileWarning = { ...w, message: storableMessage(w.message) };
  if (w.params !== undefined) {
    out.params = Object.fromEntries(Object.entries(w.params).map(([k, v]) => [k, typeof v === 'string' ? storableMessage(v) : v]));
  }
  if (w.column !== undefined) out.column = storableMessage(w.column);
  if (w.field !== undefined) out.field = storableMessage(w.field);
  return out;
}

/**
 * Collects the warnings of one file. `warn` is the readers' WarnFn; `seeRow` is called for every row read and
 * reports each column that matches no course field once. `list()` gives the
 * warnings in the order they were found, at most FILE_WARNINGS_MAX plus one 'warnings_truncated'.
 */
export function createFileWarnings(): { warn(w: FileWarning): void; seeRow(row: SourceRow): void; list(): FileWarning[] } {
  const warnings: FileWarning[] = [];
  let dropped = 0;
  const seenColumns = new Set<string>();
  const add = (w: FileWarning) => {
    if (warnings.length < FILE_WARNINGS_MAX) warnings.push(storableWarning(w));
    else dropped++;
  };
  return {
    warn: add,
    seeRow(row) {
      for (const column in row.raw) {
        // Every row of a CSV or sheet has the same columns: after the first row this is one Set lookup per cell.
        if (seenColumns.has(column) || !Object.hasOwn(row.raw, column)) continue;
        if (seenColumns.size >= COLUMNS_TRACKED_MAX) return;
        seenColumns.add(column);
        if (MARK_KEYS.has(column) || canonicalField(column) !== undefined) continue;
        const name = column.length > COLUMN_NAME_SHOWN ? previewText(column) : column;
        add({
          code: 'unknown_column',
          column: name,
          params: { column: name },
          message: `the column '${name}' matches no course field; its values were ignored`,
        });
      }
    },
    list() {
      if (dropped === 0) return [...warnings];
      return [...warnings, { code: 'warnings_truncated', params: { count: dropped }, message: `${dropped} more warning(s) about this file were not kept` }];
    },
  };
}
