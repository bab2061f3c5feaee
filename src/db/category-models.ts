// Auto-categorisation models and the review queue of their suggestions (migration 023, issue 14). SQL in one
// place; the model itself is pure code in src/categorise/.
import type { Sql } from './client';
import type { LabelledCourse, ModelData } from '../categorise/model';
import type { CourseText } from '../categorise/contract';
import { MAX_LESSONS } from '../categorise/text';

/** A stored model version without its (large) model data: the model page's rows. */
export interface CategoryModelSummary {
  version: number;
  createdAt: Date;
  trainedOn: number;
  method: string;
  parameters: Record<string, unknown>;
  evaluation: Record<string, unknown>;
  active: boolean;
  decision: string;
  requestedBy: string;
}

/** A new version to store. */
export interface NewCategoryModel {
  trainedOn: number;
  method: string;
  parameters: object;
  evaluation: object;
  model: ModelData;
  active: boolean;
  decision: string;
  requestedBy: string;
}

/**
 * Stores a version; when `active`, it becomes the only active one in the same transaction (the partial unique
 * index allows one). Returns its version number.
 */
export async function insertCategoryModel(sql: Sql, m: NewCategoryModel): Promise<number> {
  return sql.begin(async (tx) => {
    if (m.active) await tx`UPDATE category_models SET active = false WHERE active`;
    const [row] = await tx<{ version: number }[]>`
      INSERT INTO category_models (trained_on, method, parameters, evaluation, model, active, decision, requested_by)
      VALUES (${m.trainedOn}, ${m.method}, ${tx.json(m.parameters as never)}, ${tx.json(m.evaluation as never)},
        ${tx.json(m.model as never)}, ${m.active}, ${m.decision.slice(0, 500)}, ${m.requestedBy.slice(0, 320)})
      RETURNING version`;
    return row!.version;
  }) as Promise<number>;
}

/** The active version's number and model data, or null when no version is active. */
export async function activeCategoryModel(sql: Sql): Promise<{ version: number; model: unknown } | null> {
  const [row] = await sql<{ version: number; model: unknown }[]>`SELECT version, model FROM category_models WHERE active`;
  return row ?? null;
}

/** The latest versions, newest first, without model data. */
export async function listCategoryModels(sql: Sql, limit = 50): Promise<CategoryModelSummary[]> {
  return sql<CategoryModelSummary[]>`
    SELECT version, created_at AS "createdAt", trained_on AS "trainedOn", method, parameters, evaluation, active, decision,
      requested_by AS "requestedBy"
    FROM category_models ORDER BY version DESC LIMIT ${limit}`;
}

/**
 * Every categorised course of the catalogue as training data, a page at a time (by course id, after `afterId`):
 * its text and its category — the reviewer's when a suggestion for it was accepted or corrected (the latest
 * decision wins: a correction overrides whatever the course holds), else `courses.category_id`. Courses whose
 * category is inactive (merged, retired) are left out: the model must not learn to predict them.
 */
export async function readTrainingPage(
  sql: Sql,
  afterId: number,
  limit: number,
): Promise<{ lastId: number; rows: (LabelledCourse & { courseId: number })[] }> {
  const rows = await sql<
    { id: number; title: string; description: string; tags: string[]; lessons: string[] | null; category_id: number }[]
  >`
    WITH page AS (
      SELECT c.id, c.title, c.description, c.tags,
        coalesce(
          (SELECT CASE WHEN s.status = 'corrected' THEN s.corrected_category_id ELSE s.category_id END
           FROM category_suggestions s
           WHERE s.course_id = c.id AND s.status IN ('accepted', 'corrected')
           ORDER BY s.decided_at DESC NULLS LAST, s.id DESC LIMIT 1),
          c.category_id) AS category_id
      FROM courses c
      WHERE c.id > ${afterId}
        AND (c.category_id IS NOT NULL
             OR EXISTS (SELECT 1 FROM category_suggestions s WHERE s.course_id = c.id AND s.status IN ('accepted', 'corrected')))
      ORDER BY c.id LIMIT ${limit}
    )
    SELECT p.id, p.title, p.description, p.tags, p.category_id,
      (SELECT array_agg(l.title ORDER BY l.position) FROM (
         SELECT title, position FROM lessons WHERE course_id = p.id ORDER BY position LIMIT ${MAX_LESSONS}) l) AS lessons
    FROM page p JOIN categories k ON k.id = p.category_id AND k.active
    ORDER BY p.id`;
  // The last id of the page before the category filter, so a page of only inactive categories still advances.
  const [last] = await sql<{ id: number }[]>`
    SELECT max(id)::bigint AS id FROM (
      SELECT c.id FROM courses c
      WHERE c.id > ${afterId}
        AND (c.category_id IS NOT NULL
             OR EXISTS (SELECT 1 FROM category_suggestions s WHERE s.course_id = c.id AND s.status IN ('accepted', 'corrected')))
      ORDER BY c.id LIMIT ${limit}) x`;
  return {
    lastId: last?.id ?? afterId,
    rows: rows.map((r) => ({
      courseId: r.id,
      categoryId: r.category_id,
      text: { title: r.title, description: r.description || null, lessonTitles: r.lessons ?? [], tags: r.tags },
    })),
  };
}

/** The text of the given courses (for suggestions on existing courses), with their natural key. */
export async function readCourseTexts(
  sql: Sql,
  ids: number[],
): Promise<{ id: number; naturalKey: string; text: CourseText }[]> {
  if (ids.length === 0) return [];
  const rows = await sql<
    { id: number; natural_key: string; title: string; description: string; tags: string[]; lessons: string[] | null }[]
  >`
    SELECT c.id, c.natural_key, c.title, c.description, c.tags,
      (SELECT array_agg(l.title ORDER BY l.position) FROM (
         SELECT title, position FROM lessons WHERE course_id = c.id ORDER BY position LIMIT ${MAX_LESSONS}) l) AS lessons
    FROM courses c WHERE c.id = ANY(${ids}::bigint[]) ORDER BY c.id`;
  return rows.map((r) => ({
    id: r.id,
    naturalKey: r.natural_key,
    text: { title: r.title, description: r.description || null, lessonTitles: r.lessons ?? [], tags: r.tags },
  }));
}

/**
 * Replaces the pending suggestions of existing courses (import_id NULL) of the given courses by new ones, so
 * asking twice leaves one suggestion per course to review. Decided suggestions stay (history, training).
 */
export async function replaceCourseSuggestions(
  sql: Sql,
  rows: { courseId: number; courseKey: string; categoryId: number; confidence: number; modelVersion: number; suggestedTags: string[] }[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const json = rows.map((r) => ({
    course_id: r.courseId,
    course_key: r.courseKey,
    category_id: r.categoryId,
    confidence: Math.min(1, Math.max(0, r.confidence)),
    model_version: r.modelVersion,
    suggested_tags: r.suggestedTags,
  }));
  return sql.begin(async (tx) => {
    await tx`
      DELETE FROM category_suggestions
      WHERE import_id IS NULL AND status = 'pending' AND course_id = ANY(${rows.map((r) => r.courseId)}::bigint[])`;
    const r = await tx`
      INSERT INTO category_suggestions (course_id, course_key, category_id, confidence, model_version, suggested_tags, applied)
      SELECT v.course_id, v.course_key, v.category_id, v.confidence, v.model_version,
        ARRAY(SELECT jsonb_array_elements_text(v.suggested_tags)), false
      FROM jsonb_to_recordset(${tx.json(json as never)})
        AS v(course_id bigint, course_key text, category_id int, confidence real, model_version int, suggested_tags jsonb)`;
    return r.count;
  }) as Promise<number>;
}

/** A suggestion waiting for review, as the review queue lists it. */
export interface PendingSuggestion {
  id: number;
  courseId: number;
  title: string;
  currentCategory: string | null;
  categoryId: number;
  nameFr: string;
  nameEn: string;
  confidence: number;
  suggestedTags: string[];
  modelVersion: number;
  importId: string | null;
  createdAt: Date;
}

/**
 * Pending suggestions that were not applied automatically and whose course exists (a dry run's suggestion waits
 * for its course), most confident first; `total` counts them all.
 */
export async function listPendingSuggestions(
  sql: Sql,
  limit: number,
  offset: number,
): Promise<{ rows: PendingSuggestion[]; total: number }> {
  const rows = await sql<PendingSuggestion[]>`
    SELECT s.id, s.course_id AS "courseId", c.title, c.category AS "currentCategory", s.category_id AS "categoryId",
      k.name_fr AS "nameFr", k.name_en AS "nameEn", s.confidence, s.suggested_tags AS "suggestedTags",
      s.model_version AS "modelVersion", s.import_id AS "importId", s.created_at AS "createdAt"
    FROM category_suggestions s
    JOIN courses c ON c.id = s.course_id
    JOIN categories k ON k.id = s.category_id
    WHERE s.status = 'pending' AND NOT s.applied
    ORDER BY s.confidence DESC, s.id
    LIMIT ${limit} OFFSET ${offset}`;
  const [c] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM category_suggestions s JOIN courses c ON c.id = s.course_id
    WHERE s.status = 'pending' AND NOT s.applied`;
  return { rows, total: c?.n ?? 0 };
}

/** A review decision could not be applied: `code` is shown translated (categoryReview.error.<code>). */
export class ReviewError extends Error {
  override readonly name = 'ReviewError';
  constructor(
    readonly code: 'not_found' | 'already_decided' | 'category_not_found',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Accepts (`categoryId` null) or corrects (`categoryId` given) one pending suggestion: the suggestion records the
 * decision, and its course gets the category (`category_id`, and `category` set to the category's French name,
 * the catalogue's reference language). Returns the course id (to re-index). Throws ReviewError.
 */
export async function decideSuggestion(
  sql: Sql,
  id: number,
  categoryId: number | null,
  decidedBy: string,
): Promise<number> {
  return sql.begin(async (tx) => {
    const [s] = await tx<{ course_id: number | null; category_id: number; status: string }[]>`
      SELECT course_id, category_id, status FROM category_suggestions WHERE id = ${id} FOR UPDATE`;
    if (!s || s.course_id === null) throw new ReviewError('not_found', `no suggestion ${id} with a course`);
    if (s.status !== 'pending') throw new ReviewError('already_decided', `suggestion ${id} is already ${s.status}`);
    const target = categoryId ?? s.category_id;
    const [k] = await tx<{ name_fr: string }[]>`SELECT name_fr FROM categories WHERE id = ${target} AND active`;
    if (!k) throw new ReviewError('category_not_found', `no active category ${target}`);
    const corrected = categoryId !== null && categoryId !== s.category_id;
    await tx`
      UPDATE category_suggestions SET status = ${corrected ? 'corrected' : 'accepted'},
        corrected_category_id = ${corrected ? target : null}, decided_by = ${decidedBy}, decided_at = now()
      WHERE id = ${id}`;
    await tx`UPDATE courses SET category_id = ${target}, category = ${k.name_fr}, updated_at = now() WHERE id = ${s.course_id}`;
    return s.course_id;
  }) as Promise<number>;
}

/**
 * Accepts every pending, not applied suggestion at or above `minConfidence` (at most `limit`, most confident
 * first). Returns the course ids changed (to re-index).
 */
export async function acceptAbove(sql: Sql, minConfidence: number, decidedBy: string, limit = 5000): Promise<number[]> {
  return sql.begin(async (tx) => {
    const rows = await tx<{ course_id: number }[]>`
      WITH picked AS (
        SELECT s.id FROM category_suggestions s JOIN categories k ON k.id = s.category_id AND k.active
        WHERE s.status = 'pending' AND NOT s.applied AND s.course_id IS NOT NULL AND s.confidence >= ${minConfidence}
        ORDER BY s.confidence DESC, s.id LIMIT ${limit} FOR UPDATE OF s
      ), decided AS (
        UPDATE category_suggestions s SET status = 'accepted', decided_by = ${decidedBy}, decided_at = now()
        FROM picked WHERE s.id = picked.id
        RETURNING s.course_id, s.category_id
      )
      UPDATE courses c SET category_id = d.category_id, category = k.name_fr, updated_at = now()
      FROM decided d JOIN categories k ON k.id = d.category_id
      WHERE c.id = d.course_id
      RETURNING c.id AS course_id`;
    return rows.map((r) => r.course_id);
  }) as Promise<number[]>;
}
