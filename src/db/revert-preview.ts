// What reverting an import would do, course by course, for its confirmation (issue 11: the courses it affects,
// the first 50 and the count). Same sets as restoreBeforeImages (course-revisions.ts): the courses the import
// created are deleted, the ones it changed get their before-image back.
import type { Sql } from './client';

export interface RevertAffectedCourse {
  id: number;
  /** The title now (a course to delete) or in its before-image (a course to restore). */
  title: string;
  effect: 'delete' | 'restore';
}

/** The count of affected courses and the first `limit` of them, deletions first, then by id. */
export async function revertAffectedCourses(sql: Sql, importId: string, limit: number): Promise<{ total: number; courses: RevertAffectedCourse[] }> {
  const rows = await sql<(RevertAffectedCourse & { total: number })[]>`
    WITH affected AS (
      SELECT c.id, c.title, 'delete' AS effect FROM courses c
      WHERE c.created_by_import = ${importId}
        AND NOT EXISTS (SELECT 1 FROM course_revisions rv WHERE rv.import_id = ${importId} AND rv.course_id = c.id)
      UNION ALL
      SELECT rv.course_id, rv.before->>'title', 'restore' FROM course_revisions rv WHERE rv.import_id = ${importId}
    )
    SELECT id, title, effect, count(*) OVER ()::int AS total FROM affected ORDER BY effect, id LIMIT ${limit}`;
  return { total: rows[0]?.total ?? 0, courses: rows.map((r) => ({ id: Number(r.id), title: r.title, effect: r.effect })) };
}
