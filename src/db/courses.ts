// courses and lessons: the set-based upsert from staging, and the reads that feed Elasticsearch.
import type { Sql } from './client';
import type { ImportInput } from '../contract';
import { snapshotBeforeImages } from './course-revisions';

/**
 * Applies the planned rows of an import in one transaction: courses by natural key, then their lessons.
 * Each course written (created or changed) is recorded in import_courses with its row number: the lessons, the
 * index step, a revert and the course's history read it. Returns how many courses were written.
 * Re-running it changes nothing: an unchanged content hash makes ON CONFLICT skip the row, and the lessons of the
 * courses recorded by the first run are replaced by the same ones. Throws PostgreSQL's error (the transaction is
 * rolled back whole).
 */
export async function applyImport(
  sql: Sql,
  importId: string,
  mode: ImportInput['mode'],
  opts: { chunkRows?: number; onProgress?: (rowsDone: number, rowsTotal: number) => void } = {},
): Promise<number> {
  return sql.begin(async (tx) => {
    // A file that gives is_active sets it; a file that does not leaves an existing course's status alone (a new
    // course is active). Each chunk runs one statement for each kind of row (usually one of them finds none), so
    // that neither looks the course up row by row: that lookup, planned once by the driver's prepared statement
    // while `courses` was empty (a catalogue emptied and analysed), scanned the whole table for every row as the
    // chunks filled it, every chunk slower than the last: 4.4M rows read for a 3,000-row import, a 25k-row first
    // import 4 times slower (benchmark W1: 81 s instead of 20). Forcing a new plan for each chunk also cured it,
    // but the lessons' foreign-key checks were then planned one by one too: twice as long.
    // A new fragment per statement (one for each chunk below).
    const onConflict = (fileGivesStatus: boolean) =>
      mode === 'create_only'
        ? tx`ON CONFLICT (natural_key) DO NOTHING`
        : tx`ON CONFLICT (natural_key) DO UPDATE SET
            external_id = EXCLUDED.external_id, title = EXCLUDED.title, description = EXCLUDED.description,
            category = EXCLUDED.category, instructor = EXCLUDED.instructor, duration_hours = EXCLUDED.duration_hours,
            difficulty = EXCLUDED.difficulty, learning_mode = EXCLUDED.learning_mode, price = EXCLUDED.price,
            is_free = EXCLUDED.is_free, tags = EXCLUDED.tags, quality_score = EXCLUDED.quality_score,
            content_hash = EXCLUDED.content_hash, updated_at = now(), updated_by_import = EXCLUDED.updated_by_import,
            ${fileGivesStatus ? tx`is_active = EXCLUDED.is_active,` : tx``}
            -- The taxonomy category the plan chose (issue 14); none chosen: the course keeps its own.
            category_id = coalesce(EXCLUDED.category_id, courses.category_id)
          WHERE courses.content_hash IS DISTINCT FROM EXCLUDED.content_hash
            ${fileGivesStatus ? tx`OR courses.is_active IS DISTINCT FROM EXCLUDED.is_active` : tx``}
            OR (EXCLUDED.category_id IS NOT NULL AND courses.category_id IS DISTINCT FROM EXCLUDED.category_id)`;
    // Before-images of exactly the courses the statement below is about to change (same key, other hash),
    // so a revert or a cancellation can put them back. create_only never changes an existing course.
    if (mode !== 'create_only') await snapshotBeforeImages(tx, importId);
    // The rows to write, cut into chunks of row numbers: still one transaction (all or nothing), but the caller
    // hears after each chunk how far it is (the import page's progress bar, issue 11). Within create/update rows
    // each natural key appears once (markDuplicateKeys), so chunking changes nothing to what is written.
    // Only each chunk's first and last row number come to the worker (issue 17): every row number of a
    // 1M-row file would be a million objects in its 192 MB heap.
    const chunk = Math.max(1, opts.chunkRows ?? 1000);
    const chunks = await tx<{ lo: number; hi: number; done: number }[]>`
      SELECT min(row_number) AS lo, max(row_number) AS hi, max(k)::int AS done
      FROM (SELECT row_number, row_number() OVER (ORDER BY row_number) AS k
            FROM import_rows WHERE import_id = ${importId} AND action IN ('create', 'update')) n
      GROUP BY (k - 1) / ${chunk} ORDER BY lo`;
    const total = chunks.at(-1)?.done ?? 0;
    let written = 0;
    for (const { lo, hi, done } of chunks) {
      for (const fileGivesStatus of [false, true]) {
        const recorded = await tx`
        WITH up AS (
          INSERT INTO courses (natural_key, external_id, title, description, category, instructor, duration_hours,
            difficulty, learning_mode, price, is_free, tags, quality_score, is_active, content_hash, created_by_import, updated_by_import, category_id)
          SELECT r.natural_key, r.course->>'external_id', r.course->>'title', r.course->>'description', r.course->>'category',
            r.course->>'instructor', (r.course->>'duration_hours')::numeric, r.course->>'difficulty', r.course->>'learning_mode',
            (r.course->>'price')::numeric, (r.course->>'is_free')::boolean,
            ARRAY(SELECT jsonb_array_elements_text(r.course->'tags')), (r.course->>'quality_score')::smallint,
            coalesce((r.course->>'is_active')::boolean, true),
            r.content_hash, ${importId}::uuid, ${importId}::uuid, r.category_id
          FROM import_rows r
          WHERE r.import_id = ${importId} AND r.action IN ('create', 'update') AND r.row_number BETWEEN ${lo} AND ${hi}
            AND ((r.course->>'is_active') IS NOT NULL) = ${fileGivesStatus}
          ${onConflict(fileGivesStatus)}
          RETURNING id, natural_key
        )
        -- Each course written, with its row, into import_courses (migration 028): a narrow row, not a new version
        -- of the whole staged row. The staged row is found by its key (import_rows_key_idx), only read.
        -- A course rewritten by a retry after a commit gets its row again (same row, perhaps another id if it was
        -- deleted and created anew meanwhile).
        INSERT INTO import_courses (import_id, row_number, course_id)
        SELECT ${importId}::uuid, r.row_number, up.id
        FROM up JOIN import_rows r ON r.import_id = ${importId} AND r.natural_key = up.natural_key
          AND r.action IN ('create', 'update') AND r.row_number BETWEEN ${lo} AND ${hi}
        ON CONFLICT (import_id, row_number) DO UPDATE SET course_id = EXCLUDED.course_id`;
        written += recorded.count;
      }
      opts.onProgress?.(done, total);
    }
    // The lessons of the courses written (import_courses) are replaced. Their ids are gathered first (an InitPlan) and looked up in
    // lessons' primary key: written as a join, the planner hashed the import's rows and read every lesson of the
    // catalogue (4.0 s on 7.7M lessons for a 2,478-course update; 60 ms this way, issue 17's W5).
    await tx`
      DELETE FROM lessons l
      WHERE l.course_id = ANY(ARRAY(SELECT a.course_id FROM import_courses a WHERE a.import_id = ${importId}))`;
    await tx`
      INSERT INTO lessons (course_id, position, title, content, video_url)
      SELECT a.course_id, (l->>'order')::int, l->>'title', l->>'content', l->>'video_url'
      FROM import_courses a JOIN import_rows r ON r.import_id = a.import_id AND r.row_number = a.row_number,
        jsonb_array_elements(r.course->'lessons') l
      WHERE a.import_id = ${importId}`;
    return written;
  });
}
