import type { Sql } from './client';
import type { ActionCounts, FailureReason, ImportInput, ImportStatus, Step } from '../contract';
import type { FileFormat, FileWarning } from '../domain/types';

export interface ImportRecord {
  id: string;
  workflow_id: string;
  sha256: string;
  file_name: string;
  stored_path: string | null;
  source: ImportInput['source'];
  format: FileFormat | null;
  mode: ImportInput['mode'];
  dry_run: boolean;
  size_bytes: number;
  started_by: string | null;
  status: ImportStatus;
  step: Step | null;
  rows_parsed: number;
  rows_normalized: number;
  rows_upserted: number;
  rows_indexed: number;
  /** The rows the parse step expects, estimated before reading (migration 019); null: no estimate for the format. */
  rows_expected?: number | null;
  counts: ActionCounts | null;
  error_code: string | null;
  error_message: string | null;
  /** The failure's parameters (migration 024), for the reader's language; null before it existed or without any. */
  error_params?: FailureReason['params'] | null;
  archived_to: string | null;
  /** File-level warnings written by the parse step (null before it ran). */
  warnings: FileWarning[] | null;
  /** The column mapping profile the import ran with (migration 015), null without one. */
  mapping_profile_name?: string | null;
  mapping_profile_version?: number | null;
  /** When the housekeeping Schedule purged the staged rows that changed nothing (null: all still there). */
  staging_purged_at: Date | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** Creates the ledger row, or takes it over on a retry / a resumed import. */
export async function upsertImport(
  sql: Sql,
  input: ImportInput,
  fields: { workflowId: string; storedPath: string; status: ImportStatus; format?: FileFormat | null },
): Promise<void> {
  await sql`
    INSERT INTO imports (id, workflow_id, sha256, file_name, stored_path, source, format, mode, dry_run, size_bytes, started_by, status, step, started_at)
    VALUES (${input.importId}, ${fields.workflowId}, ${input.sha256}, ${input.fileName}, ${fields.storedPath}, ${input.source},
            ${fields.format ?? null}, ${input.mode}, ${input.dryRun}, ${input.sizeBytes}, ${input.startedBy}, ${fields.status}, 'moveToProcessing', now())
    ON CONFLICT (id) DO UPDATE SET stored_path = EXCLUDED.stored_path, status = EXCLUDED.status,
      format = coalesce(EXCLUDED.format, imports.format), workflow_id = EXCLUDED.workflow_id`;
}

export interface ImportProgressUpdate {
  status?: ImportStatus;
  step?: Step;
  format?: FileFormat;
  rows_parsed?: number;
  rows_normalized?: number;
  rows_upserted?: number;
  rows_indexed?: number;
  rows_expected?: number | null;
  counts?: ActionCounts;
  /** The parse step's file-level warnings (its one writer; an empty list is stored as null). */
  warnings?: readonly FileWarning[];
}

export async function updateImport(sql: Sql, id: string, update: ImportProgressUpdate): Promise<void> {
  const fields = Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined));
  if ('counts' in fields) fields.counts = sql.json(fields.counts as never) as unknown as ActionCounts;
  if ('warnings' in fields) fields.warnings = (update.warnings!.length ? sql.json(update.warnings as never) : null) as unknown as FileWarning[];
  if (Object.keys(fields).length === 0) return;
  await sql`UPDATE imports SET ${sql(fields)} WHERE id = ${id}`;
}

export async function finishImport(
  sql: Sql,
  id: string,
  result: { status: ImportStatus; archivedTo: string | null; error: FailureReason | null },
): Promise<void> {
  const params = result.error?.params ? sql.json(result.error.params as never) : null;
  await sql`
    UPDATE imports SET status = ${result.status}, step = 'done', archived_to = ${result.archivedTo},
      error_code = ${result.error?.code ?? null}, error_message = ${result.error?.message ?? null}, error_params = ${params},
      finished_at = coalesce(finished_at, now())
    WHERE id = ${id}`;
}

/** A file refused before any workflow started (watcher: too large, unknown extension). */
export async function recordRejectedFile(
  sql: Sql,
  rec: { id: string; fileName: string; sha256: string; sizeBytes: number; source: ImportInput['source']; code: string; message: string; params?: FailureReason['params']; archivedTo: string },
): Promise<void> {
  const params = rec.params ? sql.json(rec.params as never) : null;
  await sql`
    INSERT INTO imports (id, workflow_id, sha256, file_name, source, mode, size_bytes, status, step, error_code, error_message, error_params, archived_to, started_at, finished_at)
    VALUES (${rec.id}, '', ${rec.sha256}, ${rec.fileName}, ${rec.source}, 'create_or_update', ${rec.sizeBytes}, 'failed', 'done',
            ${rec.code}, ${rec.message}, ${params}, ${rec.archivedTo}, now(), now())`;
}

export async function getImport(sql: Sql, id: string): Promise<ImportRecord | null> {
  const [row] = await sql<ImportRecord[]>`SELECT * FROM imports WHERE id = ${id}`;
  return row ?? null;
}

export async function latestImportBySha(sql: Sql, sha256: string): Promise<ImportRecord | null> {
  const [row] = await sql<ImportRecord[]>`SELECT * FROM imports WHERE sha256 = ${sha256} ORDER BY created_at DESC LIMIT 1`;
  return row ?? null;
}
