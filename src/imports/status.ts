// What GET /api/imports/:id answers and the import page polls: the ledger row, the run's live progress
// (a workflow query while it is open), the counts and the first row errors.
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Sql } from '../db/client';
import { importDetail, type ImportDetail } from '../db/import-history';
import { sampleRowErrors, sampleRowWarnings } from '../db/staging';
import { progressQuery, type ActionCounts, type FailureReason, type Progress, type RowErrorRef, type WarningRef } from '../contract';
import { furthest, stepProgress, type StepProgress } from './step-progress';
import { workflowWebUiUrl } from '../temporal/web-ui';

import { OPEN_STATUSES } from '../contract';
export { OPEN_STATUSES };
export const FIRST_ERRORS = 20;

export interface ImportStatusView {
  importId: string;
  workflowId: string;
  fileName: string;
  source: string;
  mode: string;
  dryRun: boolean;
  startedBy: string | null;
  /** The column mapping profile the import reads its file with (issue 12), null without one. */
  mappingProfile: { name: string; version: number | null } | null;
  status: string;
  step: string | null;
  open: boolean;
  progress: { parsed: number; normalized: number; upserted: number; indexed: number };
  /** How far the running step is, out of how many rows (issue 11); null between steps with rows to count. */
  stepProgress: StepProgress | null;
  counts: ActionCounts | null;
  error: FailureReason | null;
  errors: RowErrorRef[];
  /** The file's warnings (all of them, bounded when stored), then the first row warnings. */
  warnings: WarningRef[];
  createdAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  archivedTo: string | null;
  reverted: { at: Date; by: string | null; counts: { deleted: number; restored: number } | null } | null;
  links: { self: string; page: string; temporal: string | null };
}

/** The import's run in the Temporal Web UI, or null for a ledger row that never got a workflow id. */
export function temporalRunUrl(config: Pick<Config, 'temporal'>, workflowId: string): string | null {
  return workflowId ? workflowWebUiUrl(config.temporal, workflowId) : null;
}

/** The run's own view, when a worker answers quickly; the ledger mirrors it anyway, a bit behind. */
async function liveProgress(client: Client, workflowId: string): Promise<Progress | null> {
  const timeout = new Promise<null>((resolve) => setTimeout(resolve, 1500, null).unref());
  const query = client.workflow.getHandle(workflowId).query(progressQuery).catch(() => null);
  return Promise.race([query, timeout]);
}

export function statusView(imp: ImportDetail, config: Pick<Config, 'temporal'>, live: Progress | null, errors: RowErrorRef[], rowWarnings: WarningRef[] = []): ImportStatusView {
  const open = OPEN_STATUSES.includes(imp.status) && !imp.finished_at;
  const useLive = open && live !== null && live.importId === imp.id;
  const ledger = { parsed: imp.rows_parsed, normalized: imp.rows_normalized, upserted: imp.rows_upserted, indexed: imp.rows_indexed };
  // The workflow's counters move between steps, the ledger's within one (the activities write them as they go).
  const progress = useLive ? furthest({ parsed: live.parsed, normalized: live.normalized, upserted: live.upserted, indexed: live.indexed }, ledger) : ledger;
  const step = useLive ? live.step : imp.step;
  const counts = (useLive ? live.counts : null) ?? imp.counts;
  return {
    importId: imp.id,
    workflowId: imp.workflow_id,
    fileName: imp.file_name,
    source: imp.source,
    mode: imp.mode,
    dryRun: imp.dry_run,
    startedBy: imp.started_by,
    mappingProfile: imp.mapping_profile_name ? { name: imp.mapping_profile_name, version: imp.mapping_profile_version ?? null } : null,
    status: useLive ? live.status : imp.status,
    step,
    open,
    progress,
    stepProgress: open ? stepProgress(step, progress, { expected: imp.rows_expected, counts }) : null,
    counts,
    error: imp.error_code ? { code: imp.error_code, message: imp.error_message ?? '', ...(imp.error_params ? { params: imp.error_params } : {}) } : useLive ? live.error : null,
    errors,
    warnings: [...(imp.warnings ?? []), ...rowWarnings],
    createdAt: imp.created_at,
    finishedAt: imp.finished_at,
    durationMs: imp.finished_at ? imp.finished_at.getTime() - (imp.started_at ?? imp.created_at).getTime() : null,
    archivedTo: imp.archived_to,
    reverted: imp.reverted_at ? { at: imp.reverted_at, by: imp.reverted_by, counts: imp.revert_counts } : null,
    links: { self: `/api/imports/${imp.id}`, page: `/admin-dashboard/imports/${imp.id}/`, temporal: temporalRunUrl(config, imp.workflow_id) },
  };
}

export async function importStatus(deps: { sql: Sql; temporal: Client; config: Pick<Config, 'temporal'> }, id: string): Promise<ImportStatusView | null> {
  const first = await importDetail(deps.sql, id);
  if (!first) return null;
  const open = OPEN_STATUSES.includes(first.status) && !first.finished_at;
  const live = open && first.workflow_id ? await liveProgress(deps.temporal, first.workflow_id) : null;
  // The steps write the ledger before the workflow moves on: read after the live state, the ledger holds everything
  // up to it. Read before it, a small file's steps (local activities, tens of milliseconds) could be past the parse
  // by the time the query answers, and the page would show the preview without the file's warnings.
  const [imp, errors, rowWarnings] = await Promise.all([
    live ? importDetail(deps.sql, id).then((again) => again ?? first) : Promise.resolve(first),
    sampleRowErrors(deps.sql, id, FIRST_ERRORS),
    sampleRowWarnings(deps.sql, id, FIRST_ERRORS),
  ]);
  return statusView(imp, deps.config, live, errors, rowWarnings);
}
