// Numbers, prices, durations and dates as a reader of a language expects them, by Intl (CLDR data).
// French: `1 299` (narrow no-break space), `1 299,00 €`, `12,5 h`, `25 nov. 2026, 05:10`;
// English: `1,299`, `€1,299.00`, `12.5 hrs`, `25 Nov 2026, 05:10`. Dates are shown in the configured zone.
import { LOCALES, type Language } from './languages';

const EMPTY = '—';

/** A cache of Intl formatters: building one is costly and pages format hundreds of values. */
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function numberFormat(language: Language, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${language}|${JSON.stringify(options)}`;
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) cache.set(key, (f = new Intl.NumberFormat(LOCALES[language], options)));
  return f;
}
function dateFormat(language: Language, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${language}|${timeZone}|${JSON.stringify(options)}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(LOCALES[language], { ...options, timeZone })));
  return f;
}

function toDate(d: Date | string | number | null | undefined): Date | null {
  if (d == null || d === '') return null;
  const date = d instanceof Date ? d : new Date(d);
  return Number.isNaN(date.getTime()) ? null : date;
}

function isNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

/** A count or quantity: `1 299` / `1,299`; '—' for nothing. */
export function formatNumber(n: number | null | undefined, language: Language, options: Intl.NumberFormatOptions = {}): string {
  return isNumber(n) ? numberFormat(language, options).format(n) : EMPTY;
}

/** A price in euros, always with cents: `1 299,00 €` / `€1,299.00`; '—' for nothing. */
export function formatPrice(amount: number | null | undefined, language: Language): string {
  return isNumber(amount) ? numberFormat(language, { style: 'currency', currency: 'EUR' }).format(amount) : EMPTY;
}

/** A duration in hours (the unit courses are stored in): `12,5 h` / `12.5 hrs`; '—' for nothing. */
export function formatHours(hours: number | null | undefined, language: Language): string {
  return isNumber(hours) ? numberFormat(language, { style: 'unit', unit: 'hour', unitDisplay: 'short', maximumFractionDigits: 2 }).format(hours) : EMPTY;
}

/** A moment as date and time in `timeZone` (an IANA zone such as Europe/Paris): `25 nov. 2026, 05:10`; '—' for nothing. */
export function formatDateTime(d: Date | string | number | null | undefined, language: Language, timeZone: string): string {
  const date = toDate(d);
  return date ? dateFormat(language, timeZone, { dateStyle: 'medium', timeStyle: 'short' }).format(date) : EMPTY;
}

/** A moment as a date alone in `timeZone`: `25 nov. 2026`; '—' for nothing. */
export function formatDate(d: Date | string | number | null | undefined, language: Language, timeZone: string): string {
  const date = toDate(d);
  return date ? dateFormat(language, timeZone, { dateStyle: 'medium' }).format(date) : EMPTY;
}

/** A byte size in the largest fitting unit: `1,5 Mo` / `1.5 MB` (CLDR unit names). */
export function formatBytes(bytes: number | null | undefined, language: Language): string {
  if (!isNumber(bytes)) return EMPTY;
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return numberFormat(language, { style: 'unit', unit: units[i], unitDisplay: 'short', maximumFractionDigits: 1 }).format(value);
}

/** An elapsed time given in milliseconds: `850 ms`, `12,4 s`, `3 min` (French) in the reader's language. */
export function formatElapsed(ms: number | null | undefined, language: Language): string {
  if (!isNumber(ms)) return EMPTY;
  if (ms < 1000) return numberFormat(language, { style: 'unit', unit: 'millisecond', unitDisplay: 'short' }).format(ms);
  if (ms < 120_000) return numberFormat(language, { style: 'unit', unit: 'second', unitDisplay: 'short', maximumFractionDigits: 1 }).format(ms / 1000);
  return numberFormat(language, { style: 'unit', unit: 'minute', unitDisplay: 'short', maximumFractionDigits: 0 }).format(ms / 60_000);
}
