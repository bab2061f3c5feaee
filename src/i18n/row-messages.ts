// Row errors, row warnings and file warnings in the reader's language (issue 11). Each is stored with a code
// and plain JSON parameters (src/domain/row-codes.ts) beside its English sentence; this renders
// `rowMessages.<code>` of locales/<language>/rowMessages.json with them. A problem stored before codes
// existed, or a code with no message in the catalogue (a warning of a reader that gives none), is shown with
// its English message: nothing is ever lost, at worst it is not translated.
import { FILE_WARNING_CODES, ROW_CODES } from '../domain/row-codes';
import type { Translate } from './i18n';

/** A problem as pages, emails and notices hold it: stored rows, RowErrorRef and WarningRef all fit. */
export interface ProblemLike {
  /** The field ('price', 'lessons[2].title', '*' for the row); absent on file warnings. */
  field?: string | null;
  message: string;
  code?: string | null;
  params?: Record<string, unknown> | null;
}

const ROW_CODE_SET: ReadonlySet<string> = new Set(ROW_CODES);
const FILE_CODE_SET: ReadonlySet<string> = new Set(FILE_WARNING_CODES);
/** A field as row problems name it: `price`, `lessons[2]`, `lessons[2].video_url`. */
const FIELD_RE = /^([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+))?$/;
/** What t() gives back for a key it does not have, so a missing message is told from a real one. */
const MISSING = '\u0000missing';

function plain(params: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (v === null) out[k] = 'null';
  }
  return out;
}

/**
 * A field's name in the reader's language: `prix`, `leçons[2].titre`; a name that is no course field (an unknown
 * column named by a row bound) is shown as written. `column` adds the source column when it differs.
 */
export function fieldLabel(t: Translate, field: string, column?: unknown): string {
  const m = FIELD_RE.exec(field);
  let label = field;
  if (m) {
    const [, name, position, sub] = m;
    label = t(`rowMessages.fields.${name}`, { defaultValue: name });
    if (position !== undefined) label += `[${position}]`;
    if (sub !== undefined) label += `.${t(`rowMessages.fields.${sub}`, { defaultValue: sub })}`;
  }
  return typeof column === 'string' && column !== '' ? t('rowMessages.withColumn', { field: label, column }) : label;
}

/**
 * The text of one problem in the language of `t`: a row problem is prefixed with its field's translated label
 * ("prix : '-5' est négatif ; …"), a file warning is its sentence alone. Falls back to `message` (English)
 * when the problem has no code or parameters, or when the catalogue has no message for its code.
 * Parameters: `kind` is translated (rowMessages.kinds), `context` picks a variant, `count` a plural form.
 */
export function problemText(t: Translate, p: ProblemLike): string {
  const { code, params } = p;
  if (typeof code !== 'string' || params === null || typeof params !== 'object') return p.message;
  const isRow = ROW_CODE_SET.has(code);
  if (!isRow && !FILE_CODE_SET.has(code)) return p.message;
  const values = plain(params);
  if (typeof values.kind === 'string') values.kind = t(`rowMessages.kinds.${values.kind}`, { defaultValue: values.kind });
  const reason = t(`rowMessages.${code}`, { ...values, defaultValue: MISSING });
  if (reason === MISSING || reason.includes(MISSING)) return p.message;
  const field = typeof values.subject === 'string' ? values.subject : p.field;
  if (!isRow || typeof field !== 'string' || field === '' || field === '*') return reason;
  const column = typeof values.subject === 'string' ? undefined : values.column;
  return t('rowMessages.withField', { field: fieldLabel(t, field, column), reason });
}
