// Reads for the admin's imports pages: the filtered history, one import's detail, its preview rows and row
// errors (paginated from import_rows), its failed rows for the CSV download.
import type { Sql } from './client';
import type { ImportRecord } from './imports';
import type { ImportSource, ImportStatus } from '../contract';

export interface HistoryFilters {
  status?: ImportStatus;
  source?: ImportSource;
  /** Inclusive day bounds (YYYY-MM-DD), compared with the import's creation time in UTC. */
  from?: string;
  to?: string;
  /** A part of the file name, case-insensitive. */
  fileName?: string;
}

export interface Page<T> {
  rows: T[];
  total: number;
}

export type HistoryRow = Pick<
  ImportRecord,
  'id' | 'workflow_id' | 'file_name' | 'source' | 'mode' | 'dry_run' | 'status' | 'step' | 'started_by' | 'counts' | 'created_at' | 'finished_at' | 'error_message' | 'error_code' | 'error_params'
> & { reverted_at: Date | null };

function likePattern(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listImports(sql: Sql, f: HistoryFilters, offset: number, limit: number): Promise<Page<HistoryRow>> {
  const where = sql`
    WHERE true
    ${f.status ? sql`AND status = ${f.status}` : sql``}
    ${f.source ? sql`AND source = ${f.source}` : sql``}
    ${f.from ? sql`AND created_at >= ${f.from}::date` : sql``}
    ${f.to ? sql`AND created_at < ${f.to}::date + 1` : sql``}
    ${f.fileName ? sql`AND file_name ILIKE ${likePattern(f.fileName)}` : sql``}`;
  const rows = await sql<HistoryRow[]>`
    SELECT id, workflow_id, file_name, source, mode, dry_run, status, step, started_by, counts, created_at, finished_at,
      error_message, error_code, error_params, reverted_at
    FROM imports ${where} ORDER BY created_at DESC, id LIMIT ${limit} OFFSET ${offset}`;
  const [c] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM imports ${where}`;
  return { rows, total: c?.n ?? 0 };
}

export interface ImportDetail extends ImportRecord {
  reverted_at: Date | null;
  reverted_by: string | null;
  revert_counts: { deleted: number; restored: number } | null;
}

export async function importDetail(sql: Sql, id: string): Promise<ImportDetail | null> {
  const [row] = await sql<ImportDetail[]>`SELECT * FROM imports WHERE id = ${id}`;
  return row ?? null;
}

export const PREVIEW_ACTIONS = ['create', 'update', 'unchanged', 'skipped', 'error'] as const;
export type PreviewAction = (typeof PREVIEW_ACTIONS)[number];

export interface PreviewRow {
  row_number: number;
  action: PreviewAction | null;
  title: string | null;
  changes: { field: string; before: unknown; after: unknown }[] | null;
  /** As stored: with `code` and `params` since issue 11 (the page renders them in the reader's language). */
  errors: { field: string; message: string; code?: string; params?: Record<string, string | number | boolean | null> }[] | null;
  warnings: { field: string; message: string; code?: string; params?: Record<string, string | number | boolean | null> }[] | null;
  /** A row to create: its main fields (issue 11: the preview shows what a new course will be, not only its title). */
  created: { category: string | null; difficulty: string; learning_mode: string; price: number; is_free: boolean; duration_hours: number | null; lessons: number } | null;
}

/** The plan of each row, as the dry run's preview table shows it. */
export async function previewRows(sql: Sql, importId: string, action: PreviewAction | undefined, offset: number, limit: number): Promise<Page<PreviewRow>> {
  const where = sql`WHERE import_id = ${importId} ${action ? sql`AND action = ${action}` : sql``}`;
  const rows = await sql<PreviewRow[]>`
    SELECT row_number, action, coalesce(course->>'title', raw->>'title') AS title, changes, errors, warnings,
      CASE WHEN action = 'create' AND course IS NOT NULL THEN jsonb_build_object(
        'category', course->'category', 'difficulty', course->'difficulty', 'learning_mode', course->'learning_mode',
        'price', course->'price', 'is_free', course->'is_free', 'duration_hours', course->'duration_hours',
        'lessons', jsonb_array_length(coalesce(course->'lessons', '[]'::jsonb))) END AS created
    FROM import_rows ${where} ORDER BY row_number LIMIT ${limit} OFFSET ${offset}`;
  const [c] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM import_rows ${where}`;
  return { rows, total: c?.n ?? 0 };
}

/**
 * The course a row of an import is about, as an id: the course the upsert wrote for it (import_courses), else the
 * existing course it was planned against (import_rows.course_id); null for a row to create not yet written, an
 * error or an unknown row.
 */
export async function courseOfRow(sql: Sql, importId: string, rowNumber: number): Promise<number | null> {
  const [ref] = await sql<{ course_id: string | null }[]>`
    SELECT coalesce(a.course_id, r.course_id) AS course_id
    FROM import_rows r LEFT JOIN import_courses a ON a.import_id = r.import_id AND a.row_number = r.row_number
    WHERE r.import_id = ${importId} AND r.row_number = ${rowNumber}`;
  return ref?.course_id ? Number(ref.course_id) : null;
}

export interface RowErrorLine {
  row: number;
  field: string;
  message: string;
  /** Where the value is in a JSON, YAML or XML file (see RowErrorRef.path); null for CSV and sheets. */
  path: string | null;
  /** The problem's code and values (issue 11), null on rows stored before: pages render them in the reader's language. */
  code: string | null;
  params: Record<string, string | number | boolean | null> | null;
}

/** One line per error (a row may have several), in row order. */
export async function rowErrorsPage(sql: Sql, importId: string, offset: number, limit: number): Promise<Page<RowErrorLine>> {
  const rows = await sql<RowErrorLine[]>`
    SELECT r.row_number AS row, e->>'field' AS field, e->>'message' AS message, e->>'path' AS path, e->>'code' AS code, e->'params' AS params
    FROM import_rows r, jsonb_array_elements(r.errors) e
    WHERE r.import_id = ${importId} AND r.errors IS NOT NULL
    ORDER BY r.row_number, e->>'field' LIMIT ${limit} OFFSET ${offset}`;
  const [c] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM import_rows r, jsonb_array_elements(r.errors) e
    WHERE r.import_id = ${importId} AND r.errors IS NOT NULL`;
  return { rows, total: c?.n ?? 0 };
}

export interface FailedRow {
  row_number: number;
  raw: Record<string, unknown>;
  errors: { field: string; message: string; code?: string; params?: Record<string, string | number | boolean | null> }[];
}

/** Rows with errors, as read from the file, a page at a time (keyset on the row number). */
export async function failedRowsBatch(sql: Sql, importId: string, afterRow: number, limit: number): Promise<FailedRow[]> {
  return sql<FailedRow[]>`
    SELECT row_number, raw, errors FROM import_rows
    WHERE import_id = ${importId} AND errors IS NOT NULL AND row_number > ${afterRow}
    ORDER BY row_number LIMIT ${limit}`;
}

/** The column names of the rows that failed, as the file named them (jsonb keeps no order: the caller orders them). */
export async function failedRowColumns(sql: Sql, importId: string): Promise<string[]> {
  const rows = await sql<{ key: string }[]>`
    SELECT DISTINCT k AS key FROM import_rows r, jsonb_object_keys(r.raw) k
    WHERE r.import_id = ${importId} AND r.errors IS NOT NULL`;
  return rows.map((r) => r.key);
}

/**
 * The ledger row of an upload, written before its workflow starts, so the import's page and status URL answer
 * at once; the workflow's first step takes the row over (same id).
 */
export async function recordQueuedImport(
  sql: Sql,
  r: { id: string; workflowId: string; sha256: string; fileName: string; source: ImportSource; mode: string; dryRun: boolean; sizeBytes: number; startedBy: string },
): Promise<void> {
  await sql`
    INSERT INTO imports (id, workflow_id, sha256, file_name, source, mode, dry_run, size_bytes, started_by, status, step)
    VALUES (${r.id}, ${r.workflowId}, ${r.sha256}, ${r.fileName}, ${r.source}, ${r.mode}, ${r.dryRun}, ${r.sizeBytes}, ${r.startedBy}, 'queued', 'moveToProcessing')
    ON CONFLICT (id) DO NOTHING`;
}

/** A queued row whose workflow never started (the same content was already running). */
export async function forgetQueuedImport(sql: Sql, id: string): Promise<void> {
  await sql`DELETE FROM imports WHERE id = ${id} AND status = 'queued'`;
}
