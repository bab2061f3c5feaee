// A course created or edited by hand (issue 11): the admin's form read as one source row, so the import's own
// rules (src/domain/normalize.ts) validate and normalise it and give the same errors and warnings; then the
// course is written with its before-image (src/db/course-edits.ts) and its search document follows.
import type { Sql } from '../db/client';
import type { SearchClient } from '../search/client';
import type { RowError } from '../domain/types';
import { normalizeCourse } from '../domain/normalize';
import { courseContentHash } from '../domain/content-hash';
import { MAX_LESSONS } from '../domain/lessons';
import { documentsByIds } from '../db/search-documents';
import { bulkIndexEverywhere, deleteEverywhere, refreshEverywhere } from '../search/indexer';
import { writeTargets } from '../search/targets';
import type { CourseRow } from '../db/course-queries';
import type { CourseWrite } from '../db/course-edits';
import { userTagsOf } from './export';
import { taxonomy } from '../db/categories';
import { buildMatcher } from '../domain/taxonomy';
import { decideRow, type CategorySettings } from '../domain/category-decision';

/** One lesson row of the form, as typed (strings), `remove` ticked or not. */
export interface LessonInput {
  title: string;
  content: string;
  order: string;
  video_url: string;
  remove: boolean;
}

/** The form's values as typed: what is shown again, unchanged, when the form is refused. */
export interface CourseFormValues {
  title: string;
  description: string;
  category: string;
  instructor: string;
  duration: string;
  difficulty: string;
  learning_mode: string;
  price: string;
  is_free: boolean;
  is_active: boolean;
  tags: string;
  external_id: string;
  lessons: LessonInput[];
  /** The course version the form was opened on (course-edits.ts courseVersion); '' for a new course. */
  version: string;
}

/** Characters of one form value at most: the import's own bound per value (MAX_VALUE_CHARS' default). */
export const FORM_VALUE_MAX = 100_000;
/** Lesson rows of a form at most: the import's limit, plus the blank "add a lesson" row. */
export const FORM_LESSON_ROWS_MAX = MAX_LESSONS + 1;

type Body = Record<string, unknown>;

function text(v: unknown): string {
  const first = Array.isArray(v) ? v[0] : v;
  const s = typeof first === 'string' ? first : typeof first === 'number' || typeof first === 'boolean' ? String(first) : '';
  return s.slice(0, FORM_VALUE_MAX);
}

function list(v: unknown): string[] {
  const items = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return items.slice(0, FORM_LESSON_ROWS_MAX).map(text);
}

const ticked = (v: unknown) => ['on', 'true', '1', 'yes'].includes(text(v).toLowerCase());

/**
 * The form's values from a urlencoded body. Lessons come as parallel lists `lesson_title`, `lesson_content`,
 * `lesson_order`, `lesson_video_url` (one entry per row, empty ones included) and `lesson_remove` holding the
 * 0-based indexes of the rows ticked for removal. Every value is cut to FORM_VALUE_MAX characters and the rows
 * to FORM_LESSON_ROWS_MAX (the body itself is bounded by the body parser).
 */
export function formValuesOf(body: Body): CourseFormValues {
  const titles = list(body.lesson_title);
  const contents = list(body.lesson_content);
  const orders = list(body.lesson_order);
  const urls = list(body.lesson_video_url);
  const removed = new Set(list(body.lesson_remove).map((s) => Number(s)));
  const lessons: LessonInput[] = titles.map((title, i) => ({
    title,
    content: contents[i] ?? '',
    order: orders[i] ?? '',
    video_url: urls[i] ?? '',
    remove: removed.has(i),
  }));
  return {
    title: text(body.title),
    description: text(body.description),
    category: text(body.category),
    instructor: text(body.instructor),
    duration: text(body.duration),
    difficulty: text(body.difficulty),
    learning_mode: text(body.learning_mode),
    price: text(body.price),
    is_free: ticked(body.is_free),
    is_active: ticked(body.is_active),
    tags: text(body.tags),
    external_id: text(body.external_id),
    lessons,
    version: text(body.version).slice(0, 40),
  };
}

/** The form of an existing course: its values as an import file would give them (user tags only, lessons in order). */
export function formValuesOfCourse(c: CourseRow, version: string): CourseFormValues {
  return {
    title: c.title,
    description: c.description ?? '',
    category: c.category ?? '',
    instructor: c.instructor ?? '',
    duration: c.duration_hours === null || c.duration_hours === undefined ? '' : String(Number(c.duration_hours)),
    difficulty: c.difficulty,
    learning_mode: c.learning_mode,
    price: String(Number(c.price)),
    is_free: c.is_free,
    is_active: c.is_active,
    tags: userTagsOf(c).join(', '),
    external_id: c.external_id ?? '',
    lessons: c.lessons.map((l) => ({ title: l.title, content: l.content ?? '', order: String(l.order), video_url: l.video_url ?? '', remove: false })),
    version,
  };
}

/**
 * An empty form for a new course: active, beginner, text, as an import's defaults. Neither a price nor "free" is
 * chosen for the admin: as in an import (src/domain/normalize.ts), a course without either is refused with
 * "price missing", never published as free by accident, and typing a price does not first need "free" unticked.
 */
export function emptyFormValues(): CourseFormValues {
  return {
    title: '', description: '', category: '', instructor: '', duration: '', difficulty: 'beginner', learning_mode: 'text',
    price: '', is_free: false, is_active: true, tags: '', external_id: '', lessons: [], version: '',
  };
}

/**
 * The form as the source row an import would read: the import's column names, lessons as objects
 * {title, content, order, video_url} without the removed rows. `is_free` is always given (a checkbox is
 * never "missing"), so the import's rule applies: free with a price, or not free at price 0, is an error.
 */
export function formAsSourceRow(v: CourseFormValues): Record<string, unknown> {
  return {
    title: v.title,
    description: v.description,
    category: v.category,
    instructor: v.instructor,
    duration: v.duration,
    difficulty: v.difficulty,
    learning_mode: v.learning_mode,
    price: v.price,
    is_free: v.is_free ? 'true' : 'false',
    tags: v.tags,
    external_id: v.external_id,
    lessons: v.lessons.filter((l) => !l.remove).map((l) => ({ title: l.title, content: l.content, order: l.order, video_url: l.video_url })),
  };
}

export type FormResult = { ok: true; write: CourseWrite; warnings: RowError[] } | { ok: false; errors: RowError[] };

/** Validates and normalises the form by the import's rules (normalizeCourse): the course to write, or its errors. */
export function normalizeForm(v: CourseFormValues): FormResult {
  const r = normalizeCourse(formAsSourceRow(v));
  if (!r.ok) return { ok: false, errors: r.errors };
  return { ok: true, write: { course: r.course, contentHash: courseContentHash(r.course), isActive: v.is_active }, warnings: r.warnings };
}

/**
 * The form's category read against the taxonomy (issue 14) by the import's own rule (decideRow: name, synonym,
 * translation or folded form in either language; an unknown value under UNKNOWN_CATEGORY_POLICY: created with
 * the course, refused as a form error, or left uncategorised with a warning to review). No model is asked: an
 * admin typed the value. An empty category clears the link; an unused taxonomy (no category yet, policy not
 * `create`) leaves it alone, as imports do. Throws what the database client throws.
 */
export async function withTaxonomyCategory(sql: Sql, result: Extract<FormResult, { ok: true }>, settings: CategorySettings): Promise<FormResult> {
  const c = result.write.course;
  if (!c.category) return { ...result, write: { ...result.write, category: { id: null, newCategory: null } } };
  const categories = await taxonomy(sql);
  if (categories.length === 0 && settings.unknownPolicy !== 'create') return result;
  const byId = new Map(categories.filter((k) => k.active).map((k) => [k.id, k]));
  const row = { category: c.category, title: c.title, description: c.description, lesson_titles: c.lessons.map((l) => l.title), tags: c.tags, current_category_id: null };
  const d = decideRow(row, buildMatcher(categories), byId, null, settings);
  if (d.error) return { ok: false, errors: [d.error] };
  return { ok: true, write: { ...result.write, category: { id: d.categoryId, newCategory: d.newCategory } }, warnings: [...result.warnings, ...d.warnings] };
}

/**
 * Makes the search index follow PostgreSQL for one course: its document indexed again (the alias, and a running
 * reindex's new index), or removed when the course no longer exists; then refreshed, so the list shows it at
 * once. Nothing to do without Elasticsearch. Throws what the Elasticsearch client throws.
 */
export async function syncCourseDocument(deps: { sql: Sql; es: SearchClient | null; alias: string }, id: number, exists: boolean): Promise<void> {
  if (!deps.es) return;
  const targets = await writeTargets(deps.sql, deps.alias);
  if (exists) await bulkIndexEverywhere(deps.es, targets, await documentsByIds(deps.sql, [id]));
  else await deleteEverywhere(deps.es, targets, [id]);
  await refreshEverywhere(deps.es, targets);
}
