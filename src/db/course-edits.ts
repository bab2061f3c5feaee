// course_edits (migration 018): courses created and edited by hand in the admin, and undone. Each change is one
// transaction that writes the course, its lessons and the change's before-image together, so the history never
// disagrees with the course. Every statement that touches the table lives here.
import { randomUUID } from 'node:crypto';
import type { TransactionSql } from 'postgres';
import type { Sql } from './client';
import type { NormalizedCourse, RowError } from '../domain/types';
import { changedFields, type StoredCourseLike } from '../domain/content-hash';
import { courseAsJson } from './staging';
import { insertCategoryIn } from './categories';

/** What a hand-made change writes: a normalised course, its content hash, and whether it is active. */
export interface CourseWrite {
  course: NormalizedCourse;
  contentHash: string;
  isActive: boolean;
  /**
   * The taxonomy category (issue 14) the course's category value matched, null for none; or `newCategory`, a
   * category to create in the same transaction (UNKNOWN_CATEGORY_POLICY=create). Absent: category_id untouched.
   */
  category?: { id: number | null; newCategory: string | null };
}

/** The category id to write: the matched one, or the one created now in `tx` for a new value; undefined: leave it. */
async function categoryIdToWrite(tx: TransactionSql, w: CourseWrite): Promise<number | null | undefined> {
  if (!w.category) return undefined;
  const name = w.category.newCategory;
  // postgres.js types a transaction apart from a pool; the statements are the same (hence the cast).
  if (name !== null) return (await insertCategoryIn(tx as unknown as Sql, { nameFr: name, nameEn: name, synonyms: [], parentId: null })).id;
  return w.category.id;
}

/** One field's change as the history shows it; `is_active` besides the content fields of content-hash.ts. */
export interface EditChange {
  field: string;
  before: unknown;
  after: unknown;
}

export type CourseEditKind = 'create' | 'update' | 'revert';

export interface CourseEditRecord {
  id: string;
  course_id: number;
  kind: CourseEditKind;
  actor: string;
  changes: EditChange[];
  warnings: RowError[] | null;
  reverts: string | null;
  reverted_at: Date | null;
  reverted_by: string | null;
  created_at: Date;
}

/**
 * Why a change was refused. `stale`: the course changed since the form was opened (or since the edit to undo);
 * `natural_key_taken`: another course already has this identity (external id, else folded title), its id in
 * `otherId`; `not_found`: no such course or edit; `nothing_to_undo`: the edit was already undone.
 */
export class CourseEditRefused extends Error {
  override readonly name = 'CourseEditRefused';
  constructor(
    readonly code: 'stale' | 'natural_key_taken' | 'not_found' | 'nothing_to_undo',
    message: string,
    readonly otherId?: number,
  ) {
    super(message);
  }
}

/** The version a form carries: updated_at in microseconds, as text (a Date would lose PostgreSQL's microseconds). */
const versionOf = (tx: Sql | TransactionSql) => tx`(extract(epoch FROM c.updated_at) * 1000000)::bigint::text`;

/** The before-image of a course, as course_revisions keeps it: the whole row plus its lessons. */
const imageOf = (tx: Sql | TransactionSql) => tx`to_jsonb(c) || jsonb_build_object('lessons',
  (SELECT coalesce(jsonb_agg(to_jsonb(l) ORDER BY l.position), '[]'::jsonb) FROM lessons l WHERE l.course_id = c.id))`;

interface LockedCourse {
  image: Record<string, unknown>;
  current: StoredCourseLike;
  is_active: boolean;
  version: string;
}

async function lockCourse(tx: TransactionSql, id: number): Promise<LockedCourse | null> {
  const [row] = await tx<LockedCourse[]>`
    SELECT ${imageOf(tx)} AS image, ${courseAsJson(tx as unknown as Sql)} AS current, c.is_active, ${versionOf(tx)} AS version
    FROM courses c WHERE c.id = ${id} FOR UPDATE`;
  return row ?? null;
}

/** The course's version (see versionOf) for a form's hidden field; null when there is no such course. */
export async function courseVersion(sql: Sql, id: number): Promise<string | null> {
  const [row] = await sql<{ version: string }[]>`SELECT ${versionOf(sql)} AS version FROM courses c WHERE c.id = ${id}`;
  return row?.version ?? null;
}

async function keyOwner(tx: TransactionSql, naturalKey: string, exceptId: number | null): Promise<number | null> {
  const [row] = await tx<{ id: number }[]>`
    SELECT id FROM courses WHERE natural_key = ${naturalKey} AND (${exceptId}::bigint IS NULL OR id <> ${exceptId}::bigint)`;
  return row ? Number(row.id) : null;
}

function keyTaken(naturalKey: string, otherId: number): CourseEditRefused {
  const what = naturalKey.startsWith('ext:') ? 'external id' : 'title';
  return new CourseEditRefused('natural_key_taken', `another course (${otherId}) already has this ${what}`, otherId);
}

async function writeLessons(tx: TransactionSql, courseId: number, lessons: NormalizedCourse['lessons']): Promise<void> {
  await tx`DELETE FROM lessons WHERE course_id = ${courseId}`;
  if (lessons.length === 0) return;
  await tx`
    INSERT INTO lessons (course_id, position, title, content, video_url)
    SELECT ${courseId}, x."order", x.title, x.content, x.video_url
    FROM jsonb_to_recordset(${tx.json(lessons as never)}) AS x("order" int, title text, content text, video_url text)`;
}

async function recordEdit(
  tx: TransactionSql,
  e: { courseId: number; kind: CourseEditKind; actor: string; before: unknown; changes: EditChange[]; warnings: RowError[] | null; reverts?: string },
): Promise<string> {
  const id = randomUUID();
  await tx`
    INSERT INTO course_edits (id, course_id, kind, actor, before, changes, after_updated_at, warnings, reverts)
    VALUES (${id}, ${e.courseId}, ${e.kind}, ${e.actor}, ${e.before === null ? null : tx.json(e.before as never)},
      ${tx.json(e.changes as never)},
      -- Read in SQL, not through a JS Date (milliseconds): an undo compares it to updated_at to the microsecond.
      coalesce((SELECT updated_at FROM courses WHERE id = ${e.courseId}), now()), ${e.warnings && e.warnings.length ? tx.json(e.warnings as never) : null}, ${e.reverts ?? null})`;
  return id;
}

/** The changes between a stored course (courseAsJson shape plus is_active) and what is written. */
export function editChanges(before: StoredCourseLike, beforeActive: boolean | null, after: NormalizedCourse, afterActive: boolean): EditChange[] {
  // is_active is compared here, from the form's checkbox or the image's column, not by changedFields.
  const changes: EditChange[] = changedFields(before, after).filter((c) => c.field !== 'is_active');
  if (beforeActive !== afterActive) changes.push({ field: 'is_active', before: beforeActive, after: afterActive });
  return changes;
}

/**
 * Creates a course by hand, its lessons and its history record ('create', no before-image) in one transaction.
 * Throws CourseEditRefused('natural_key_taken') when a course with the same identity exists.
 */
export async function createCourse(sql: Sql, w: CourseWrite, actor: string, warnings: RowError[]): Promise<{ id: number; editId: string }> {
  return sql.begin(async (tx) => {
    const other = await keyOwner(tx, w.course.natural_key, null);
    if (other !== null) throw keyTaken(w.course.natural_key, other);
    const c = w.course;
    const [row] = await tx<{ id: number }[]>`
      INSERT INTO courses (natural_key, external_id, title, description, category, instructor, duration_hours, difficulty,
        learning_mode, price, is_free, tags, quality_score, is_active, content_hash)
      VALUES (${c.natural_key}, ${c.external_id}, ${c.title}, ${c.description}, ${c.category}, ${c.instructor}, ${c.duration_hours},
        ${c.difficulty}, ${c.learning_mode}, ${c.price}, ${c.is_free}, ${c.tags}::text[], ${c.quality_score}, ${w.isActive}, ${w.contentHash})
      RETURNING id`;
    const id = Number(row!.id);
    const categoryId = await categoryIdToWrite(tx, w);
    if (categoryId !== undefined) await tx`UPDATE courses SET category_id = ${categoryId} WHERE id = ${id}`;
    await writeLessons(tx, id, c.lessons);
    const changes = editChanges({}, null, c, w.isActive);
    const editId = await recordEdit(tx, { courseId: id, kind: 'create', actor, before: null, changes, warnings });
    return { id, editId };
  });
}

/**
 * Writes an edited course in one transaction: the row (locked), its lessons, and the history record with the
 * course's before-image. `expectedVersion` is the version the form was opened on (courseVersion): a course
 * changed since is refused ('stale') rather than overwritten. Nothing changed: nothing is written, editId null.
 */
export async function updateCourse(
  sql: Sql,
  id: number,
  expectedVersion: string | null,
  w: CourseWrite,
  actor: string,
  warnings: RowError[],
): Promise<{ editId: string | null; changes: EditChange[] }> {
  return sql.begin(async (tx) => {
    const locked = await lockCourse(tx, id);
    if (!locked) throw new CourseEditRefused('not_found', `there is no course ${id}`);
    if (expectedVersion !== null && locked.version !== expectedVersion) {
      throw new CourseEditRefused('stale', 'the course was changed by someone else since this form was opened');
    }
    const changes = editChanges(locked.current, locked.is_active, w.course, w.isActive);
    if (changes.length === 0) return { editId: null, changes };
    const other = await keyOwner(tx, w.course.natural_key, id);
    if (other !== null) throw keyTaken(w.course.natural_key, other);
    const c = w.course;
    await tx`
      UPDATE courses SET natural_key = ${c.natural_key}, external_id = ${c.external_id}, title = ${c.title},
        description = ${c.description}, category = ${c.category}, instructor = ${c.instructor}, duration_hours = ${c.duration_hours},
        difficulty = ${c.difficulty}, learning_mode = ${c.learning_mode}, price = ${c.price}, is_free = ${c.is_free},
        tags = ${c.tags}::text[], quality_score = ${c.quality_score}, is_active = ${w.isActive}, content_hash = ${w.contentHash},
        updated_at = now()
      WHERE id = ${id}`;
    const categoryId = await categoryIdToWrite(tx, w);
    if (categoryId !== undefined) await tx`UPDATE courses SET category_id = ${categoryId} WHERE id = ${id}`;
    await writeLessons(tx, id, c.lessons);
    const editId = await recordEdit(tx, { courseId: id, kind: 'update', actor, before: locked.image, changes, warnings });
    return { editId, changes };
  });
}

/** A before-image as a course of the normalised shape, to list what an undo changes. */
function imageAsCourse(image: Record<string, unknown>): NormalizedCourse {
  const lessons = Array.isArray(image.lessons) ? (image.lessons as Record<string, unknown>[]) : [];
  return {
    ...(image as unknown as NormalizedCourse),
    duration_hours: image.duration_hours === null || image.duration_hours === undefined ? null : Number(image.duration_hours),
    price: Number(image.price),
    lessons: lessons.map((l) => ({ title: String(l.title), content: (l.content as string | null) ?? null, order: Number(l.position), video_url: (l.video_url as string | null) ?? null })),
  };
}

/**
 * Undoes one change, in one transaction: a created course is deleted, an edited one (or one an undo changed) gets
 * its before-image back, lessons included (a course deleted since comes back). The undo is itself a change
 * ('revert', with its own before-image), so it shows in the history and can be undone in turn. Refused
 * ('stale') when the course changed since the change, unless `force`; ('nothing_to_undo') when already undone.
 * Returns the course and whether it exists afterwards (to reindex or remove its search document).
 */
export async function undoCourseEdit(sql: Sql, editId: string, actor: string, force: boolean): Promise<{ courseId: number; exists: boolean; editId: string }> {
  return sql.begin(async (tx) => {
    const [edit] = await tx<{ course_id: number; before: Record<string, unknown> | null; reverted_at: Date | null }[]>`
      SELECT course_id, before, reverted_at FROM course_edits WHERE id = ${editId} FOR UPDATE`;
    if (!edit) throw new CourseEditRefused('not_found', `there is no change ${editId}`);
    if (edit.reverted_at) throw new CourseEditRefused('nothing_to_undo', 'this change was already undone');
    const courseId = Number(edit.course_id);
    const locked = await lockCourse(tx, courseId);
    const [same] = await tx<{ same: boolean }[]>`
      SELECT coalesce((SELECT c.updated_at = e.after_updated_at FROM courses c, course_edits e WHERE c.id = ${courseId} AND e.id = ${editId}), false) AS same`;
    if (!force && !same?.same) {
      throw new CourseEditRefused('stale', 'the course changed since this change (an import, a bulk action or another edit); undo the later changes first, or force the undo');
    }
    let changes: EditChange[];
    let exists: boolean;
    if (edit.before === null) {
      // The change created the course: undoing it deletes the course (its lessons go with it).
      await tx`DELETE FROM courses WHERE id = ${courseId}`;
      changes = [];
      exists = false;
    } else {
      const other = await keyOwner(tx, String(edit.before.natural_key), courseId);
      if (other !== null) throw keyTaken(String(edit.before.natural_key), other);
      const image = edit.before;
      // An upsert, not an update: a course deleted since comes back as it was. updated_at is now (not the image's):
      // a running reindex copies again what changed after it started.
      await tx`
        INSERT INTO courses SELECT (jsonb_populate_record(NULL::courses, ${tx.json(image as never)} || jsonb_build_object('updated_at', now()))).*
        ON CONFLICT (id) DO UPDATE SET
          natural_key = EXCLUDED.natural_key, external_id = EXCLUDED.external_id, title = EXCLUDED.title,
          description = EXCLUDED.description, category = EXCLUDED.category, instructor = EXCLUDED.instructor,
          duration_hours = EXCLUDED.duration_hours, difficulty = EXCLUDED.difficulty, learning_mode = EXCLUDED.learning_mode,
          price = EXCLUDED.price, is_free = EXCLUDED.is_free, tags = EXCLUDED.tags, quality_score = EXCLUDED.quality_score,
          is_active = EXCLUDED.is_active, content_hash = EXCLUDED.content_hash, updated_at = EXCLUDED.updated_at`;
      await tx`DELETE FROM lessons WHERE course_id = ${courseId}`;
      await tx`
        INSERT INTO lessons SELECT (jsonb_populate_record(NULL::lessons, l)).*
        FROM jsonb_array_elements(${tx.json(image as never)}->'lessons') l`;
      changes = editChanges(locked?.current ?? {}, locked ? locked.is_active : null, imageAsCourse(image), Boolean(image.is_active));
      exists = true;
    }
    const undoId = await recordEdit(tx, { courseId, kind: 'revert', actor, before: locked?.image ?? null, changes, warnings: null, reverts: editId });
    await tx`UPDATE course_edits SET reverted_at = now(), reverted_by = ${actor} WHERE id = ${editId}`;
    return { courseId, exists, editId: undoId };
  });
}

/** The hand-made changes of a course, newest first. */
export async function courseEdits(sql: Sql, courseId: number, limit = 50): Promise<CourseEditRecord[]> {
  return sql<CourseEditRecord[]>`
    SELECT id, course_id, kind, actor, changes, warnings, reverts, reverted_at, reverted_by, created_at
    FROM course_edits WHERE course_id = ${courseId} ORDER BY created_at DESC, id LIMIT ${limit}`;
}

/** One change, or null. */
export async function getCourseEdit(sql: Sql, editId: string): Promise<CourseEditRecord | null> {
  const [row] = await sql<CourseEditRecord[]>`
    SELECT id, course_id, kind, actor, changes, warnings, reverts, reverted_at, reverted_by, created_at
    FROM course_edits WHERE id = ${editId}`;
  return row ?? null;
}
