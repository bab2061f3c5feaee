// Numbers as people type them: "49,99", "49.99 €", "€49.99", "1 299,00", "1.299,00", "1,299.00".
// Rule: a value is read only when it has exactly one meaning. "1,299" and "1.299" (one separator followed
// by exactly three digits, after 1–3 digits that don't start with 0) could be a thousands separator or a
// decimal one, so they are refused with a message instead of guessed.
//
// Prices are in euros: "€", "EUR", "euro(s)" are accepted and dropped; another currency sign is refused
// rather than silently read as euros.

import { isCellError, unwrapCellValue } from './cell-value';
import { fail, kindOf, ok, show, type Parsed } from './values';

export const PRICE_MAX = 100_000;
export const DURATION_MAX_HOURS = 10_000;

const SPACES_RE = /[\s\u00A0\u2007\u2009\u202F]+/g;

function groupedInteger(s: string, sep: string): boolean {
  const esc = sep === '.' ? '\\.' : sep;
  return new RegExp(`^\\d{1,3}(${esc}\\d{3})+$`).test(s);
}

function ambiguous(text: string, int: string, frac: string): string {
  return `${show(text)} is ambiguous: it could mean ${int}${frac} or ${int}.${frac}; write it without a thousands separator (${int}${frac}) or with a different number of decimals`;
}

/**
 * Reads an unsigned-or-signed decimal written with "," or "." as decimal separator and " ", "," or "." as
 * thousands separator. Returns a failure for anything with more than one reading.
 */
export function parseLocaleNumber(input: string): Parsed<number> {
  const text = input.trim();
  let s = text.replace(SPACES_RE, ' ');
  let sign = 1;
  if (/^[-+]/.test(s)) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1).trim();
  }
  if (!/^[\d.,' ]+$/.test(s) || !/\d/.test(s)) return fail(`${show(text)} is not a number`);
  if (s.includes("'")) return fail(`${show(text)} is not a number`);

  let normalized: string;
  if (s.includes(' ')) {
    // Spaces can only be thousands separators, so any "," or "." left is the decimal separator.
    const m = /^(\d{1,3}(?: \d{3})+)(?:([.,])(\d+))?$/.exec(s);
    if (!m) return fail(`${show(text)} is not a number (spaces are only allowed between groups of three digits)`);
    normalized = m[1]!.replace(/ /g, '') + (m[3] ? `.${m[3]}` : '');
  } else {
    const lastComma = s.lastIndexOf(',');
    const lastDot = s.lastIndexOf('.');
    if (lastComma >= 0 && lastDot >= 0) {
      const decSep = lastComma > lastDot ? ',' : '.';
      const thouSep = decSep === ',' ? '.' : ',';
      const decIndex = Math.max(lastComma, lastDot);
      const int = s.slice(0, decIndex);
      const frac = s.slice(decIndex + 1);
      if (!/^\d+$/.test(frac) || !groupedInteger(int, thouSep)) return fail(`${show(text)} is not a number`);
      normalized = `${int.split(thouSep).join('')}.${frac}`;
    } else if (lastComma >= 0 || lastDot >= 0) {
      const sep = lastComma >= 0 ? ',' : '.';
      const parts = s.split(sep);
      if (parts.length > 2) {
        if (!groupedInteger(s, sep)) return fail(`${show(text)} is not a number`);
        normalized = parts.join('');
      } else {
        const int = parts[0]!;
        const frac = parts[1]!;
        if (!/^\d*$/.test(int) || !/^\d+$/.test(frac)) return fail(`${show(text)} is not a number`);
        if (frac.length === 3 && /^[1-9]\d{0,2}$/.test(int)) return fail(ambiguous(text, int, frac));
        normalized = `${int === '' ? '0' : int}.${frac}`;
      }
    } else {
      normalized = s;
    }
  }
  const n = Number(normalized);
  if (!Number.isFinite(n)) return fail(`${show(text)} is not a number`);
  return ok(sign * n);
}

function decimals(n: number): number {
  // Tolerates float noise such as 19.990000000000002 (a computed value that is really 19.99).
  for (let d = 0; d <= 10; d++) {
    const scaled = n * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, Math.abs(scaled))) return d;
  }
  return 11;
}

export function roundTo(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round((n + Number.EPSILON) * f) / f;
}

const EURO_RE = /^(?:€|euros|euro|eur)\s*(.*)$|^(.*?)\s*(?:€|euros|euro|eur)$/i;
const OTHER_CURRENCY_RE = /[$£¥₹₽₩₺]|\b(?:usd|gbp|chf|cad|jpy|dollars?|livres?)\b/i;
const FREE_WORDS = new Set(['gratuit', 'gratuite', 'free']);

/** Price in euros: ≥ 0, ≤ 100 000, at most 2 decimals. `undefined` when empty. */
export function parsePrice(raw: unknown): Parsed<number | undefined> {
  const v = unwrapCellValue(raw);
  if (v === undefined || v === null) return ok(undefined);
  if (isCellError(v)) return fail(`the cell holds a spreadsheet error (${v.error})`);
  let n: number;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return fail(`${show(v)} is not a number`);
    n = v;
  } else if (typeof v === 'string') {
    const text = v.trim();
    if (text === '') return ok(undefined);
    if (FREE_WORDS.has(text.toLowerCase())) return ok(0);
    if (OTHER_CURRENCY_RE.test(text)) return fail(`${show(text)} is not in euros; prices are numbers in euros, e.g. 49.99`);
    const m = EURO_RE.exec(text);
    const bare = m ? (m[1] ?? m[2] ?? '') : text;
    const parsed = parseLocaleNumber(bare);
    if (!parsed.ok) return fail(parsed.message.replace(show(bare.trim()), show(text)));
    n = parsed.value;
  } else {
    return fail(`expected a price but got ${kindOf(v)}`);
  }
  if (n < 0) return fail(`${show(typeof v === 'string' ? v.trim() : v)} is negative; a price must be 0 or more`);
  if (n > PRICE_MAX) return fail(`${show(typeof v === 'string' ? v.trim() : v)} is over the maximum of ${PRICE_MAX}`);
  if (decimals(n) > 2) return fail(`${show(typeof v === 'string' ? v.trim() : v)} has more than 2 decimals`);
  return ok(roundTo(n, 2));
}

const HOURS_SUFFIX_RE = /^(.*?)\s*(?:h|hr|hrs|hours?|heures?)$/i;
const MINUTES_SUFFIX_RE = /^(.*?)\s*(?:min|mins|minutes?|mn)$/i;
const H_MIN_RE = /^(\d{1,5})\s*h\s*(\d{1,2})\s*(?:min|mn|m)?$/i;
// Excel stores a time typed as "1:30" as a fraction of a day since 1899-12-30; exceljs gives a Date.
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/**
 * Duration in hours: a number, "10", "1,5", "10h", "10 heures", "90 min", "1h30", or an Excel time. Rounded
 * to 2 decimals; ≥ 0 and ≤ 10 000.
 */
export function parseDurationHours(raw: unknown): Parsed<number | undefined> {
  const v = unwrapCellValue(raw);
  if (v === undefined || v === null) return ok(undefined);
  if (isCellError(v)) return fail(`the cell holds a spreadsheet error (${v.error})`);
  let hours: number;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return fail(`${show(v)} is not a number`);
    hours = v;
  } else if (v instanceof Date) {
    const days = (v.getTime() - EXCEL_EPOCH_MS) / 86_400_000;
    if (!(days >= 0 && days < 2)) return fail(`${show(v)} is a date, not a number of hours`);
    hours = days * 24;
  } else if (typeof v === 'string') {
    const text = v.trim();
    if (text === '') return ok(undefined);
    const hm = H_MIN_RE.exec(text);
    if (hm) {
      const minutes = Number(hm[2]);
      if (minutes >= 60) return fail(`${show(text)} has ${minutes} minutes; use fewer than 60`);
      hours = Number(hm[1]) + minutes / 60;
    } else {
      const min = MINUTES_SUFFIX_RE.exec(text);
      const h = min ? undefined : HOURS_SUFFIX_RE.exec(text);
      const bare = min ? min[1]! : h ? h[1]! : text;
      const parsed = parseLocaleNumber(bare);
      if (!parsed.ok) {
        return fail(/\d/.test(bare) && !/^[-+\d\s.,]+$/.test(bare)
          ? `${show(text)} is not a number of hours (units accepted: h, heures, hours, min)`
          : parsed.message.replace(show(bare.trim()), show(text)));
      }
      hours = min ? parsed.value / 60 : parsed.value;
    }
  } else {
    return fail(`expected a number of hours but got ${kindOf(v)}`);
  }
  if (hours < 0) return fail(`${show(typeof v === 'string' ? v.trim() : v)} is negative; a duration must be 0 or more hours`);
  if (hours > DURATION_MAX_HOURS) return fail(`${show(typeof v === 'string' ? v.trim() : v)} is over the maximum of ${DURATION_MAX_HOURS} hours`);
  return ok(roundTo(hours, 2));
}
