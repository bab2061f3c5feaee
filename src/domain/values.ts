// Turning one raw cell / property into a typed value. Every reader's vocabulary is accepted: CSV strings,
// JSON natives and exceljs cell objects. Parsers return a message without the field name; the caller
// prefixes it, so the same parser serves several fields.

import { isCellError, unwrapCellValue } from './cell-value';
import { restoreNeutralized } from './formula';

/**
 * A value read from a cell, or why it could not be. `note` on success says the value was interpreted rather
 * than read as is ("'1:30' read as 1.5 hours"): normalisation stores it as the row's warning on that field.
 */
export type Parsed<T> = { ok: true; value: T; note?: string } | { ok: false; message: string };

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
/** A success whose value was interpreted: `note` (without the field name) becomes a warning of the row. */
export const interpreted = <T>(value: T, note: string): Parsed<T> => ({ ok: true, value, note });
export const fail = <T = never>(message: string): Parsed<T> => ({ ok: false, message });

/** Shortens a raw value for an error message, quoted: 'expertissime'. */
export function show(v: unknown): string {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (v instanceof Date) s = Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
  else {
    try {
      s = JSON.stringify(v) ?? String(v);
    } catch {
      s = String(v);
    }
  }
  s = s.replace(/\s+/g, ' ').trim();
  const chars = Array.from(s);
  return `'${chars.length > 60 ? `${chars.slice(0, 57).join('')}…` : s}'`;
}

export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a date';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
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
  if (isCellError(v)) return fail(`the cell holds a spreadsheet error (${v.error})`);
  if (typeof v === 'string') return ok(restoreNeutralized(v));
  if (typeof v === 'number') return Number.isFinite(v) ? ok(String(v)) : fail(`${show(v)} is not a valid value`);
  if (typeof v === 'boolean') return ok(String(v));
  if (typeof v === 'bigint') return ok(v.toString());
  if (v instanceof Date) return ok(dateToText(v));
  return fail(`expected text but got ${kindOf(v)}`);
}
