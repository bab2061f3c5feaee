// Column mapping profiles (issue 12): how a catalogue whose columns are not ours (a marketplace export with
// `course_title`, `content_duration`, `level`…, an LMS export with `fullname`, `summary`…) becomes our course
// record. Pure: the rules are data (stored as jsonb, exported as JSON), applyMapping rewrites one raw record
// before the row guard and normalisation (activities/parse.ts), suggestMapping proposes rules from the column
// names and the values' shapes. No I/O.
//
// Order of the transforms of one column (each optional): trim a prefix → value map → split into a list →
// duration unit conversion. A value the value map lacks, or a duration the conversion cannot read, is passed on as
// is: normalisation then reads it by its usual rules, with their warnings and errors ("Beginner Level" read as
// beginner, a warning), so nothing is interpreted silently and nothing is lost.

import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { COURSE_FIELDS, canonicalField, foldColumnName, type CourseField } from './fields';
import { DIFFICULTY_SYNONYMS, LEARNING_MODE_SYNONYMS, parseDifficulty, parseLearningMode } from './enums';
import { parseBoolean } from './booleans';
import { parseLocaleNumber, roundTo } from './numbers';
import { foldWords } from './text';
import { FIELD_COUNT_KEY, NOT_AN_OBJECT_KEY } from './source-marks';

/** Bounds of a profile: it is typed in a form or imported as JSON, so every part is limited. */
export const MAPPING_LIMITS = { columns: 200, nameChars: 200, valueChars: 1000, valueMapEntries: 200, separatorChars: 10 } as const;

const text = (max: number) => z.string().max(max);
const courseField = z.enum(COURSE_FIELDS);

export const columnRuleSchema = z.strictObject({
  /** The course field the column feeds; null: the column is ignored. */
  target: courseField.nullable(),
  /** Removed from the start of the value when present ("Development > " of "Development > Web"). */
  trimPrefix: text(MAPPING_LIMITS.valueChars).optional(),
  /** Source value → value given to the field; compared trimmed and case-insensitively. */
  valueMap: z.record(text(MAPPING_LIMITS.valueChars), text(MAPPING_LIMITS.valueChars)).optional()
    .refine((m) => m === undefined || Object.keys(m).length <= MAPPING_LIMITS.valueMapEntries, { message: `at most ${MAPPING_LIMITS.valueMapEntries} value map entries` }),
  /** Splits the text into a list on this separator (tags, lessons). */
  split: text(MAPPING_LIMITS.separatorChars).min(1).optional(),
  /** Converts "1.5 hours", "45 mins", "2 days" to hours; a bare number is in this unit. */
  duration: z.enum(['hours', 'minutes']).optional(),
});
export type ColumnRule = z.infer<typeof columnRuleSchema>;

export const mappingRulesSchema = z.strictObject({
  /** Source column name, as written in the file → its rule. */
  columns: z.record(text(MAPPING_LIMITS.nameChars), columnRuleSchema)
    .refine((c) => Object.keys(c).length <= MAPPING_LIMITS.columns, { message: `at most ${MAPPING_LIMITS.columns} columns` }),
  /** Values for fields the file lacks (e.g. the instructor), used when the mapped value is missing or blank. */
  constants: z.partialRecord(courseField, text(MAPPING_LIMITS.valueChars)).default({}),
  /** Columns the profile does not name: kept under their own name (matched as usual) or dropped. */
  otherColumns: z.enum(['keep', 'ignore']).default('keep'),
});
export type MappingRules = z.infer<typeof mappingRulesSchema>;

/** Profile names: shown, used as a drop subfolder name and in URLs, so a safe, short set of characters. */
export const PROFILE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Why a profile name is not acceptable, or null. */
export function profileNameProblem(name: string): string | null {
  if (PROFILE_NAME_RE.test(name)) return null;
  return 'a profile name is 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit';
}

/**
 * Reads rules from untrusted JSON (a form's hidden field, an imported profile, a stored snapshot).
 * Returns the rules or the first problems as "path: message" lines.
 */
export function parseMappingRules(input: unknown): { ok: true; rules: MappingRules } | { ok: false; problems: string[] } {
  const parsed = mappingRulesSchema.safeParse(input);
  if (parsed.success) return { ok: true, rules: parsed.data };
  return { ok: false, problems: parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(rules)'}: ${i.message}`) };
}

const MARKS = new Set([FIELD_COUNT_KEY, NOT_AN_OBJECT_KEY]);

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
}

function valueText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

const UNIT_HOURS: ReadonlyMap<string, number> = new Map([
  ...['h', 'hr', 'hrs', 'hour', 'hours', 'heure', 'heures'].map((u) => [u, 1] as const),
  ...['m', 'mn', 'min', 'mins', 'minute', 'minutes'].map((u) => [u, 1 / 60] as const),
  ...['s', 'sec', 'secs', 'second', 'seconds', 'seconde', 'secondes'].map((u) => [u, 1 / 3600] as const),
  ...['d', 'j', 'day', 'days', 'jour', 'jours'].map((u) => [u, 24] as const),
]);
const DURATION_PART_RE = /(\d+(?:[.,]\d+)?)\s*([a-z]+)?/gy;

/**
 * A duration with units in hours, rounded to 2 decimals: "1.5 hours" → 1.5, "45 mins" → 0.75, "1 hour 30 mins"
 * → 1.5, "2 jours" → 48; a bare number is in `bareUnit`. undefined when the text is not such a duration (then the
 * value is left for normalisation, which reads "1:30" and friends or refuses it with its reason).
 */
export function durationToHours(value: string, bareUnit: 'hours' | 'minutes' = 'hours'): number | undefined {
  const s = value.trim().toLowerCase().replace(/\s+and\s+|\s*,\s+|\s+et\s+/g, ' ');
  if (s === '') return undefined;
  let total = 0;
  let parts = 0;
  DURATION_PART_RE.lastIndex = 0;
  let pos = 0;
  while (pos < s.length) {
    DURATION_PART_RE.lastIndex = pos;
    const m = DURATION_PART_RE.exec(s);
    if (!m) return undefined;
    const n = parseLocaleNumber(m[1]!);
    if (!n.ok) return undefined;
    const unit = m[2];
    const factor = unit === undefined ? (bareUnit === 'minutes' ? 1 / 60 : 1) : UNIT_HOURS.get(unit);
    if (factor === undefined) return undefined;
    total += n.value * factor;
    parts++;
    pos = DURATION_PART_RE.lastIndex;
    while (s[pos] === ' ') pos++;
  }
  return parts === 0 ? undefined : roundTo(total, 2);
}

/** The value of one column after its transforms. */
function transform(value: unknown, rule: ColumnRule): unknown {
  let v = value;
  if (rule.trimPrefix && typeof v === 'string' && v.trimStart().startsWith(rule.trimPrefix)) {
    v = v.trimStart().slice(rule.trimPrefix.length).trimStart();
  }
  if (rule.valueMap && Object.keys(rule.valueMap).length > 0 && !isBlank(v)) {
    const key = valueText(v)?.trim().toLowerCase();
    const hit = key === undefined ? undefined : Object.entries(rule.valueMap).find(([from]) => from.trim().toLowerCase() === key);
    if (hit) v = hit[1];
  }
  if (rule.split && typeof v === 'string') {
    v = v.split(rule.split).map((s) => s.trim()).filter((s) => s !== '');
  }
  if (rule.duration && (typeof v === 'string' || typeof v === 'number')) {
    const hours = typeof v === 'number' ? (rule.duration === 'minutes' ? roundTo(v / 60, 2) : v) : durationToHours(v, rule.duration);
    if (hours !== undefined) v = hours;
  }
  return v;
}


/**
 * Rewrites one raw record by the rules: each named column is renamed to its target (or dropped), transformed, and
 * constants fill the fields still missing or blank. When two columns feed one field, the first non-blank one in
 * the record's order wins (as without a profile: fields.ts pickFields). Returns the record with course field names as
keys (and the columns kept under their own names). The readers' marks (source-marks.ts) are
 * kept as they are. Columns the rules do not name stay under their own name unless `otherColumns` is 'ignore'.
 */
export function applyMapping(raw: Record<string, unknown>, rules: MappingRules): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const kept: [string, unknown][] = [];
  for (const column in raw) {
    if (!Object.hasOwn(raw, column)) continue;
    const value = raw[column];
    if (MARKS.has(column)) {
      out[column] = value;
      continue;
    }
    const rule = Object.hasOwn(rules.columns, column) ? rules.columns[column] : undefined;
    if (!rule) {
      if (rules.otherColumns === 'keep') kept.push([column, value]);
      continue;
    }
    if (rule.target === null) continue;
    const mapped = transform(value, rule);
    if (!Object.hasOwn(out, rule.target) || (isBlank(out[rule.target]) && !isBlank(mapped))) out[rule.target] = mapped;
  }
  for (const [field, value] of Object.entries(rules.constants)) {
    if (value !== undefined && (!Object.hasOwn(out, field) || isBlank(out[field]))) out[field] = value;
  }
  // A kept column that would feed a field the profile already fills is left out: the profile's choice wins.
  for (const [column, value] of kept) {
    const field = canonicalField(column);
    if (Object.hasOwn(out, column) || (field !== undefined && Object.hasOwn(out, field))) continue;
    out[column] = value;
  }
  return out;
}

/**
 * The course field a column name feeds under these rules (its target; for a column the rules do not name, its own
 * name's field when other columns are kept): the readers find the header row by it (ReaderLimits.headerField).
 */
export function headerFieldOf(rules: MappingRules): (columnName: string) => CourseField | undefined {
  return (name) => {
    const trimmed = name.trim();
    const rule = Object.hasOwn(rules.columns, name) ? rules.columns[name] : Object.hasOwn(rules.columns, trimmed) ? rules.columns[trimmed] : undefined;
    if (rule) return rule.target ?? undefined;
    return rules.otherColumns === 'keep' ? canonicalField(name) : undefined;
  };
}

/** The fields a profile leaves unfed: neither a column nor a constant gives them (the page offers a constant). */
export function unmappedFields(rules: MappingRules, columns: readonly string[]): CourseField[] {
  const fed = new Set<string>(Object.keys(rules.constants));
  for (const c of columns) {
    const rule = rules.columns[c];
    if (rule?.target) fed.add(rule.target);
    else if (!rule && rules.otherColumns === 'keep') {
      const f = canonicalField(c);
      if (f) fed.add(f);
    }
  }
  return COURSE_FIELDS.filter((f) => !fed.has(f));
}

// ---- Suggestions -------------------------------------------------------------------------------------------

/**
 * Column names of other tools (folded as fields.ts folds them), English and French, beyond the aliases every
 * import already understands (fields.ts FIELD_ALIASES). From the marketplace (Udemy-style) and LMS (Moodle
 * course upload: fullname, shortname, summary, category_path) exports of the issue, and common variants.
 */
export const COLUMN_SYNONYMS: Readonly<Record<string, CourseField>> = {
  course_title: 'title', course_name: 'title', fullname: 'title', full_name: 'title', name: 'title', nom: 'title',
  nom_du_cours: 'title', intitule: 'title', libelle: 'title', titre_du_cours: 'title', headline: 'title',
  summary: 'description', resume: 'description', desc: 'description', details: 'description', overview: 'description',
  presentation: 'description', course_description: 'description', contenu: 'description',
  subject: 'category', category_path: 'category', theme: 'category', topic: 'category', sujet: 'category',
  domaine: 'category', rubrique: 'category', course_category: 'category', categories: 'category',
  teacher: 'instructor', author: 'instructor', auteur: 'instructor', enseignant: 'instructor', trainer: 'instructor',
  professeur: 'instructor', intervenant: 'instructor', instructor_name: 'instructor',
  content_duration: 'duration', length: 'duration', hours: 'duration', heures: 'duration', duree_totale: 'duration',
  course_duration: 'duration', temps: 'duration',
  course_level: 'difficulty', levels: 'difficulty', difficulty_level: 'difficulty',
  format: 'learning_mode', modalite: 'learning_mode', delivery: 'learning_mode', type: 'learning_mode',
  cost: 'price', tarif: 'price', cout: 'price', amount: 'price', montant: 'price', price_eur: 'price',
  is_paid: 'is_free', paid: 'is_free', payant: 'is_free', is_free_course: 'is_free', free_course: 'is_free',
  lectures: 'lessons', chapters: 'lessons', chapitres: 'lessons', modules: 'lessons', sections: 'lessons', lesson_titles: 'lessons',
  keywords: 'tags', labels: 'tags', etiquettes: 'tags', tag: 'tags', mots_cle: 'tags',
  id: 'external_id', course_id: 'external_id', shortname: 'external_id', short_name: 'external_id', code: 'external_id',
  reference: 'external_id', sku: 'external_id', idnumber: 'external_id',
};

/** Names that say the opposite of is_free: their yes is our no (a value map inverts them). */
const INVERTED_FREE = new Set(['is_paid', 'paid', 'payant']);

export interface ColumnSuggestion {
  column: string;
  rule: ColumnRule;
  /** How the target was found: 'name' (our field or alias), 'synonym', 'values' (their shape), or 'none'. */
  reason: 'name' | 'synonym' | 'values' | 'none';
}

function texts(samples: readonly unknown[]): string[] {
  return samples.map(valueText).filter((s): s is string => s !== undefined && s.trim() !== '').map((s) => s.trim());
}

const allMatch = (values: readonly string[], test: (v: string) => boolean) => values.length > 0 && values.every(test);
const URL_RE = /^https?:\/\//i;
const DATE_RE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** A target guessed from the values alone, for a column whose name says nothing we know. */
function targetFromValues(values: readonly string[]): CourseField | undefined {
  if (values.length === 0) return undefined;
  if (allMatch(values, (v) => URL_RE.test(v) || DATE_RE.test(v))) return undefined;
  if (allMatch(values, (v) => durationToHours(v) !== undefined && /[a-z]/i.test(v))) return 'duration';
  if (allMatch(values, (v) => { const p = parseDifficulty(v); return p.ok && p.value !== undefined; })) return 'difficulty';
  if (allMatch(values, (v) => { const p = parseLearningMode(v); return p.ok && p.value !== undefined; })) return 'learning_mode';
  return undefined;
}

/** The value map a level / mode column needs when its values are not ours as they are ("Expert Level"). */
function enumValueMap(values: readonly string[], target: 'difficulty' | 'learning_mode'): Record<string, string> | undefined {
  const parse = target === 'difficulty' ? parseDifficulty : parseLearningMode;
  const synonyms: Readonly<Record<string, readonly string[]>> = target === 'difficulty' ? DIFFICULTY_SYNONYMS : LEARNING_MODE_SYNONYMS;
  const map: Record<string, string> = {};
  for (const v of new Set(values)) {
    const folded = foldWords(v);
    const exact = Object.entries(synonyms).some(([value, list]) => value.replace('_', ' ') === folded || list.includes(folded));
    if (exact) continue;
    const p = parse(v);
    if (p.ok && p.value !== undefined) map[v] = p.value;
  }
  return Object.keys(map).length ? map : undefined;
}

function separatorOf(values: readonly string[]): string | undefined {
  for (const sep of ['|', ';', ',']) if (values.some((v) => v.includes(sep))) return sep;
  return undefined;
}

/**
 * Proposes a rule for each column from its name (our fields and their French aliases through canonicalField, then
 * COLUMN_SYNONYMS) and else from its sample values' shapes (durations with units, levels, learning modes), with the
 * transforms the samples call for: duration unit conversion, a value map to our levels / modes, the inversion of
 * an "is paid" column, a split for lists. A field already taken by an earlier column is not proposed twice.
 */
export function suggestMapping(columns: readonly string[], samples: Readonly<Record<string, readonly unknown[]>>): ColumnSuggestion[] {
  const taken = new Set<CourseField>();
  const out: ColumnSuggestion[] = [];
  // Exact names first, so "title" beats "name" whatever their order.
  const byName = new Map<string, { target: CourseField; reason: ColumnSuggestion['reason'] }>();
  for (const c of columns) {
    const f = canonicalField(c);
    if (f && !taken.has(f)) { byName.set(c, { target: f, reason: 'name' }); taken.add(f); }
  }
  for (const c of columns) {
    if (byName.has(c)) continue;
    const f = COLUMN_SYNONYMS[foldColumnName(c)];
    if (f && !taken.has(f)) { byName.set(c, { target: f, reason: 'synonym' }); taken.add(f); }
  }
  for (const c of columns) {
    const values = texts(samples[c] ?? []);
    let found = byName.get(c);
    if (!found) {
      const f = targetFromValues(values);
      if (f && !taken.has(f)) { found = { target: f, reason: 'values' }; taken.add(f); }
    }
    if (!found) { out.push({ column: c, rule: { target: null }, reason: 'none' }); continue; }
    const rule: ColumnRule = { target: found.target };
    if (found.target === 'duration' && values.some((v) => /[a-z]/i.test(v) && durationToHours(v) !== undefined)) rule.duration = 'hours';
    if (found.target === 'difficulty' || found.target === 'learning_mode') {
      const map = enumValueMap(values, found.target);
      if (map) rule.valueMap = map;
    }
    if (found.target === 'is_free' && INVERTED_FREE.has(foldColumnName(c))) {
      const map: Record<string, string> = {};
      for (const v of new Set(values)) {
        const b = parseBoolean(v);
        if (b.ok && b.value !== undefined) map[v] = String(!b.value);
      }
      rule.valueMap = Object.keys(map).length ? map : { true: 'false', false: 'true' };
    }
    if (found.target === 'tags' || found.target === 'lessons') {
      const sep = separatorOf(values);
      if (sep) rule.split = sep;
    }
    out.push({ column: c, rule, reason: found.reason });
  }
  return out;
}

/** Suggestions as a whole profile: every column named (ignored ones too), no constants. */
export function suggestedRules(columns: readonly string[], samples: Readonly<Record<string, readonly unknown[]>>): MappingRules {
  const rules: MappingRules = { columns: {}, constants: {}, otherColumns: 'keep' };
  for (const s of suggestMapping(columns, samples)) rules.columns[s.column] = s.rule;
  return rules;
}

/** Whether a file's columns need a mapping: some column matches no field, or the title has no column. */
export function needsMapping(columns: readonly string[]): boolean {
  const fields = columns.filter((c) => !MARKS.has(c)).map((c) => canonicalField(c));
  return fields.some((f) => f === undefined) || !fields.includes('title');
}

function ruleText(rule: ColumnRule | undefined): string {
  if (!rule) return 'not named';
  if (rule.target === null) return 'ignored';
  const parts = [`→ ${rule.target}`];
  if (rule.trimPrefix) parts.push(`trim '${rule.trimPrefix}'`);
  if (rule.valueMap && Object.keys(rule.valueMap).length) parts.push(`${Object.keys(rule.valueMap).length} mapped value(s)`);
  if (rule.split) parts.push(`split on '${rule.split}'`);
  if (rule.duration) parts.push(`duration (bare numbers in ${rule.duration})`);
  return parts.join(', ');
}

/**
 * What changed from one version of a profile to the next, in short English lines for its history ("column
 * 'level': ignored → difficulty, 3 mapped value(s)"; "constant instructor: 'Équipe' added"). At most 20 lines.
 */
export function describeChanges(before: MappingRules | null, after: MappingRules): string[] {
  if (!before) return ['created'];
  const lines: string[] = [];
  const columns = new Set([...Object.keys(before.columns), ...Object.keys(after.columns)]);
  for (const c of columns) {
    const a = before.columns[c];
    const b = after.columns[c];
    // Compared as values, not as text: jsonb gives keys back in its own order.
    if (!isDeepStrictEqual(a, b)) lines.push(`column '${c}': ${ruleText(a)} ⇒ ${ruleText(b)}`);
  }
  const fields = new Set([...Object.keys(before.constants), ...Object.keys(after.constants)]) as Set<CourseField>;
  for (const f of fields) {
    const a = before.constants[f];
    const b = after.constants[f];
    if (a === b) continue;
    lines.push(a === undefined ? `constant ${f}: '${b}' added` : b === undefined ? `constant ${f}: removed` : `constant ${f}: '${a}' ⇒ '${b}'`);
  }
  if (before.otherColumns !== after.otherColumns) lines.push(`other columns: ${before.otherColumns} ⇒ ${after.otherColumns}`);
  return lines.length > 20 ? [...lines.slice(0, 20), `and ${lines.length - 20} more change(s)`] : lines;
}

/** Two rule sets are the same profile content (a save that changes nothing adds no version). */
export function sameRules(a: MappingRules, b: MappingRules): boolean {
  return describeChanges(a, b).length === 0;
}

/** The JSON document a profile is exported as and imported from (between environments). */
export const PROFILE_EXPORT_FORMAT = 'course-import/mapping-profile';

export const profileExportSchema = z.object({
  format: z.literal(PROFILE_EXPORT_FORMAT),
  formatVersion: z.literal(1),
  name: z.string().max(64),
  version: z.number().int().min(1).optional(),
  exportedAt: z.string().max(40).optional(),
  rules: mappingRulesSchema,
});
export type ProfileExport = z.infer<typeof profileExportSchema>;
