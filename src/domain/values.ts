// Turning one raw cell / property into a typed value. Every reader's vocabulary is accepted: CSV strings,
// JSON natives and exceljs cell objects. Parsers return a message without the field name; the caller
// prefixes it, so the same parser serves several fields.

import { isCellError, unwrapCellValue } from './cell-value';
import { restoreNeutralized } from './formula';
import { KIND_WORDS, problem, type KindKey, type Problem, type RowCode, type RowParams } from './row-codes';

/**
 * A value read from a cell, or why it could not be. `note` on success says the value was interpreted rather
 * than read as is ("'1:30' read as 1.5 hours"): normalisation stores it as the row's warning on that field.
 */
export type Parsed<T> = { ok: true; value: T; note?: Problem } | ({ ok: false } & Problem);

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
/** A success whose value was interpreted: the note (code, params, English without the field) becomes a warning of the row. */
export const interpreted = <T>(value: T, code: RowCode, params: RowParams, note: string): Parsed<T> => ({ ok: true, value, note: problem(code, params, note) });
/** A failure: its code, the message's parameters and the English text without the field's name. */
export const fail = <T = never>(code: RowCode, params: RowParams, message: string): Parsed<T> => ({ ok: false, code, params, message });

/** Characters of a value looked at to show it: a message shows 60. */
const SHOWN_SOURCE_CHARS = 200;

/**
 * JSON text of `v`, stopped once it is longer than `maxChars` (so a 10 MB value or a value nested a million
 * levels deep costs no more than its first characters): an explicit stack, no recursion. Strings are cut
 * before they are quoted. The text may end mid-token; show() cuts it anyway.
 */
export function boundedJson(v: unknown, maxChars: number): string {
  const scalar = (x: unknown): string => {
    if (typeof x === 'string') return JSON.stringify(x.length > maxChars ? x.slice(0, maxChars) : x);
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') return 'null';
    if (typeof x === 'bigint') return x.toString();
    try {
      return JSON.stringify(x) ?? 'null'; // numbers, booleans, null, Date, and anything with a toJSON
    } catch {
      return String(x);
    }
  };
  let out = '';
  const stack: { items: unknown[] | undefined; obj: Record<string, unknown> | undefined; keys: string[]; i: number }[] = [];
  let next: unknown = v;
  let hasNext = true;
  while (out.length <= maxChars) {
    if (hasNext) {
      hasNext = false;
      if (Array.isArray(next)) {
        out += '[';
        stack.push({ items: next, obj: undefined, keys: [], i: 0 });
      } else if (typeof next === 'object' && next !== null && !(next instanceof Date) && typeof (next as { toJSON?: unknown }).toJSON !== 'function') {
        out += '{';
        const obj = next as Record<string, unknown>;
        const keys: string[] = [];
        for (const k in obj) {
          if (Object.hasOwn(obj, k) && obj[k] !== undefined) keys.push(k);
          if (keys.length > maxChars) break; // at least one character per key: enough to fill the text
        }
        stack.push({ items: undefined, obj, keys, i: 0 });
      } else out += scalar(next);
      continue;
    }
    const top = stack.at(-1);
    if (!top) break;
    if (top.items) {
      if (top.i < top.items.length) {
        if (top.i > 0) out += ',';
        next = top.items[top.i++];
        hasNext = true;
      } else {
        out += ']';
        stack.pop();
      }
    } else if (top.i < top.keys.length) {
      const key = top.keys[top.i++]!;
      out += `${top.i > 1 ? ',' : ''}${scalar(key)}:`;
      next = top.obj![key];
      hasNext = true;
    } else {
      out += '}';
      stack.pop();
    }
  }
  return out;
}

/** Shortens a raw value for an error message, quoted: 'expertissime'. Bounded work whatever the value. */
export function show(v: unknown): string {
  let s: string;
  if (typeof v === 'string') s = v.length > SHOWN_SOURCE_CHARS ? v.slice(0, SHOWN_SOURCE_CHARS) : v;
  else if (v instanceof Date) s = Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
  else if (v === undefined) s = 'undefined';
  else s = boundedJson(v, SHOWN_SOURCE_CHARS);
  s = s.replace(/\s+/g, ' ').trim();
  const chars = Array.from(s);
  // A cut must not leave half of a surrogate pair (Array.from keeps pairs whole; a slice above may not).
  const shown = chars.length > 60 ? `${chars.slice(0, 57).join('')}…` : s;
  return `'${shown.replace(/[\uD800-\uDBFF]$/, '')}'`;
}

/** What a value is, as a code (the `kind` parameter of a message). */
export function kindKey(v: unknown): KindKey {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Date) return 'date';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

/** What a value is, in English: "a list", "an object", "null". */
export function kindOf(v: unknown): string {
  return KIND_WORDS[kindKey(v)];
}

function dateToText(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

/**
 * Any scalar as text, before cleaning. `undefined` means "no value". Numbers and booleans are accepted
 * because spreadsheets turn "1984" or "TRUE" into them behind the user's back.
 */
export function readText(raw: unknown): Parsed<string | undefined> {
  const v = unwrapCellValue(raw);
  if (v === undefined || v === null) return ok(undefined);
  if (isCellError(v)) return cellError(v.error);
  if (typeof v === 'string') return ok(restoreNeutralized(v));
  if (typeof v === 'number') return Number.isFinite(v) ? ok(String(v)) : fail('invalid_value', { value: show(v) }, `${show(v)} is not a valid value`);
  if (typeof v === 'boolean') return ok(String(v));
  if (typeof v === 'bigint') return ok(v.toString());
  if (v instanceof Date) return ok(dateToText(v));
  return fail('expected_text', { kind: kindKey(v) }, `expected text but got ${kindOf(v)}`);
}

/** The failure of a cell that holds a spreadsheet error (`#DIV/0!`, or the reason a reader gave). */
export function cellError<T = never>(error: string): Parsed<T> {
  return fail('cell_error', { error }, `the cell holds a spreadsheet error (${error})`);
}
