// The bounds every raw row is held to before it is normalised and staged, whatever its format (issue 16):
// - nesting: a value nested deeper than maxNestingDepth levels (the row's object is level 1) is a row error on
//   its field; V8's JSON.stringify and PostgreSQL's jsonb parser recurse, and overflow their stacks on a few KB
//   of "[[[[…";
// - length: a value longer than maxValueChars characters (or a TextTooLong a streaming reader kept only the
//   head of) is a row error on its field;
// - size: a row whose raw record is over maxRowBytes bytes of UTF-8 JSON is a row error ('*');
// - text PostgreSQL cannot store (NUL, lone surrogates: pg-text.ts) is removed from keys and values, with a
//   row warning on the field.
// A row within every bound and without such text is returned as is, after one walk that allocates nothing:
// this runs for every row of every import. Every walk here is iterative (an explicit stack), so no input can
// overflow the call stack.

import type { ReaderLimits, RowError } from './types';
import type { RowCode, RowParams } from './row-codes';
import { canonicalField } from './fields';
import { describeRemoved, isStorable, noneRemoved, storableText, type RemovedChars } from './pg-text';
import { TextTooLong } from './source-marks';

export type RowLimits = Pick<ReaderLimits, 'maxNestingDepth' | 'maxValueChars' | 'maxRowBytes'>;

export interface GuardedRow {
  /** The row to normalise and stage: `raw` itself when nothing was wrong. */
  raw: Record<string, unknown>;
  /** Bounds breached: the row fails with these (and is not normalised). */
  errors: RowError[];
  /** Text removed (NUL, lone surrogates), per field. */
  warnings: RowError[];
}

/** Characters of a value kept in the staged row when the value is refused (the row's preview). */
export const PREVIEW_CHARS = 200;
/** Keys kept in the staged row of a row refused as too large. */
const OVERSIZED_ROW_KEYS = 50;
/** Field errors reported per row; one more says how many others there were. */
const MAX_FIELD_ERRORS = 20;
/**
 * Whether a string may need sanitising (pg-text.ts): two native scans (a one-byte string, i.e. most Latin text,
 * is well-formed by construction), several times faster than a regex over every character of every row.
 */
function suspect(s: string): boolean {
  return !isStorable(s);
}

/** What the first walk found in one field's value. */
interface FieldScan {
  tooDeep: boolean;
  /** Length of the longest text over maxValueChars (TextTooLong: its whole length), or 0. */
  tooLong: number;
  suspect: boolean;
  /** JSON characters of the value (a lower bound of its UTF-8 bytes). */
  chars: number;
}

function isPlainContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  return typeof v === 'object' && v !== null && !(v instanceof Date) && !(v instanceof TextTooLong);
}

function scalarChars(v: unknown): number {
  switch (typeof v) {
    case 'string': return v.length + 2;
    // A typical width: the estimate only decides whether the row is measured exactly (with a 3x margin).
    case 'number': return 12;
    case 'boolean': return 5;
    case 'bigint': return 12;
    default: return v instanceof Date ? 26 : v instanceof TextTooLong ? PREVIEW_CHARS + 30 : 4;
  }
}

function noteScalar(v: unknown, limits: RowLimits, scan: FieldScan): void {
  if (typeof v === 'string') {
    if (v.length > limits.maxValueChars && v.length > scan.tooLong) scan.tooLong = v.length;
    if (!scan.suspect && suspect(v)) scan.suspect = true;
  } else if (v instanceof TextTooLong && v.length > scan.tooLong) scan.tooLong = v.length;
  scan.chars += scalarChars(v);
}

/** Walks one field's value (the field is at `depth` 2: the row's object is level 1), without allocating per scalar. */
function scanField(value: unknown, limits: RowLimits, scan: FieldScan): void {
  scan.tooDeep = false;
  scan.tooLong = 0;
  scan.suspect = false;
  scan.chars = 0;
  if (!isPlainContainer(value)) {
    noteScalar(value, limits, scan);
    return;
  }
  // Containers only go on the stack: with their depth (2 for a field's own array or object).
  const stack: { v: Record<string, unknown> | unknown[]; depth: number }[] = [{ v: value, depth: 2 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (depth > limits.maxNestingDepth) {
      scan.tooDeep = true;
      return;
    }
    scan.chars += 2;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item = v[i];
        scan.chars += 1;
        if (isPlainContainer(item)) stack.push({ v: item, depth: depth + 1 });
        else noteScalar(item, limits, scan);
      }
    } else {
      for (const key in v) {
        if (!Object.hasOwn(v, key)) continue;
        if (!scan.suspect && suspect(key)) scan.suspect = true;
        if (key.length > limits.maxValueChars && key.length > scan.tooLong) scan.tooLong = key.length;
        scan.chars += key.length + 4;
        const item = v[key];
        if (isPlainContainer(item)) stack.push({ v: item, depth: depth + 1 });
        else noteScalar(item, limits, scan);
      }
    }
  }
}

/** A text's first PREVIEW_CHARS characters, never cutting a surrogate pair, with its length. */
export function previewText(s: string, length = s.length): string {
  let head = s.slice(0, PREVIEW_CHARS);
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  return `${storableText(head, noneRemoved())}… (${length} characters)`;
}

/**
 * A copy of `value` (within the nesting bound, checked by scanField) with every text made storable and every
 * text over the bound replaced by its preview. Iterative.
 */
function storableCopy(value: unknown, limits: RowLimits, removed: RemovedChars): unknown {
  const scalar = (v: unknown): unknown => {
    if (typeof v === 'string') return v.length > limits.maxValueChars ? previewText(v) : storableText(v, removed);
    if (v instanceof TextTooLong) return previewText(v.head, v.length);
    return v;
  };
  if (!isPlainContainer(value)) return scalar(value);
  const root: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
  const stack: { from: Record<string, unknown> | unknown[]; to: Record<string, unknown> | unknown[] }[] = [{ from: value, to: root }];
  while (stack.length > 0) {
    const { from, to } = stack.pop()!;
    const put = (key: string | number, item: unknown) => {
      let out: unknown;
      if (isPlainContainer(item)) {
        out = Array.isArray(item) ? [] : {};
        stack.push({ from: item, to: out as Record<string, unknown> | unknown[] });
      } else out = scalar(item);
      if (Array.isArray(to)) to.push(out);
      else Object.defineProperty(to, key, { value: out, enumerable: true, writable: true, configurable: true });
    };
    if (Array.isArray(from)) {
      for (let i = 0; i < from.length; i++) put(i, from[i]);
    } else {
      for (const key in from) {
        if (!Object.hasOwn(from, key)) continue;
        const k = key.length > limits.maxValueChars ? previewText(key) : storableText(key, removed);
        if (!Object.hasOwn(to, k)) put(k, from[key]);
      }
    }
  }
  return root;
}

function kindName(v: unknown): string {
  return Array.isArray(v) ? 'a list' : 'an object';
}

/** "3.2 MB", "850 KB": the size words of the row error. */
function sizeWords(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(Math.floor((bytes / (1024 * 1024)) * 10) / 10).toFixed(1).replace(/\.0$/, '')} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

/** The staged form of a row refused as too large: its first keys, each value as a short preview. */
function oversizedRowPreview(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const key in raw) {
    if (!Object.hasOwn(raw, key)) continue;
    if (++n > OVERSIZED_ROW_KEYS) break;
    const v = raw[key];
    const k = key.length > PREVIEW_CHARS ? previewText(key) : storableText(key, noneRemoved());
    let shown: unknown = v;
    if (typeof v === 'string') shown = v.length > PREVIEW_CHARS ? previewText(v) : storableText(v, noneRemoved());
    else if (v instanceof TextTooLong) shown = previewText(v.head, v.length);
    else if (isPlainContainer(v)) shown = `(${kindName(v)}, not kept: the row is too large)`;
    Object.defineProperty(out, k, { value: shown, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * Holds one raw row to the bounds at the top of this file. `raw`: a reader's record (keys = columns as
 * written; values strings, numbers, booleans, Dates, TextTooLong, or JSON values). Never throws; nothing in
 * it recurses. The returned `raw` is storable in PostgreSQL (text and jsonb) and within every bound.
 */
export function guardRow(raw: Record<string, unknown>, limits: RowLimits): GuardedRow {
  const errors: RowError[] = [];
  const warnings: RowError[] = [];
  const scan: FieldScan = { tooDeep: false, tooLong: 0, suspect: false, chars: 0 };
  // Past this estimate the row is over the bound for sure (the estimate is within 3x of the bytes): the walk
  // stops there, so a row of thousands of cells that each reference one long shared string costs little.
  const surelyTooLarge = 4 * limits.maxRowBytes;
  const tooLarge = (): GuardedRow => {
    errors.push({
      field: '*',
      code: 'row_too_large_over',
      // Sizes in bytes: the reader's renderer writes them in their language (`1,5 Mo`); the message is English.
      params: { size: surelyTooLarge, max: limits.maxRowBytes },
      message: `this row is more than ${sizeWords(surelyTooLarge)}; at most ${sizeWords(limits.maxRowBytes)} per row`,
    });
    return { raw: oversizedRowPreview(raw), errors, warnings };
  };
  let chars = 2;
  let dirty = false;
  for (const key in raw) {
    if (!Object.hasOwn(raw, key)) continue;
    scanField(raw[key], limits, scan);
    chars += key.length + 4 + scan.chars;
    if (scan.tooDeep || scan.tooLong > 0 || scan.suspect || suspect(key) || key.length > limits.maxValueChars) {
      dirty = true;
      break;
    }
    if (chars > surelyTooLarge) return tooLarge();
  }
  let out = raw;
  if (dirty) {
    out = {};
    chars = 2;
    let fieldErrors = 0;
    const fail = (error: RowError) => {
      if (++fieldErrors <= MAX_FIELD_ERRORS) errors.push(error);
    };
    for (const key in raw) {
      if (!Object.hasOwn(raw, key)) continue;
      const removed = noneRemoved();
      const value = raw[key];
      const field = key.length > limits.maxValueChars ? previewText(key) : storableText(key, removed);
      if (Object.hasOwn(out, field)) continue; // two keys that differed only by what was removed: the first wins
      scanField(value, limits, scan);
      let kept: unknown;
      if (key.length > limits.maxValueChars) {
        fail({ field: '*', code: 'column_name_too_long', params: { length: key.length, max: limits.maxValueChars }, message: `a column name of ${key.length} characters; at most ${limits.maxValueChars}` });
      }
      if (scan.tooDeep) {
        fail({
          ...about(field, 'value_too_deep', { kind: Array.isArray(value) ? 'list' : 'object', max: limits.maxNestingDepth }),
          message: `${about(field).label}: ${kindName(value)} nested deeper than ${limits.maxNestingDepth} levels; at most ${limits.maxNestingDepth}`,
        });
        kept = `(${kindName(value)} nested deeper than ${limits.maxNestingDepth} levels, not kept)`;
      } else {
        if (scan.tooLong > 0) {
          fail({
            ...about(field, 'value_too_long', { length: scan.tooLong, max: limits.maxValueChars }),
            message: `${about(field).label}: a value of ${scan.tooLong} characters; at most ${limits.maxValueChars} per value`,
          });
        }
        kept = storableCopy(value, limits, removed);
      }
      const what = describeRemoved(removed);
      if (what !== undefined) {
        warnings.push({ ...about(field, 'chars_removed', { nul: removed.nul, surrogates: removed.surrogates, context: removed.nul > 0 ? (removed.surrogates > 0 ? 'both' : 'nul') : 'surrogates' }), message: `${about(field).label}: ${what}` });
      }
      Object.defineProperty(out, field, { value: kept, enumerable: true, writable: true, configurable: true });
      scanField(kept, limits, scan);
      chars += field.length + 4 + scan.chars;
      if (chars > surelyTooLarge) {
        errors.length = 0;
        warnings.length = 0;
        return tooLarge();
      }
    }
    if (fieldErrors > MAX_FIELD_ERRORS) {
      errors.push({ field: '*', code: 'more_over_limit', params: { values: fieldErrors - MAX_FIELD_ERRORS }, message: `${fieldErrors - MAX_FIELD_ERRORS} more values of this row are over a limit` });
    }
  }
  // UTF-8 takes at most 3 bytes per UTF-16 unit: below a third of the bound the row fits. Otherwise it is
  // measured exactly (its JSON is at most a few times the bound by now).
  if (chars * 3 > limits.maxRowBytes) {
    const bytes = Buffer.byteLength(JSON.stringify(out));
    if (bytes > limits.maxRowBytes) {
      errors.push({ field: '*', code: 'row_too_large', params: { size: bytes, max: limits.maxRowBytes }, message: `this row is ${sizeWords(bytes)}; at most ${sizeWords(limits.maxRowBytes)} per row` });
      out = oversizedRowPreview(out);
    }
  }
  return { raw: out, errors, warnings };
}

/**
 * A column as problems name it, like normalisation does: the course field, and the column as written when it
 * differs ("title (column 'titre')"); a column that is no field keeps its own name.
 */
function about(column: string): { field: string; label: string };
/** The same, with a problem's code and params (the column, when it differs, as the `column` parameter). */
function about(column: string, code: RowCode, params: RowParams): { field: string; code: RowCode; params: RowParams };
function about(column: string, code?: RowCode, params?: RowParams): { field: string; label: string } | { field: string; code: RowCode; params: RowParams } {
  const field = canonicalField(column);
  const differs = field !== undefined && field !== column;
  if (code !== undefined) return { field: field ?? column, code, params: differs ? { ...params, column } : { ...params } };
  if (!differs) return { field: column, label: column };
  return { field, label: `${field} (column '${column}')` };
}
