// Row errors, row warnings and file warnings in the reader's language (issue 11). Each is stored with a code
// and plain JSON parameters (src/domain/row-codes.ts) beside its English sentence; this renders
// `rowMessages.<code>` of locales/<language>/rowMessages.json with them. A problem stored before codes
// existed, or a code with no message in the catalogue (a warning of a reader that gives none), is shown with
// its English message: nothing is ever lost, at worst it is not translated.
import { FILE_WARNING_CODES, ROW_CODES, type FileWarningCode, type RowCode } from '../domain/row-codes';
import { CARTRIDGE_CATALOGUE, CARTRIDGE_WARNING_CODES, type CartridgeWarningCode } from '../domain/cartridge-codes';
import { languageOf, type Translate } from './i18n';
import type { Language } from './languages';
import { formatBytes, formatHours, formatNumber, formatPrice } from './format';

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
/** The Common Cartridge reader's warnings (issue 13): their messages are in the `cartridge` catalogue. */
const CARTRIDGE_CODE_SET: ReadonlySet<string> = new Set(CARTRIDGE_WARNING_CODES);
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
 * How a parameter is shown: a count or length (`1 299`), a price in euros (`1 299,00 €`), hours (`12,5 h`), a size
 * in bytes (`1,5 Mo`), a level or learning mode (`débutant`), or several of them (`débutant et avancé`).
 */
type ParamFormat = 'number' | 'price' | 'hours' | 'bytes' | 'difficulty' | 'learningMode' | 'difficulties' | 'learningModes';

/**
 * The parameters of each code that are quantities or enumeration values, formatted at render time for the
 * reader's locale by Intl (CLDR data) rather than stored as English text. A parameter not listed is the file's own
 * text (`value: "'1,5'"`, quoted as written) and is shown as is; so is `count` (it picks the plural form and is
 * read by nested `$t(…, {"count": …})`), and row or line numbers.
 */
const PARAM_FORMATS: Partial<Record<RowCode | FileWarningCode | CartridgeWarningCode, Readonly<Record<string, ParamFormat>>>> = {
  cartridge_content_cut: { max: 'bytes' },
  difficulty_read_as: { result: 'difficulty' },
  difficulty_ambiguous: { matches: 'difficulties' },
  learning_mode_read_as: { result: 'learningMode' },
  learning_mode_ambiguous: { matches: 'learningModes' },
  price_over_max: { max: 'price' },
  free_with_price: { price: 'price' },
  duration_read_as_clock: { hours: 'hours' },
  duration_read_as: { hours: 'hours' },
  duration_over_max: { max: 'hours' },
  sheet_time_read: { hours: 'hours' },
  too_many_values: { actual: 'number', expected: 'number' },
  too_few_values: { actual: 'number', expected: 'number' },
  too_long: { length: 'number', max: 'number' },
  text_cut: { length: 'number', max: 'number' },
  too_many_lessons: { lessons: 'number', max: 'number' },
  tag_too_long: { length: 'number', max: 'number' },
  too_many_tags: { tags: 'number', max: 'number' },
  row_too_large_over: { size: 'bytes', max: 'bytes' },
  row_too_large: { size: 'bytes', max: 'bytes' },
  column_name_too_long: { length: 'number', max: 'number' },
  value_too_deep: { max: 'number' },
  value_too_long: { length: 'number', max: 'number' },
  more_over_limit: { values: 'number' },
  rule_price_below: { value: 'price', min: 'price' },
  rule_price_above: { value: 'price', max: 'price' },
  rule_duration_below: { value: 'hours', min: 'hours' },
  rule_duration_above: { value: 'hours', max: 'hours' },
  rule_quality_below: { value: 'number', min: 'number' },
};

/** A number stored as such, or as the plain decimal text of rows stored before params were numbers ('49.9'). */
function numeric(v: string | number | boolean): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && /^-?\d+(?:\.\d+)?$/.test(v)) return Number(v);
  return null;
}

/** One parameter as the reader's locale writes it; what cannot be read as its kind (legacy text) is kept as is. */
function formatParam(t: Translate, language: Language, format: ParamFormat, v: string | number | boolean): string | number | boolean {
  if (format === 'difficulty' || format === 'learningMode') return typeof v === 'string' ? t(`${format}.${v}`, { defaultValue: v }) : v;
  if (format === 'difficulties' || format === 'learningModes') {
    if (typeof v !== 'string') return v;
    // Stored as English "beginner and advanced" (enum keys hold no spaces): each translated, joined by the locale's "and".
    const ns = format === 'difficulties' ? 'difficulty' : 'learningMode';
    const items = v.split(' and ').map((k) => t(`${ns}.${k}`, { defaultValue: k }));
    return new Intl.ListFormat(language, { type: 'conjunction' }).format(items);
  }
  const n = numeric(v);
  if (n === null) return v;
  switch (format) {
    case 'price':
      return formatPrice(n, language);
    case 'hours':
      return formatHours(n, language);
    case 'bytes':
      return formatBytes(n, language);
    default:
      return formatNumber(n, language);
  }
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
 * Parameters: `kind` is translated (rowMessages.kinds), `context` picks a variant, `count` a plural form;
 * quantities, prices, durations, sizes and enumeration values are formatted for the reader (PARAM_FORMATS).
 */
export function problemText(t: Translate, p: ProblemLike): string {
  const { code, params } = p;
  if (typeof code !== 'string' || params === null || typeof params !== 'object') return p.message;
  const isRow = ROW_CODE_SET.has(code);
  const isCartridge = CARTRIDGE_CODE_SET.has(code);
  if (!isRow && !isCartridge && !FILE_CODE_SET.has(code)) return p.message;
  const values = plain(params);
  const formats = PARAM_FORMATS[code as RowCode | FileWarningCode | CartridgeWarningCode];
  if (formats) {
    const language = languageOf(t);
    for (const [name, format] of Object.entries(formats)) {
      const v = values[name];
      if (v !== undefined) values[name] = formatParam(t, language, format, v);
    }
  }
  if (typeof values.kind === 'string') values.kind = t(`rowMessages.kinds.${values.kind}`, { defaultValue: values.kind });
  // A taxonomy category is named in the reader's language (issue 14): its French or English name.
  const localName = values[`category_${languageOf(t)}`];
  if (typeof localName === 'string') values.category = localName;
  const reason = t(`${isCartridge ? CARTRIDGE_CATALOGUE : 'rowMessages'}.${code}`, { ...values, defaultValue: MISSING });
  if (reason === MISSING || reason.includes(MISSING)) return p.message;
  const field = typeof values.subject === 'string' ? values.subject : p.field;
  if (!isRow || typeof field !== 'string' || field === '' || field === '*') return reason;
  const column = typeof values.subject === 'string' ? undefined : values.column;
  return t('rowMessages.withField', { field: fieldLabel(t, field, column), reason });
}
