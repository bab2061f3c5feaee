// Why an import failed, in the reader's language (issue 11). A whole-file failure is stored as a code with plain
// JSON parameters beside its English sentence (contract.ts FailureReason, imports.error_code / error_params /
// error_message); this renders `importFailures.<code>` (its `_<context>` variant when the parameters name one) of
// locales/<language>/importFailures.json. The CLI and the logs keep the English message.
//
// A failure without parameters (recorded before they existed, or raised where only the English sentence says
// what happened: a parser's own message) is told by its code's general sentence, with the English message after
// it as the detail; an English reader then simply reads the English message.
import { languageOf, type Translate } from './i18n';
import { formatBytes, formatNumber } from './format';
import type { Language } from './languages';

/** A failure as pages, emails and notices hold it. */
export interface FailureLike {
  code: string;
  message: string;
  params?: Record<string, unknown> | null;
}

/** What t() gives back for a key it does not have, so a missing message is told from a real one. */
const MISSING = '\u0000missing';

/** Parameters that are quantities, written with Intl for the reader's locale (`8 Mo`, `20 000`). */
const FORMATS: Readonly<Record<string, Readonly<Record<string, 'bytes' | 'number'>>>> = {
  too_many_rows: { max: 'number' },
  all_rows_failed: { failed: 'number', rows: 'number' },
  cancelled: { deleted: 'number', restored: 'number' },
  too_large: { size: 'bytes', max: 'bytes', maxXlsx: 'bytes' },
};

/** Parameters of any code that are counts (written `20 000` in French). */
const COUNTS: ReadonlySet<string> = new Set(['max', 'count', 'ratio', 'offset']);

/** Parameters whose value is a key of a catalogue list: parameter → list (importFailures.<list>.<value>). */
const NAMED: Readonly<Record<string, string>> = { kind: 'kinds', content: 'contents', encoding: 'encodings' };

function values(t: Translate, language: Language, code: string, params: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  for (const [k, v] of Object.entries(out)) {
    if (typeof v !== 'number') continue;
    // A code's own formats first; then by name: `…Bytes` a size in bytes, a count (COUNTS) a number. Line and
    // column numbers are written as is.
    const format = FORMATS[code]?.[k] ?? (k.endsWith('Bytes') ? 'bytes' : COUNTS.has(k) ? 'number' : undefined);
    if (format) out[k] = format === 'bytes' ? formatBytes(v, language) : formatNumber(v, language);
  }
  // A tab has a name in each language; another delimiter is shown as written (`';'`).
  if (out.delimiter === 'tab') out.delimiter = t('importFailures.delimiters.tab');
  // Values that are keys of a catalogue list (a spreadsheet kind, a content kind, an encoding) are named in the
  // reader's language; an unknown key is shown as written.
  for (const [k, list] of Object.entries(NAMED)) {
    const v = out[k];
    if (typeof v === 'string') out[k] = t(`importFailures.${list}.${v}`, { defaultValue: v });
  }
  // A parser's failure names its reason by key (src/ingest/readers/parser-reasons.ts), told in the reader's language
  // with its own values; the parser's English words (`detail`) are for the technical details only. A failure
  // stored before reasons existed reads as a syntax error (in English, the parser's words as before).
  const syntax = t('importFailures.reasons.syntax');
  if (typeof out.reason === 'string') out.reason = t(`importFailures.reasons.${out.reason}`, { ...out, defaultValue: syntax });
  else if (typeof out.detail === 'string') out.reason = language === 'en' ? out.detail : syntax;
  return out;
}

/**
 * The reason of a failed (or cancelled) import in the language of `t` (a translator() of src/i18n/i18n.ts):
 * "Le fichier fait 9 Mo ; la limite est de 8 Mo". Without parameters, the code's general sentence followed by
 * the English message as detail (French), or the English message itself (English). Never throws; an unknown
 * code reads "The import failed." with the detail.
 */
export function failureText(t: Translate, e: FailureLike): string {
  const language = languageOf(t);
  if (e.params !== null && typeof e.params === 'object') {
    const v = values(t, language, e.code, e.params);
    const text = t(`importFailures.${e.code}`, { ...v, defaultValue: MISSING });
    if (text !== MISSING && !text.includes(MISSING)) return text;
  }
  if (language === 'en' && e.message) return e.message;
  let reason = t(`importFailures.generic.${e.code}`, { defaultValue: MISSING });
  if (reason === MISSING) reason = t('importFailures.generic.unknown');
  return e.message ? t('importFailures.detail', { reason, detail: e.message }) : reason;
}
