// Numbers as people type them: "49,99", "49.99 €", "€49.99", "1 299,00", "1.299,00", "1,299.00".
// Rule: a value is read only when it has exactly one meaning. "1,299" and "1.299" (one separator followed
// by exactly three digits, after 1–3 digits that don't start with 0) could be a thousands separator or a
// decimal one, so they are refused with a message instead of guessed.
//
// Prices are in euros: "€", "EUR", "euro(s)" are accepted and dropped; another currency sign is refused
// rather than silently read as euros. The French accounting format (Excel's "Comptabilité", LibreOffice's
// accounting formats, saved as CSV the way they are shown) is read: spaces around the number and the sign,
// a non-breaking (U+00A0) or narrow non-breaking (U+202F, French typography since Windows 10 / CLDR 34)
// space between thousands, and "-" alone for zero, which is read as 0 with a note (a warning of the row).
// A negative amount ("-5 €", "(5,00 €)", the accounting minus) is refused: a price is 0 or more.
//
// Durations are in hours. Besides numbers and units ("10h", "90 min", "1h30"), "h:mm" and "h:mm:ss" text is
// read as a length of time, the way Excel shows a [h]:mm cell and saves it to CSV ("1:30" = 1.5 h, "35:00" =
// 35 h): minutes and seconds have two digits from 00 to 59, no sign, no AM/PM (that is a time of day).
// Every reading that converts the text (h:mm, minutes, "1h30") carries a note, which becomes a row warning.

import { isCellError, unwrapCellValue } from './cell-value';
import { cellError, fail, interpreted, kindKey, kindOf, ok, show, type Parsed } from './values';

export const PRICE_MAX = 100_000;
export const DURATION_MAX_HOURS = 10_000;

const SPACES_RE = /[\s\u00A0\u2007\u2009\u202F]+/g;

function groupedInteger(s: string, sep: string): boolean {
  const esc = sep === '.' ? '\\.' : sep;
  return new RegExp(`^\\d{1,3}(${esc}\\d{3})+$`).test(s);
}

function ambiguous(text: string, int: string, frac: string): Parsed<number> {
  return fail('number_ambiguous', { value: show(text), int, frac }, `${show(text)} is ambiguous: it could mean ${int}${frac} or ${int}.${frac}; write it without a thousands separator (${int}${frac}) or with a different number of decimals`);
}

function notANumber(text: string): Parsed<never> {
  return fail('not_a_number', { value: show(text) }, `${show(text)} is not a number`);
}

/** A failure of parseLocaleNumber on the bare amount, told about the whole text as written ("1,299 €"). */
function aboutText<T>(parsed: { code: Parameters<typeof fail>[0]; params: Parameters<typeof fail>[1]; message: string }, bare: string, text: string): Parsed<T> {
  const params = { ...parsed.params };
  if (params.value === show(bare.trim())) params.value = show(text);
  return fail(parsed.code, params, parsed.message.replace(show(bare.trim()), show(text)));
}

/**
 * Reads an unsigned-or-signed decimal written with "," or "." as decimal separator and " ", "," or "." as
 * thousands separator. Returns a failure for anything with more than one reading.
 */
export function parseLocaleNumber(input: string): Parsed<number> {
  const text = input.trim();
  let s = text.replace(SPACES_RE, ' ');
  let sign = 1;
  // U+2212 is the typographic minus some locales (and LibreOffice) display.
  if (/^[-+\u2212]/.test(s)) {
    if (s[0] !== '+') sign = -1;
    s = s.slice(1).trim();
  }
  if (!/^[\d.,' ]+$/.test(s) || !/\d/.test(s)) return notANumber(text);
  if (s.includes("'")) return notANumber(text);

  let normalized: string;
  if (s.includes(' ')) {
    // Spaces can only be thousands separators, so any "," or "." left is the decimal separator.
    const m = /^(\d{1,3}(?: \d{3})+)(?:([.,])(\d+))?$/.exec(s);
    if (!m) return fail('number_spaces', { value: show(text) }, `${show(text)} is not a number (spaces are only allowed between groups of three digits)`);
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
      if (!/^\d+$/.test(frac) || !groupedInteger(int, thouSep)) return notANumber(text);
      normalized = `${int.split(thouSep).join('')}.${frac}`;
    } else if (lastComma >= 0 || lastDot >= 0) {
      const sep = lastComma >= 0 ? ',' : '.';
      const parts = s.split(sep);
      if (parts.length > 2) {
        if (!groupedInteger(s, sep)) return notANumber(text);
        normalized = parts.join('');
      } else {
        const int = parts[0]!;
        const frac = parts[1]!;
        if (!/^\d*$/.test(int) || !/^\d+$/.test(frac)) return notANumber(text);
        if (frac.length === 3 && /^[1-9]\d{0,2}$/.test(int)) return ambiguous(text, int, frac);
        normalized = `${int === '' ? '0' : int}.${frac}`;
      }
    } else {
      normalized = s;
    }
  }
  const n = Number(normalized);
  if (!Number.isFinite(n)) return notANumber(text);
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

/**
 * Price in euros: ≥ 0, ≤ 100 000, at most 2 decimals; `undefined` when empty (spaces and non-breaking spaces
 * only). Text may carry € / EUR / euros and the French accounting format ("1 299,00 €", " -   € " read as 0
 * with a note); "gratuit" / "free" is 0 with a note. Fails on another currency, a negative amount, more than
 * one reading ("1,299"), anything else.
 */
export function parsePrice(raw: unknown): Parsed<number | undefined> {
  const v = unwrapCellValue(raw);
  if (v === undefined || v === null) return ok(undefined);
  if (isCellError(v)) return cellError(v.error);
  let n: number;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return fail('not_a_number', { value: show(v) }, `${show(v)} is not a number`);
    n = v;
  } else if (typeof v === 'string') {
    const text = v.trim();
    if (text === '') return ok(undefined);
    if (FREE_WORDS.has(text.toLowerCase())) return interpreted(0, 'price_free_word', { value: show(text) }, `${show(text)} read as 0 (free)`);
    if (OTHER_CURRENCY_RE.test(text)) return fail('price_other_currency', { value: show(text) }, `${show(text)} is not in euros; prices are numbers in euros, e.g. 49.99`);
    // The accounting format shows a negative amount in parentheses.
    const paren = /^\((.*)\)$/.exec(text);
    if (paren && parsePrice(paren[1]).ok) {
      return fail('price_negative_parens', { value: show(text) }, `${show(text)} is negative (the accounting format's parentheses); a price must be 0 or more`);
    }
    const m = EURO_RE.exec(text);
    const bare = (m ? (m[1] ?? m[2] ?? '') : text).trim();
    if (bare === '') return fail('price_no_amount', { value: show(text) }, `${show(text)} has no amount; write the price in euros, e.g. 49.99`);
    // The accounting format shows zero as a dash.
    if (bare === '-') return interpreted(0, 'price_dash', { value: show(text) }, `${show(text)} read as 0 (free): the accounting format's zero`);
    const parsed = parseLocaleNumber(bare);
    if (!parsed.ok) return aboutText(parsed, bare, text);
    n = parsed.value;
  } else {
    return fail('expected_price', { kind: kindKey(v) }, `expected a price but got ${kindOf(v)}`);
  }
  const value = show(typeof v === 'string' ? v.trim() : v);
  if (n < 0) return fail('price_negative', { value }, `${value} is negative; a price must be 0 or more`);
  if (n > PRICE_MAX) return fail('price_over_max', { value, max: PRICE_MAX }, `${value} is over the maximum of ${PRICE_MAX}`);
  if (decimals(n) > 2) return fail('price_decimals', { value }, `${value} has more than 2 decimals`);
  return ok(roundTo(n, 2));
}

// "h:mm" / "h:mm:ss": see the rule at the top.
const CLOCK_RE = /^(\d{1,5}):(\d{2})(?::(\d{2}))?$/;
const TIME_OF_DAY_RE = /\s*(?:am|pm|a\.m\.|p\.m\.)$/i;

/** A "h:mm" or "h:mm:ss" duration in hours (not rounded), or why it is not one. `text` contains ":". */
export function parseClockDuration(text: string): Parsed<number> {
  if (TIME_OF_DAY_RE.test(text)) return fail('duration_time_of_day', { value: show(text) }, `${show(text)} is a time of day, not a duration; write the number of hours, e.g. 1:30 or 1.5`);
  if (/^[-\u2212]/.test(text)) return fail('duration_negative', { value: show(text) }, `${show(text)} is negative; a duration must be 0 or more hours`);
  const m = CLOCK_RE.exec(text.replace(/^\+/, ''));
  if (!m) {
    if (/^\d+:\d(?::\d+)?$/.test(text)) return fail('duration_minutes_digits', { value: show(text) }, `${show(text)}: minutes are written with two digits (h:mm, e.g. 1:05 or 1:30)`);
    if (/^\d+:\d{2}:\d(?!\d)/.test(text)) return fail('duration_seconds_digits', { value: show(text) }, `${show(text)}: seconds are written with two digits (h:mm:ss)`);
    return fail('duration_invalid_clock', { value: show(text) }, `${show(text)} is not a duration; write hours as h:mm (1:30), h:mm:ss or a number (1.5)`);
  }
  const minutes = Number(m[2]);
  const seconds = m[3] === undefined ? 0 : Number(m[3]);
  if (minutes >= 60) return fail('duration_minutes_range', { value: show(text), minutes }, `${show(text)} has ${minutes} minutes; minutes go from 00 to 59`);
  if (seconds >= 60) return fail('duration_seconds_range', { value: show(text), seconds }, `${show(text)} has ${seconds} seconds; seconds go from 00 to 59`);
  return ok(Number(m[1]) + minutes / 60 + seconds / 3600);
}

const HOURS_SUFFIX_RE = /^(.*?)\s*(?:h|hr|hrs|hours?|heures?)$/i;
const MINUTES_SUFFIX_RE = /^(.*?)\s*(?:min|mins|minutes?|mn)$/i;
const H_MIN_RE = /^(\d{1,5})\s*h\s*(\d{1,2})\s*(?:min|mn|m)?$/i;
// Excel stores a time typed as "1:30" as a fraction of a day since 1899-12-30; exceljs gives a Date.
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/**
 * Duration in hours: a number, "10", "1,5", "10h", "10 heures", "90 min" (1.5), "1h30" (1.5), "1:30" (1.5),
 * "35:00", "1:30:00", or an Excel time. Rounded to 2 decimals; ≥ 0 and ≤ 10 000. Readings that convert the
 * text carry a note ("'1:30' read as 1.5 hours"). Fails on a time of day ("12:00 AM"), out-of-range minutes
 * or seconds ("1:75", "25:00:99"), one-digit minutes ("1:3"), a negative value, another unit.
 */
export function parseDurationHours(raw: unknown): Parsed<number | undefined> {
  const v = unwrapCellValue(raw);
  if (v === undefined || v === null) return ok(undefined);
  if (isCellError(v)) return cellError(v.error);
  let hours: number;
  let note: { code: 'duration_read_as' | 'duration_read_as_clock'; params: Record<string, string | number>; message: string } | undefined;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return fail('not_a_number', { value: show(v) }, `${show(v)} is not a number`);
    hours = v;
  } else if (v instanceof Date) {
    const days = (v.getTime() - EXCEL_EPOCH_MS) / 86_400_000;
    if (!(days >= 0 && days < 2)) return fail('duration_date', { value: show(v) }, `${show(v)} is a date, not a number of hours`);
    hours = days * 24;
  } else if (typeof v === 'string') {
    const text = v.trim();
    if (text === '') return ok(undefined);
    const hm = H_MIN_RE.exec(text);
    const clockText = text.includes(':') ? (HOURS_SUFFIX_RE.exec(text)?.[1] ?? text).trim() : undefined;
    if (clockText !== undefined) {
      const clock = parseClockDuration(clockText);
      if (!clock.ok) return clock;
      hours = clock.value;
      const format = clockText.split(':').length === 3 ? 'h:mm:ss' : 'h:mm';
      note = { code: 'duration_read_as_clock', params: { value: show(text), hours: roundTo(hours, 2), format }, message: `${show(text)} read as ${roundTo(hours, 2)} hours (${format})` };
    } else if (hm) {
      const minutes = Number(hm[2]);
      if (minutes >= 60) return fail('duration_hm_minutes', { value: show(text), minutes }, `${show(text)} has ${minutes} minutes; use fewer than 60`);
      hours = Number(hm[1]) + minutes / 60;
      if (minutes !== 0) note = readAs(text, hours);
    } else {
      const min = MINUTES_SUFFIX_RE.exec(text);
      const h = min ? undefined : HOURS_SUFFIX_RE.exec(text);
      const bare = min ? min[1]! : h ? h[1]! : text;
      const parsed = parseLocaleNumber(bare);
      if (!parsed.ok) {
        return /\d/.test(bare) && !/^[-+\d\s.,]+$/.test(bare)
          ? fail('duration_unit', { value: show(text) }, `${show(text)} is not a number of hours (units accepted: h, heures, hours, min)`)
          : aboutText(parsed, bare, text);
      }
      hours = min ? parsed.value / 60 : parsed.value;
      if (min && hours >= 0) note = readAs(text, hours);
    }
  } else {
    return fail('expected_duration', { kind: kindKey(v) }, `expected a number of hours but got ${kindOf(v)}`);
  }
  const value = show(typeof v === 'string' ? v.trim() : v);
  if (hours < 0) return fail('duration_negative', { value }, `${value} is negative; a duration must be 0 or more hours`);
  if (hours > DURATION_MAX_HOURS) return fail('duration_over_max', { value, max: DURATION_MAX_HOURS }, `${value} is over the maximum of ${DURATION_MAX_HOURS} hours`);
  return note === undefined ? ok(roundTo(hours, 2)) : interpreted(roundTo(hours, 2), note.code, note.params, note.message);
}

/** The note of a duration converted from minutes or "1h30": "'90 min' read as 1.5 hours". */
function readAs(text: string, hours: number): { code: 'duration_read_as'; params: Record<string, string | number>; message: string } {
  return { code: 'duration_read_as', params: { value: show(text), hours: roundTo(hours, 2) }, message: `${show(text)} read as ${roundTo(hours, 2)} hours` };
}
