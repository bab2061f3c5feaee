// The Elasticsearch documents of courses, built by PostgreSQL as JSON text. Indexing is the heaviest step of an
// import and of a reindex: building the JSON in the query (json_build_object is C) and handing the text to
// `_bulk` as it is spares this process parsing every row's lessons and serialising them again, CPU that
// Elasticsearch needs on a small machine.
import type { Sql } from './client';
import type { NormalizedCourse, NormalizedLesson } from '../domain/types';

/** The shape of a course in the search index (what the JSON text below holds): the course's fields, plus these. */
export interface CourseDocument extends Omit<NormalizedCourse, 'lessons' | 'natural_key'> {
  id: number;
  is_active: boolean;
  lessons: Pick<NormalizedLesson, 'title' | 'content'>[];
  /** Completion input: the title, and also the instructor and tags, which admins type just as often. */
  suggest: { input: string[] };
  /** The taxonomy category (issue 14) and its names; null when the course has none. */
  category_id: number | null;
  category_name_fr: string | null;
  category_name_en: string | null;
  created_at: string;
  updated_at: string;
}

/** One course ready for `_bulk`: its id (the document's `_id`) and its document as JSON text. */
export interface IndexableCourse {
  id: number;
  doc: string;
}

const documentJson = (sql: Sql) => sql`
  c.id, json_build_object(
    'id', c.id, 'external_id', c.external_id, 'title', c.title, 'description', c.description,
    'category', c.category, 'instructor', c.instructor, 'duration_hours', c.duration_hours,
    'difficulty', c.difficulty, 'learning_mode', c.learning_mode, 'price', c.price, 'is_free', c.is_free,
    'tags', c.tags, 'quality_score', c.quality_score, 'is_active', c.is_active,
    -- The taxonomy category (issue 14): its id for facets and filters, its names in both languages for search.
    'category_id', c.category_id,
    'category_name_fr', (SELECT k.name_fr FROM categories k WHERE k.id = c.category_id),
    'category_name_en', (SELECT k.name_en FROM categories k WHERE k.id = c.category_id),
    'created_at', c.created_at, 'updated_at', c.updated_at,
    'lessons', (SELECT coalesce(json_agg(json_build_object('title', l.title, 'content', l.content) ORDER BY l.position), '[]'::json)
                FROM lessons l WHERE l.course_id = c.id),
    'suggest', json_build_object('input', (SELECT coalesce(json_agg(s), '[]'::json)
                FROM unnest(ARRAY[c.title, c.instructor] || c.tags) s WHERE s <> ''))
  )::text AS doc`;

/**
 * One page of courses to index: `last` when no page follows it (the read found fewer than its limit), so that
 * the caller does not ask again for nothing.
 */
export interface CoursePage {
  courses: IndexableCourse[];
  last: boolean;
}

/** A page of a read that returns the first `limit` matching courses after an id: a shorter page is the last. */
export async function pageOf(courses: Promise<IndexableCourse[]>, limit: number): Promise<CoursePage> {
  const page = await courses;
  return { courses: page, last: page.length < limit };
}

/**
 * Courses an import created or changed, in id order, a page at a time (keyset pagination). `last` comes from the
 * ids read, not the documents found: a course deleted since the upsert makes a page shorter without ending it.
 */
export async function documentsTouchedByImport(sql: Sql, importId: string, afterId: number, limit: number): Promise<CoursePage> {
  // The page's ids come first, from import_courses_course_idx (one row per course written: a course appearing
  // twice in a file is a row error), so a page costs its own rows, not a pass over the whole import. They are
  // looked up as an array (= ANY of an InitPlan, an index scan of courses_pkey) rather than `IN (subquery)`:
  // right after the first import into an empty catalogue, courses' statistics still say it is empty, and the
  // planner joined the page against a sequential scan of every course, once per page (W1: 0.4 s per page of
  // 500, 20 s of PostgreSQL for one 25k-course import, issue 17).
  // The number of ids read comes with each row (an InitPlan over the same materialised ids).
  const rows = await sql<(IndexableCourse & { ids_read: number })[]>`
    WITH ids AS MATERIALIZED (
      SELECT course_id FROM import_courses
      WHERE import_id = ${importId} AND course_id > ${afterId}
      ORDER BY course_id LIMIT ${limit})
    SELECT ${documentJson(sql)}, (SELECT count(*) FROM ids)::int AS ids_read FROM courses c
    WHERE c.id = ANY(ARRAY(SELECT course_id FROM ids))
    ORDER BY c.id`;
  return { courses: rows.map(({ id, doc }) => ({ id, doc })), last: (rows[0]?.ids_read ?? 0) < limit };
}

/** Every course, a page at a time: the source of a full reindex. */
export async function allDocuments(sql: Sql, afterId: number, limit: number): Promise<IndexableCourse[]> {
  return sql<IndexableCourse[]>`SELECT ${documentJson(sql)} FROM courses c WHERE c.id > ${afterId} ORDER BY c.id LIMIT ${limit}`;
}

/** Courses changed at or after `since`, a page at a time: what a reindex re-copies before it switches. */
export async function documentsUpdatedSince(sql: Sql, since: Date, afterId: number, limit: number): Promise<IndexableCourse[]> {
  return sql<IndexableCourse[]>`
    SELECT ${documentJson(sql)} FROM courses c WHERE c.updated_at >= ${since} AND c.id > ${afterId} ORDER BY c.id LIMIT ${limit}`;
}

/** The documents of some courses (bulk actions, a revert's restored courses). */
export async function documentsByIds(sql: Sql, ids: number[]): Promise<IndexableCourse[]> {
  if (ids.length === 0) return [];
  return sql<IndexableCourse[]>`SELECT ${documentJson(sql)} FROM courses c WHERE c.id = ANY(${ids}::bigint[]) ORDER BY c.id`;
}

/**
 * The courses of a taxonomy category (null: of every category), a page at a time in id order: what a rename, a
 * merge or the seeding of the taxonomy re-indexes (issue 14).
 */
export async function documentsOfCategory(sql: Sql, categoryId: number | null, afterId: number, limit: number): Promise<IndexableCourse[]> {
  return sql<IndexableCourse[]>`
    SELECT ${documentJson(sql)} FROM courses c
    WHERE ${categoryId === null ? sql`c.category_id IS NOT NULL` : sql`c.category_id = ${categoryId}`} AND c.id > ${afterId}
    ORDER BY c.id LIMIT ${limit}`;
}
