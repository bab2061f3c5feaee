// The mapping page's logic (issue 12), apart from HTTP: a file's columns and first rows read with the import's own
// readers, the page's form turned into rules (and back), and the live preview: the first rows through the rules
// and normalisation, as the import would read them.
import { canonicalField, COURSE_FIELDS, foldColumnName, type CourseField } from '../domain/fields';
import {
  applyMapping, COLUMN_SYNONYMS, MAPPING_LIMITS, parseMappingRules, type ColumnRule, type MappingRules,
} from '../domain/mapping';
import { normalizeCourse } from '../domain/normalize';
import { readRows } from '../ingest/readers';
import { FIELD_COUNT_KEY, NOT_AN_OBJECT_KEY } from '../domain/source-marks';
import { unwrapCellValue } from '../domain/cell-value';
import { FileValidationError, type FileFormat, type ReaderLimits, type RowError } from '../domain/types';

/** Rows kept from a file for the page (samples and preview). */
export const SAMPLE_ROWS = 20;
/** Sample values shown per column. */
export const SAMPLES_SHOWN = 5;
/** Rows in the live preview. */
export const PREVIEW_ROWS = 10;

const MARKS = new Set([FIELD_COUNT_KEY, NOT_AN_OBJECT_KEY]);

/** A cell as JSON can hold it (the sample is stored as jsonb): rich cells unwrapped, dates as ISO text. */
function plainValue(v: unknown): unknown {
  const u = unwrapCellValue(v);
  if (u instanceof Date) return Number.isNaN(u.getTime()) ? null : u.toISOString();
  if (u === undefined) return null;
  if (typeof u === 'object' && u !== null) return JSON.parse(JSON.stringify(u)) as unknown;
  return u;
}

/**
 * The columns (in file order, over the first rows: JSON objects may differ) and the first SAMPLE_ROWS records of a
 * file. Throws FileValidationError as the import would (malformed, unsafe, too large…).
 */
export async function readSample(format: FileFormat, filePath: string, limits: ReaderLimits): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
  // The readers look for the header by its title column: first by our names and the names of other tools, then,
  // for a file with none of them, any first row is the header (the admin says which column is the title).
  try {
    return await readSampleWith(format, filePath, { ...limits, headerField: suggestedField });
  } catch (err) {
    if (!(err instanceof FileValidationError && err.code === 'missing_columns')) throw err;
    return readSampleWith(format, filePath, { ...limits, headerField: () => 'title' });
  }
}

function suggestedField(name: string): CourseField | undefined {
  return canonicalField(name) ?? COLUMN_SYNONYMS[foldColumnName(name)];
}

async function readSampleWith(format: FileFormat, filePath: string, limits: ReaderLimits): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
  const columns: string[] = [];
  const seen = new Set<string>();
  const rows: Record<string, unknown>[] = [];
  for await (const row of readRows(format, filePath, limits)) {
    const plain: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row.raw)) {
      if (MARKS.has(k)) continue;
      if (!seen.has(k) && seen.size < MAPPING_LIMITS.columns) {
        seen.add(k);
        columns.push(k);
      }
      if (seen.has(k)) plain[k] = plainValue(v);
    }
    rows.push(plain);
    // Leaving the loop closes the reader (its stream) through the iterator's return().
    if (rows.length >= SAMPLE_ROWS) break;
  }
  return { columns, rows };
}

/** Up to SAMPLES_SHOWN distinct non-blank values of each column, as text. */
export function sampleValues(columns: readonly string[], rows: readonly Record<string, unknown>[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of columns) {
    const values: string[] = [];
    for (const r of rows) {
      const v = r[c];
      if (v === null || v === undefined) continue;
      const s = (typeof v === 'string' ? v : JSON.stringify(v)).trim();
      if (s === '' || values.includes(s)) continue;
      values.push(s.length > 120 ? `${s.slice(0, 119)}…` : s);
      if (values.length >= SAMPLES_SHOWN) break;
    }
    out[c] = values;
  }
  return out;
}

/** The page's form fields (urlencoded or JSON from public/mapping.js): one set per column, by its index. */
export type MappingForm = Record<string, unknown>;

function field(form: MappingForm, name: string): string {
  const v = form[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first.trim() : '';
}

/** "source => target" lines of a value map textarea. */
function parseValueMap(text: string): Record<string, string> | undefined {
  const map: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf('=>');
    if (i < 0) continue;
    const from = line.slice(0, i).trim();
    const to = line.slice(i + 2).trim();
    if (from !== '') map[from] = to;
  }
  return Object.keys(map).length ? map : undefined;
}

/** The textarea text of a value map ("source => target" per line). */
export function valueMapText(map: Record<string, string> | undefined): string {
  return map ? Object.entries(map).map(([k, v]) => `${k} => ${v}`).join('\n') : '';
}

/**
 * The rules the page's form describes for the draft's columns: `target_<i>` (a field, or '' to ignore),
 * `trim_<i>`, `split_<i>`, `duration_<i>` ('', hours, minutes), `map_<i>` (value map lines), `const_<field>` and
 * `other_columns`. Returns the rules or the problems (each "path: message").
 */
export function rulesFromForm(columns: readonly string[], form: MappingForm): { ok: true; rules: MappingRules } | { ok: false; problems: string[] } {
  const rules: { columns: Record<string, ColumnRule>; constants: Partial<Record<CourseField, string>>; otherColumns: string } = {
    columns: {}, constants: {}, otherColumns: field(form, 'other_columns') || 'keep',
  };
  columns.forEach((column, i) => {
    const target = field(form, `target_${i}`);
    const rule: Record<string, unknown> = { target: target === '' ? null : target };
    const trim = field(form, `trim_${i}`);
    const split = field(form, `split_${i}`);
    const duration = field(form, `duration_${i}`);
    const map = parseValueMap(typeof form[`map_${i}`] === 'string' ? (form[`map_${i}`] as string) : '');
    if (target !== '') {
      if (trim) rule.trimPrefix = trim;
      if (split) rule.split = split;
      if (duration) rule.duration = duration;
      if (map) rule.valueMap = map;
    }
    rules.columns[column] = rule as ColumnRule;
  });
  for (const f of COURSE_FIELDS) {
    const v = field(form, `const_${f}`);
    if (v !== '') rules.constants[f] = v;
  }
  return parseMappingRules(rules);
}

export interface PreviewRow {
  row: number;
  ok: boolean;
  course: Partial<Record<'title' | 'category' | 'instructor' | 'duration_hours' | 'difficulty' | 'learning_mode' | 'price' | 'is_free' | 'tags' | 'lessons' | 'external_id', unknown>> | null;
  errors: RowError[];
  warnings: RowError[];
}

/** The first PREVIEW_ROWS sample rows as the import would read them with these rules. */
export function previewRows(rows: readonly Record<string, unknown>[], rules: MappingRules): PreviewRow[] {
  return rows.slice(0, PREVIEW_ROWS).map((raw, i) => {
    const result = normalizeCourse(applyMapping(raw, rules));
    // Row numbers as the import's pages give them for a CSV / sheet (header = 1); close enough for the other formats.
    const row = i + 2;
    if (!result.ok) return { row, ok: false, course: null, errors: result.errors, warnings: [] };
    const c = result.course;
    return {
      row,
      ok: true,
      course: {
        title: c.title, category: c.category, instructor: c.instructor, duration_hours: c.duration_hours, difficulty: c.difficulty,
        learning_mode: c.learning_mode, price: c.price, is_free: c.is_free, tags: c.tags, lessons: c.lessons.length, external_id: c.external_id,
      },
      errors: [],
      warnings: result.warnings,
    };
  });
}
