// The CSV template as the reader's spreadsheet expects it. French Excel (and LibreOffice in French) splits
// columns on ";" (the list separator of the French regional settings, since "," is the decimal separator) and
// reads "19,90" as a number: the French template uses both. It keeps the UTF-8 byte-order mark, so accents
// read right, and no `sep=;` line: Excel stops honouring the byte-order mark when that line is present
// (accents then break), and French Excel needs no hint to split on ";". The importer reads either form back
// (delimiter detection on the header line; decimal comma in src/domain/numbers.ts).
import { toCsv } from '../domain/templates';
import { formatNumber } from '../i18n/format';
import type { Language } from '../i18n/languages';

/**
 * The sample rows as CSV for a reader of `language`: English: RFC 4180 with "," and decimal point (what the
 * REST API and scripts get); French: ";" between cells and numbers with a decimal comma (by Intl, no grouping).
 */
export function localizedCsv(rows: readonly Record<string, unknown>[], language: Language): string {
  if (language === 'en') return toCsv(rows);
  return toCsv(rows.map((row) => withLocalNumbers(row, language)), { delimiter: ';' });
}

/** A row whose numbers are written as `language` writes them (decimal comma in French, no grouping); the rest as is. */
export function withLocalNumbers<R extends Record<string, unknown>>(row: R, language: Language): Record<keyof R, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, typeof v === 'number' ? formatNumber(v, language, { useGrouping: false, maximumFractionDigits: 20 }) : v]),
  ) as Record<keyof R, unknown>;
}
