// Which source column feeds which course field. Column names are compared after folding (trimmed,
// lower-case, accents removed, spaces / dashes / underscores collapsed to "_"), so "Learning Mode",
// "learning-mode" and "LEARNING_MODE" are the same column. The aliases are deliberately few: the French
// names a French spreadsheet would use, and the unit-suffixed duration.

import { foldAccents } from './text';

export const COURSE_FIELDS = [
  'external_id', 'title', 'description', 'category', 'instructor', 'duration', 'difficulty', 'learning_mode',
  'price', 'is_free', 'lessons', 'tags',
  // Whether the course is published (issue 11: an export carries it, so export → import restores it). Optional:
  // a file without it leaves an existing course as it is and creates active courses.
  'is_active',
] as const;
export type CourseField = (typeof COURSE_FIELDS)[number];

/** Folded alias → field. Every field also answers to its own name. */
export const FIELD_ALIASES: Readonly<Record<string, CourseField>> = {
  titre: 'title',
  categorie: 'category',
  formateur: 'instructor',
  instructeur: 'instructor',
  duree: 'duration',
  duration_hours: 'duration',
  duree_heures: 'duration',
  difficulte: 'difficulty',
  niveau: 'difficulty',
  level: 'difficulty',
  mode: 'learning_mode',
  mode_apprentissage: 'learning_mode',
  prix: 'price',
  gratuit: 'is_free',
  free: 'is_free',
  lecons: 'lessons',
  mots_cles: 'tags',
  id_externe: 'external_id',
  actif: 'is_active',
  active: 'is_active',
  // Moodle's "Upload courses" CSV (issue 13): idnumber is Moodle's course ID number for other systems;
  // shortname is left as an unknown column (Moodle's key, often a code that is not ours).
  fullname: 'title',
  summary: 'description',
  category_path: 'category',
  idnumber: 'external_id',
  // Canvas SIS courses.csv (issue 13): course_id is the SIS id, long_name the course's name.
  long_name: 'title',
  course_id: 'external_id',
};

export function foldColumnName(name: string): string {
  return foldAccents(name.trim()).replace(/[\s\-_]+/g, '_').replace(/^_|_$/g, '');
}

function fieldOfColumn(columnName: string): CourseField | undefined {
  const folded = foldColumnName(columnName);
  if ((COURSE_FIELDS as readonly string[]).includes(folded)) return folded as CourseField;
  return FIELD_ALIASES[folded];
}

// Every row of a file has the same column names: each is folded once. Bounded in count and name length, since a
// JSON file's objects can have keys of their own; other names are simply folded again.
const knownColumns = new Map<string, CourseField | null>();
const KNOWN_COLUMNS_MAX = 1000;
const KNOWN_COLUMN_NAME_MAX = 100;

export function canonicalField(columnName: string): CourseField | undefined {
  const known = knownColumns.get(columnName);
  if (known !== undefined) return known ?? undefined;
  const field = fieldOfColumn(columnName);
  if (knownColumns.size < KNOWN_COLUMNS_MAX && columnName.length <= KNOWN_COLUMN_NAME_MAX) knownColumns.set(columnName, field ?? null);
  return field;
}

export interface PickedField {
  /** The column / property name as written in the file. */
  column: string;
  value: unknown;
}

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/**
 * Maps a raw row onto course fields. When two columns feed the same field ("title" and "titre"), the first
 * one with a non-blank value wins, in the row's key order. Unknown columns are ignored.
 */
export function pickFields(raw: Record<string, unknown>): Map<CourseField, PickedField> {
  const picked = new Map<CourseField, PickedField>();
  // for…in over own keys rather than Object.entries: no [key, value] array per cell of every row.
  for (const column in raw) {
    if (!Object.hasOwn(raw, column)) continue;
    const value = raw[column];
    const field = canonicalField(column);
    if (!field) continue;
    const existing = picked.get(field);
    if (!existing || (isBlank(existing.value) && !isBlank(value))) picked.set(field, { column, value });
  }
  return picked;
}
