// course_revisions: the before-images an import's upsert saves, and the set-based restore that a revert
// or a cancelled import runs with them. Every statement that touches the table lives here.
import type { Sql, TransactionSql } from 'postgres';

/**
 * Saves, inside the upsert's transaction, the rows the upsert is about to change: an existing course with the
 * same natural key and another content hash. The image is the whole courses row plus its lessons.
 * ON CONFLICT DO NOTHING: a retried upsert keeps the first image, the one from before the import.
 */
export async function snapshotBeforeImages(tx: TransactionSql, importId: string): Promise<void> {
  await tx`
    INSERT INTO course_revisions (import_id, course_id, before)
    SELECT ${importId}::uuid, c.id, to_jsonb(c) || jsonb_build_object('lessons',
      (SELECT coalesce(jsonb_agg(to_jsonb(l) ORDER BY l.position), '[]'::jsonb) FROM lessons l WHERE l.course_id = c.id))
    FROM courses c JOIN import_rows r ON r.import_id = ${importId} AND r.natural_key = c.natural_key
    -- The import's keys are gathered first and looked up in the courses' unique index: as a plain join the planner
    -- merged against the whole natural-key index, a pass over every course of the catalogue (issue 17's W5).
    WHERE c.natural_key = ANY(ARRAY(
        SELECT k.natural_key FROM import_rows k WHERE k.import_id = ${importId} AND k.action IN ('create', 'update')))
      AND r.action IN ('create', 'update')
      AND (c.content_hash IS DISTINCT FROM r.content_hash OR c.is_active IS DISTINCT FROM coalesce((r.course->>'is_active')::boolean, c.is_active))
    -- Locked until the upsert commits: another import cannot change a course between its image and its update.
    FOR UPDATE OF c
    ON CONFLICT (import_id, course_id) DO NOTHING`;
}

export interface LaterImport {
  id: string;
  file_name: string;
  status: string;
  created_at: Date;
  courses: number;
}

/**
 * Imports started after this one, not reverted, that wrote at least one of the courses this one wrote. A later
 * import can only change an existing course, so its row was planned against it at staging (import_rows.course_id,
 * import_rows_course_idx) and import_courses says whether it was written.
 */
export async function laterImportsTouchingSameCourses(sql: Sql, importId: string): Promise<LaterImport[]> {
  return sql<LaterImport[]>`
    WITH mine AS (SELECT course_id FROM import_courses WHERE import_id = ${importId}),
    me AS (SELECT created_at FROM imports WHERE id = ${importId})
    SELECT i.id, i.file_name, i.status, i.created_at, count(DISTINCT a.course_id)::int AS courses
    FROM import_rows r JOIN mine m ON m.course_id = r.course_id
      JOIN import_courses a ON a.import_id = r.import_id AND a.row_number = r.row_number AND a.course_id = r.course_id
      JOIN imports i ON i.id = r.import_id, me
    WHERE r.import_id <> ${importId} AND i.created_at > me.created_at AND i.reverted_at IS NULL
    GROUP BY i.id ORDER BY i.created_at`;
}

export interface RevertPlan {
  /** Courses the import created: they are deleted. */
  created: number;
  /** Courses the import changed: they get their before-image back. */
  updated: number;
}

export async function revertPlan(sql: Sql, importId: string): Promise<RevertPlan> {
  const [row] = await sql<RevertPlan[]>`
    SELECT (SELECT count(*)::int FROM courses WHERE created_by_import = ${importId}) AS created,
           (SELECT count(*)::int FROM course_revisions WHERE import_id = ${importId}) AS updated`;
  return row ?? { created: 0, updated: 0 };
}

/**
 * Puts PostgreSQL back as it was before the import, in one transaction: deletes the courses it created
 * (their lessons go with them) and restores the before-image of each course it changed, lessons included.
 * Running it twice gives the same result, so a retried activity is harmless.
 */
export async function restoreBeforeImages(sql: Sql, importId: string): Promise<{ deleted: number; restored: number }> {
  return sql.begin(async (tx) => {
    const deleted = await tx`
      DELETE FROM courses c WHERE c.created_by_import = ${importId}
        AND NOT EXISTS (SELECT 1 FROM course_revisions rv WHERE rv.import_id = ${importId} AND rv.course_id = c.id)`;
    // An upsert, not an update: a course deleted since (by a bulk action) comes back as it was.
    const restored = await tx`
      INSERT INTO courses SELECT (jsonb_populate_record(NULL::courses, rv.before)).*
      FROM course_revisions rv WHERE rv.import_id = ${importId}
      ON CONFLICT (id) DO UPDATE SET
        natural_key = EXCLUDED.natural_key, external_id = EXCLUDED.external_id, title = EXCLUDED.title,
        description = EXCLUDED.description, category = EXCLUDED.category, instructor = EXCLUDED.instructor,
        duration_hours = EXCLUDED.duration_hours, difficulty = EXCLUDED.difficulty, learning_mode = EXCLUDED.learning_mode,
        price = EXCLUDED.price, is_free = EXCLUDED.is_free, tags = EXCLUDED.tags, quality_score = EXCLUDED.quality_score,
        is_active = EXCLUDED.is_active, content_hash = EXCLUDED.content_hash, created_at = EXCLUDED.created_at,
        updated_at = EXCLUDED.updated_at, created_by_import = EXCLUDED.created_by_import,
        updated_by_import = EXCLUDED.updated_by_import`;
    // The restored courses' ids first, then lessons' primary key: as a join it was a pass over every lesson.
    await tx`
      DELETE FROM lessons l
      WHERE l.course_id = ANY(ARRAY(SELECT rv.course_id FROM course_revisions rv WHERE rv.import_id = ${importId}))`;
    await tx`
      INSERT INTO lessons SELECT (jsonb_populate_record(NULL::lessons, l)).*
      FROM course_revisions rv, jsonb_array_elements(rv.before->'lessons') l WHERE rv.import_id = ${importId}`;
    return { deleted: deleted.count, restored: restored.count };
  });
}

/**
 * The courses a revert touched, a page at a time by id, each with whether it still exists: existing ones are
 * reindexed, missing ones are removed from Elasticsearch.
 */
export async function revertedCoursesPage(sql: Sql, importId: string, afterId: number, limit: number): Promise<{ id: number; exists: boolean }[]> {
  return sql<{ id: number; exists: boolean }[]>`
    SELECT t.id, EXISTS (SELECT 1 FROM courses c WHERE c.id = t.id) AS exists
    FROM (
      SELECT course_id AS id FROM import_courses WHERE import_id = ${importId}
      UNION SELECT course_id FROM course_revisions WHERE import_id = ${importId}
    ) t
    WHERE t.id > ${afterId} ORDER BY t.id LIMIT ${limit}`;
}

export async function markReverted(sql: Sql, importId: string, by: string | null, counts: { deleted: number; restored: number }): Promise<void> {
  await sql`
    UPDATE imports SET reverted_at = coalesce(reverted_at, now()), reverted_by = coalesce(reverted_by, ${by}),
      revert_counts = coalesce(revert_counts, ${sql.json(counts)})
    WHERE id = ${importId}`;
}

export async function revertedAt(sql: Sql, importId: string): Promise<Date | null> {
  const [row] = await sql<{ reverted_at: Date | null }[]>`SELECT reverted_at FROM imports WHERE id = ${importId}`;
  return row?.reverted_at ?? null;
}
