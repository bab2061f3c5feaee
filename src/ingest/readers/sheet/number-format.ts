// What a spreadsheet cell's number format says about its number. Spreadsheets store dates, times and
// durations as plain numbers (days since an epoch; ECMA-376 Part 1 §18.17.4, OpenDocument 1.2 §19.13 as
// converted by SheetJS, MS-XLS §2.5.98 for .xls); only the format tells a price from a date, a duration
// or a percentage. The format codes are those of ECMA-376 Part 1 §18.8.31 (numFmt); the built-in ids of
// §18.8.30. Display text is produced by SheetJS's SSF formatter (a well-kept implementation of the same
// format language), never by hand.

import * as XLSX from '@e965/xlsx';

/** The part of SheetJS's SSF module used here (its typings declare it `any`). */
interface SsfModule {
  format(fmt: string | number, value: number, opts?: { date1904?: boolean }): string;
  get_table(): Record<number, string>;
}
const SSF = XLSX.SSF as SsfModule;

/**
 * - `general` / `number`: an amount, read as is;
 * - `percent`: a ratio shown ×100 with `%` (0.2 → "20%"): never an amount;
 * - `date` / `datetime`: days since the epoch, shown as a calendar date (with a clock time for datetime);
 * - `time`: a clock time (`h:mm`, `hh:mm:ss AM/PM`): the fraction of a day, wrapping at 24 h;
 * - `elapsed`: an elapsed time (`[h]:mm`, `[mm]:ss`): days, not wrapping;
 * - `text`: the `@` format.
 */
export type FormatKind = 'general' | 'number' | 'percent' | 'date' | 'datetime' | 'time' | 'elapsed' | 'text';

// East Asian built-in date formats (ECMA-376 §18.8.30 lists them per locale; SSF's table leaves them out).
const LOCALE_DATE_IDS = new Set([27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** The format code of a built-in number format id (ECMA-376 §18.8.30), or undefined. */
export function builtinFormat(id: number): string | undefined {
  if (LOCALE_DATE_IDS.has(id)) return 'yyyy-mm-dd';
  return SSF.get_table()[id];
}

const kindCache = new Map<string, FormatKind>();

/**
 * Classifies a format code by its first section (the one for positive numbers). Literal text ("…", \x),
 * padding (_x, *x), colours, conditions and locale tags ([Red], [<100], [$-40C]) are ignored; `[h]`,
 * `[mm]`, `[ss]` make an elapsed time; AM/PM is removed before looking for the month/minute `m`.
 */
export function formatKind(code: string | undefined): FormatKind {
  if (code === undefined || code === '') return 'general';
  const cached = kindCache.get(code);
  if (cached !== undefined) return cached;
  const kind = classify(code);
  if (kindCache.size < 1000) kindCache.set(code, kind);
  return kind;
}

function classify(code: string): FormatKind {
  if (/^general$/i.test(code.trim())) return 'general';
  const first = firstSection(code);
  let elapsed = false;
  const bare = first
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/[_*]./g, '')
    .replace(/\[([^\]]*)\]/g, (_m, inner: string) => {
      if (/^(h+|m+|s+)$/i.test(inner)) {
        elapsed = true;
        return inner;
      }
      return '';
    })
    .replace(/am\/pm|a\/p/gi, '')
    .replace(/e[+-]/gi, '')
    .toLowerCase();
  if (bare.trim() === '@') return 'text';
  if (bare.includes('%')) return 'percent';
  const hasDate = /[yde]/.test(bare.replace(/general/g, '')) || /(^|[^hms:])m{3,}/.test(bare);
  const hasTime = /[hs]/.test(bare);
  if (elapsed) return 'elapsed';
  if (hasDate && hasTime) return 'datetime';
  if (hasDate) return 'date';
  if (hasTime) return 'time';
  if (/[0#?]/.test(bare)) return 'number';
  return 'general';
}

function firstSection(code: string): string {
  let inQuote = false;
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (ch === '"') inQuote = !inQuote;
    else if (ch === '\\') i++;
    else if (ch === ';' && !inQuote) return code.slice(0, i);
  }
  return code;
}

/** True for the kinds whose number is a count of days (dates, times, elapsed times). */
export function isDayCount(kind: FormatKind): boolean {
  return kind === 'date' || kind === 'datetime' || kind === 'time' || kind === 'elapsed';
}

const DAY_MS = 86_400_000;
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);

/**
 * The calendar date of a serial day number, as a UTC Date (the sheet's own clock, no time zone), rounded
 * to the second (spreadsheets store times as binary fractions of a day). The 1900 date system counts
 * Lotus 1-2-3's non-existent 29 February 1900 as day 60 (ECMA-376 Part 1 §18.17.4.1): serials below it are
 * shifted by one day, and 60 itself returns undefined. Returns undefined for negative or non-finite serials.
 */
export function serialToDate(serial: number, date1904: boolean): Date | undefined {
  if (!Number.isFinite(serial) || serial < 0) return undefined;
  let ms: number;
  if (date1904) ms = EPOCH_1904 + serial * DAY_MS;
  else if (serial >= 61) ms = EPOCH_1900 + serial * DAY_MS;
  else if (serial >= 60) return undefined;
  else ms = EPOCH_1900 + (serial + 1) * DAY_MS;
  return new Date(Math.round(ms / 1000) * 1000);
}

/**
 * The text a spreadsheet shows for a number under a format code ("36:00" for 1.5 under `[h]:mm`, "20%"
 * for 0.2 under `0%`). Falls back to the plain number when the code cannot be applied.
 */
export function displayText(code: string, value: number, date1904: boolean): string {
  try {
    return SSF.format(code, value, { date1904 }).trim();
  } catch {
    return String(value);
  }
}
