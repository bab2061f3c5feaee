// "Did this course change?" — for the upsert's unchanged/updated decision and the preview's diff.
// The hash covers every field an update would write, i.e. all of NormalizedCourse except natural_key
// (the identity the row is looked up by). quality_score and the generated tags are included: they are
// stored, so a change in how they are computed must reach the stored course too. changedFields compares
// the same set of fields, so "hash differs" and "some field changed" always agree.

import { createHash } from 'node:crypto';
import type { NormalizedCourse } from './types';

export const COMPARED_FIELDS = [
  'external_id', 'title', 'description', 'category', 'instructor', 'duration_hours', 'difficulty',
  'learning_mode', 'price', 'is_free', 'lessons', 'tags', 'quality_score',
] as const satisfies readonly (keyof NormalizedCourse)[];
export type ComparedField = (typeof COMPARED_FIELDS)[number];

/** Levels canonicalJson descends at most: a course is 3 deep (course → lessons → lesson). */
export const CANONICAL_JSON_MAX_DEPTH = 64;

/**
 * JSON with object keys sorted at every level, so equal content always gives the same text. Recursive, with
 * its depth bounded: deeper than CANONICAL_JSON_MAX_DEPTH levels throws a RangeError saying so, never a stack
 * overflow (the values are normalised courses or stored ones, whose depth is fixed).
 */
export function canonicalJson(v: unknown, depth = 0): string {
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (depth >= CANONICAL_JSON_MAX_DEPTH) throw new RangeError(`canonicalJson: a value nested deeper than ${CANONICAL_JSON_MAX_DEPTH} levels`);
  if (Array.isArray(v)) return `[${v.map((item) => canonicalJson(item, depth + 1)).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, value]) => `${JSON.stringify(k)}:${canonicalJson(value, depth + 1)}`).join(',')}}`;
}

// The hashed text is canonicalJson of the compared fields. It is built here with JSON.stringify over objects
// whose keys are inserted already sorted, which gives the same text several times faster (the hash of every
// row of every import); a unit test holds the two to the same output, so stored hashes stay valid.
const HASHED_FIELDS = [...COMPARED_FIELDS].sort();

/** The text courseContentHash hashes: canonicalJson of the compared fields. */
export function hashedText(course: NormalizedCourse): string {
  const content: Record<string, unknown> = {};
  for (const field of HASHED_FIELDS) content[field] = field === 'lessons' ? comparableLessons(course.lessons) : course[field];
  return JSON.stringify(content);
}

/** sha256 (hex) of the compared fields of a normalised course. */
export function courseContentHash(course: NormalizedCourse): string {
  return createHash('sha256').update(hashedText(course)).digest('hex');
}

// Every field of NormalizedCourse but natural_key is compared: the hashed text is then the course's own JSON
// less that one key, which courseJsonAndHash relies on (a field added to the course and not compared fails here).
// is_active is not hashed either: a file without it must keep matching the stored hash (the plan compares it apart).
type UncomparedField = Exclude<keyof NormalizedCourse, ComparedField | 'natural_key' | 'is_active'>;
const everyFieldCompared: [UncomparedField] extends [never] ? true : false = true;
void everyFieldCompared;

/**
 * The course as JSON text and its content hash, from one serialisation: the hashed text with natural_key put
 * back is the whole course (lessons with all their fields). What the parse step stages for every row.
 */
export function courseJsonAndHash(course: NormalizedCourse): { json: string; contentHash: string } {
  const text = hashedText(course);
  // is_active (when the file gives it) goes with the course but not into the hash: the plan compares it apart.
  const active = course.is_active === undefined ? '' : `"is_active":${course.is_active},`;
  return {
    json: `{${active}"natural_key":${JSON.stringify(course.natural_key)},${text.slice(1)}`,
    contentHash: createHash('sha256').update(text).digest('hex'),
  };
}

/** The definition hashedText must match: canonical JSON of the compared fields. */
export function canonicalHashedText(course: NormalizedCourse): string {
  const content: Record<string, unknown> = {};
  for (const field of COMPARED_FIELDS) content[field] = field === 'lessons' ? comparableLessons(course.lessons) : course[field];
  return canonicalJson(content);
}

/** A stored course as read back (e.g. from PostgreSQL): the course's fields, values of any type. */
export type StoredCourseLike = { readonly [K in keyof NormalizedCourse]?: unknown };

export interface FieldChange {
  field: ComparedField | 'is_active';
  before: unknown;
  after: unknown;
}

const NUMERIC_FIELDS = new Set<ComparedField>(['duration_hours', 'price', 'quality_score']);

function comparableLessons(v: unknown): unknown {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return v;
  // A stored lesson has more columns (id, course_id…): only what a file can set is compared. Keys in sorted
  // order, so JSON.stringify of it is already canonical (hashedText relies on that).
  return v.map((l: unknown) => {
    if (typeof l !== 'object' || l === null) return l;
    const { title, content, order, video_url } = l as Record<string, unknown>;
    return { content: content ?? null, order: order ?? null, title: title ?? null, video_url: video_url ?? null };
  });
}

function comparable(field: ComparedField, v: unknown): unknown {
  if (v === undefined) v = null;
  if (field === 'lessons') return comparableLessons(v);
  if (field === 'tags') return v === null ? [] : v;
  // PostgreSQL numeric columns may come back as strings ("99.99").
  if (NUMERIC_FIELDS.has(field) && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return v;
}

/**
 * The fields whose value differs between a stored course (`before`: any record with the course's field
 * names, e.g. a database row; a missing field counts as null, a missing list as empty) and its new
 * normalised version. Fields come in the order of COMPARED_FIELDS.
 */
export function changedFields(before: StoredCourseLike, after: NormalizedCourse): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of COMPARED_FIELDS) {
    const b = comparable(field, before[field]);
    const a = comparable(field, after[field]);
    if (canonicalJson(b) !== canonicalJson(a)) changes.push({ field, before: before[field] ?? null, after: after[field] });
  }
  // Published or not, only when the new version says (a file without the column changes no course's status).
  if (after.is_active !== undefined && before.is_active !== undefined && before.is_active !== after.is_active) {
    changes.push({ field: 'is_active', before: before.is_active, after: after.is_active });
  }
  return changes;
}
