// The import_rows staging table: every statement that touches it lives here.
import type { Sql } from './client';
import type { ActionCounts, PlannedChange, RowErrorRef, WarningRef } from '../contract';
import type { NormalizedCourse, RowError } from '../domain/types';

export async function clearStaging(sql: Sql, importId: string): Promise<void> {
  await sql`DELETE FROM import_rows WHERE import_id = ${importId}`;
}

/** A parsed row with its normalisation beside it (or its errors): what the parse step stages. */
export interface StagedRow {
  row_number: number;
  raw: Record<string, unknown>;
  course: NormalizedCourse | null;
  natural_key: string | null;
  content_hash: string | null;
  errors: RowError[] | null;
  warnings: RowError[] | null;
}

/**
 * Writes rows already serialised as JSON text (one StagedRow each) and plans each one against the courses as they
 * are now: error / create / update / unchanged / skipped by the import's mode, and the course it is about. Planning on the
 * way in (a lookup by natural key, the unique index) spares rewriting every staged row a second time to plan it.
 * The parse step turns each row into text as soon as it is normalised, so a batch waiting for its write holds a
 * few strings, not thousands of short-lived objects (which the worker's small young generation would promote).
 */
export async function insertStagedRows(sql: Sql, importId: string, rowsJson: string[]): Promise<void> {
  if (rowsJson.length === 0) return;
  // One statement per batch; ON CONFLICT makes a resumed parse harmless. Sent as text (a json parameter would
  // be serialised again by the driver) and read as jsonb: the batch is parsed once and each column's value is
  // taken from that tree. Read as json, each jsonb column was lexed a second time from its text: 25 % more of
  // PostgreSQL's CPU for the staging write (2.93 s against 2.16 s for the 24,774 rows of the benchmark's W1 file).
  await sql`
    INSERT INTO import_rows (import_id, row_number, raw, course, natural_key, content_hash, errors, warnings, course_id, action)
    SELECT ${importId}, v.row_number, v.raw, v.course, v.natural_key, v.content_hash, v.errors,
      CASE WHEN p.action = 'skipped'
        THEN coalesce(v.warnings, '[]'::jsonb) || jsonb_build_array(jsonb_build_object('field', '*', 'message',
          CASE WHEN c.id IS NULL THEN 'no such course and the mode is update_only: skipped'
               ELSE 'the course exists and the mode is create_only: skipped' END))
        ELSE v.warnings END,
      c.id, p.action
    FROM jsonb_to_recordset(${`[${rowsJson.join(',')}]`}::text::jsonb)
      AS v(row_number int, raw jsonb, course jsonb, natural_key text, content_hash text, errors jsonb, warnings jsonb)
    CROSS JOIN (SELECT (SELECT mode FROM imports WHERE id = ${importId}) AS mode) i
    LEFT JOIN courses c ON c.natural_key = v.natural_key
    CROSS JOIN LATERAL (SELECT CASE
        WHEN v.errors IS NOT NULL THEN 'error'
        WHEN c.id IS NULL THEN CASE WHEN i.mode = 'update_only' THEN 'skipped' ELSE 'create' END
        -- is_active is outside the hash (content-hash.ts): a file that gives it changes a course whose status differs.
        WHEN c.content_hash = v.content_hash AND (v.course->'is_active' IS NULL OR c.is_active = (v.course->>'is_active')::boolean) THEN 'unchanged'
        WHEN i.mode = 'create_only' THEN 'skipped'
        ELSE 'update'
      END AS action) p
    ON CONFLICT (import_id, row_number) DO NOTHING`;
}

/** Staging grows by thousands of rows at once: fresh statistics keep the set-based statements on hash joins. */
/** Below this many rows an import's plans are cheap whatever the statistics say. */
export const ANALYZE_MIN_ROWS = 1000;

/**
 * Fresh planner statistics after a large staging write (a 20k-row upsert planned on stale statistics took 60 s
 * instead of 2.6 s). Only the columns the pipeline's statements filter and join on: the big jsonb columns are
 * the expensive part of ANALYZE and no plan depends on them. Not SKIP_LOCKED: when autovacuum is analysing
 * the table, skipping left the plans on stale figures (a duplicate check ran for minutes); waiting makes
 * autovacuum give way.
 */
export async function analyzeStaging(sql: Sql, stagedRows: number): Promise<void> {
  if (stagedRows < ANALYZE_MIN_ROWS) return;
  await sql`ANALYZE import_rows (import_id, row_number, natural_key, content_hash, errors, action, course_id)`;
}

export async function lastStagedRow(sql: Sql, importId: string): Promise<number> {
  const [row] = await sql<{ n: number | null }[]>`SELECT max(row_number) AS n FROM import_rows WHERE import_id = ${importId}`;
  return row?.n ?? 0;
}

/**
 * A course that appears twice in one file: the first occurrence is imported, the others become row errors (and
 * their planned action "error").
 */
export async function markDuplicateKeys(sql: Sql, importId: string): Promise<void> {
  // The duplicates are found first, once (MATERIALIZED, usually none): whatever plan the join below gets, it
  // never rescans the window over the whole file for each of its rows.
  await sql`
    WITH dups AS MATERIALIZED (
      SELECT row_number, natural_key, first_row FROM (
        SELECT row_number, natural_key, min(row_number) OVER (PARTITION BY natural_key) AS first_row
        FROM import_rows WHERE import_id = ${importId} AND errors IS NULL AND natural_key IS NOT NULL
      ) w
      WHERE w.row_number > w.first_row
    )
    UPDATE import_rows r SET action = 'error', errors = jsonb_build_array(jsonb_build_object(
        'field', CASE WHEN d.natural_key LIKE 'ext:%' THEN 'external_id' ELSE 'title' END,
        'message', 'same course as row ' || d.first_row || ' of this file; only the first occurrence is imported'))
    FROM dups d
    WHERE r.import_id = ${importId} AND r.row_number = d.row_number`;
}

/** Rows planned as updates, with the course as it is now in the same shape as a normalised course. */
export async function readUpdatesToDiff(
  sql: Sql,
  importId: string,
  afterRow: number,
  limit: number,
): Promise<{ row_number: number; course: NormalizedCourse; current: Record<string, unknown> }[]> {
  return sql`
    SELECT r.row_number, r.course, ${courseAsJson(sql)} AS current
    FROM import_rows r JOIN courses c ON c.id = r.course_id
    WHERE r.import_id = ${importId} AND r.action = 'update' AND r.row_number > ${afterRow}
    ORDER BY r.row_number LIMIT ${limit}`;
}

export async function writeChanges(sql: Sql, importId: string, rows: { row_number: number; changes: unknown }[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    UPDATE import_rows r SET changes = v.changes
    FROM jsonb_to_recordset(${sql.json(rows as never)}) AS v(row_number int, changes jsonb)
    WHERE r.import_id = ${importId} AND r.row_number = v.row_number`;
}

export async function countActions(sql: Sql, importId: string): Promise<ActionCounts> {
  const [c] = await sql<ActionCounts[]>`
    SELECT count(*)::int AS rows,
      count(*) FILTER (WHERE action = 'create')::int AS created,
      count(*) FILTER (WHERE action = 'update')::int AS updated,
      count(*) FILTER (WHERE action = 'unchanged')::int AS unchanged,
      count(*) FILTER (WHERE action = 'skipped')::int AS skipped,
      count(*) FILTER (WHERE action = 'error' OR errors IS NOT NULL)::int AS failed
    FROM import_rows WHERE import_id = ${importId}`;
  return c ?? { rows: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
}

/** The first problems (errors or warnings) of an import's rows, one line per problem, in row order. */
async function sampleRowProblems<T extends object>(sql: Sql, importId: string, column: 'errors' | 'warnings', limit: number): Promise<T[]> {
  // Errors carry the path of their value (JSON, YAML, XML); warnings are shown without it.
  return sql<T[]>`
    SELECT r.row_number AS row, e->>'field' AS field, e->>'message' AS message, e->>'code' AS code, e->'params' AS params${column === 'errors' ? sql`, e->>'path' AS path` : sql``}
    FROM import_rows r, jsonb_array_elements(r.${sql(column)}) e
    WHERE r.import_id = ${importId} AND r.${sql(column)} IS NOT NULL
    ORDER BY r.row_number LIMIT ${limit}`;
}

export async function sampleRowErrors(sql: Sql, importId: string, limit: number): Promise<RowErrorRef[]> {
  const rows = await sampleRowProblems<NullableRef<RowErrorRef>>(sql, importId, 'errors', limit);
  // A path only where the format has one (JSON, YAML, XML): no `path: null` in summaries of CSV files; a code only
  // on rows stored since codes exist.
  return rows.map(({ path, ...e }) => withCode(path ? { ...e, path } : e));
}

/** The first row warnings of an import, one line per warning, in row order. */
export async function sampleRowWarnings(sql: Sql, importId: string, limit: number): Promise<WarningRef[]> {
  if (limit <= 0) return [];
  const rows = await sampleRowProblems<NullableRef<WarningRef>>(sql, importId, 'warnings', limit);
  return rows.map(withCode);
}

/** A sampled problem as the query gives it: no code nor params on rows stored before codes existed. */
type NullableRef<T extends { code?: string; params?: unknown; path?: string }> = Omit<T, 'code' | 'params' | 'path'> & {
  code: string | null;
  params: T['params'] | null;
  path?: string | null;
};

/** Drops a null code / params (rows stored before issue 11), so the summary holds only what was stored. */
function withCode<T extends { code: string | null; params: unknown }>(e: T): Omit<T, 'code' | 'params'> & { code?: string; params?: Exclude<T['params'], null> } {
  const { code, params, ...rest } = e;
  return code === null ? rest : { ...rest, code, params: (params ?? {}) as Exclude<T['params'], null> };
}

export async function samplePlannedChanges(sql: Sql, importId: string, limit: number): Promise<PlannedChange[]> {
  const rows = await sql<{ row: number; action: 'create' | 'update'; title: string; changes: { field: string }[] | null }[]>`
    SELECT row_number AS row, action, course->>'title' AS title, changes
    FROM import_rows WHERE import_id = ${importId} AND action IN ('create', 'update')
    ORDER BY row_number LIMIT ${limit}`;
  return rows.map((r) => ({ row: r.row, action: r.action, title: r.title, fields: (r.changes ?? []).map((c) => c.field) }));
}

/** The shape of NormalizedCourse, rebuilt from courses + lessons, so before/after compare field by field. */
export function courseAsJson(sql: Sql) {
  return sql`jsonb_build_object(
    'external_id', c.external_id, 'title', c.title, 'description', c.description, 'category', c.category,
    'instructor', c.instructor, 'duration_hours', c.duration_hours, 'difficulty', c.difficulty,
    'learning_mode', c.learning_mode, 'price', c.price, 'is_free', c.is_free, 'tags', to_jsonb(c.tags),
    'quality_score', c.quality_score, 'natural_key', c.natural_key, 'is_active', c.is_active,
    'lessons', (SELECT coalesce(jsonb_agg(jsonb_build_object('title', l.title, 'content', l.content, 'order', l.position,
                  'video_url', l.video_url) ORDER BY l.position), '[]'::jsonb) FROM lessons l WHERE l.course_id = c.id))`;
}
