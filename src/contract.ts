// The one module that the client side (watcher, CLI, admin), the worker and the workflows share:
// names, signals, queries, search attributes and the small shapes that cross workflow history.
// It must stay deterministic: it is bundled into the workflow sandbox.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { FileFormat, ImportMode } from './domain/types';
export type { FileFormat, ImportMode };

export const IMPORT_SOURCES = ['upload', 'drop', 'cli', 'api'] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

export const IMPORT_STATUSES = [
  'queued',
  'processing',
  'awaiting_confirmation',
  'succeeded',
  'succeeded_with_errors',
  'failed',
  'discarded',
  'cancelled',
] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
/** Statuses of an import still under way (its run is open). */
export const OPEN_STATUSES: readonly ImportStatus[] = ['queued', 'processing', 'awaiting_confirmation'];
/** Statuses of an import whose courses were written (what a revert can undo, what the counts say was done). */
export const WRITTEN_STATUSES: readonly ImportStatus[] = ['succeeded', 'succeeded_with_errors'];

export const STEPS = ['moveToProcessing', 'parse', 'normalize', 'awaitConfirmation', 'upsert', 'index', 'notify', 'archive', 'done'] as const;
export type Step = (typeof STEPS)[number];

/**
 * The public step id of an activity type whose name differs from it: the planning activity is named `plan`
 * (what it does), its step keeps the id `normalize` that the ledger, the REST `stepProgress`, the metrics'
 * labels and older histories use. Other activity types are their step's id.
 */
export function stepOfActivityType(activityType: string): string {
  return activityType === 'plan' ? 'normalize' : activityType;
}

export const searchAttributes = {
  status: defineSearchAttributeKey('ImportStatus', SearchAttributeType.KEYWORD),
  source: defineSearchAttributeKey('ImportSource', SearchAttributeType.KEYWORD),
  fileName: defineSearchAttributeKey('ImportFileName', SearchAttributeType.KEYWORD),
};

/**
 * The same content gives the same id: a file dropped twice while the first run is open starts nothing new.
 * Deployments (or test suites) sharing one namespace use distinct prefixes (WORKFLOW_ID_PREFIX).
 */
export function importWorkflowId(sha256: string, prefix = 'import'): string {
  return `${prefix}-${sha256}`;
}

export interface ImportInput {
  importId: string;
  /** Where the file is when the workflow starts (drop/ or an upload's temporary file). */
  path: string;
  /** The name the user knows the file by; shown, never used as a path. */
  fileName: string;
  sha256: string;
  sizeBytes: number;
  source: ImportSource;
  mode: ImportMode;
  dryRun: boolean;
  startedBy: string | null;
  /** From the starter's configuration: workflow code cannot read the environment. */
  timeouts: { dryRunSeconds: number; heartbeatSeconds: number };
  /**
   * The column mapping profile the file is read with (issue 12), absent without one. The version is fixed by the
   * starter when it could look the name up; else the first step takes the latest. Only activities read it.
   */
  mappingProfile?: { name: string; version?: number };
}

export interface RowErrorRef {
  row: number;
  field: string;
  message: string;
  /** Where the value is in the file, for JSON (a JSON Pointer, RFC 6901), YAML and XML (an XPath-like path); absent for CSV and sheets. */
  path?: string;
  /** The problem's code and the values of its message (issue 11: shown in the reader's language); absent on rows stored before. */
  code?: string;
  params?: Record<string, string | number | boolean | null>;
}

/**
 * A warning as summaries and previews carry it: something interpreted rather than read as is, or skipped. A file
 * warning has a `code` and maybe a `column` or `row`; a row warning has the `row` and the `field` it is about.
 */
export interface WarningRef {
  row?: number;
  field?: string;
  column?: string;
  code?: string;
  /** The values of the message, rendered with `rowMessages.<code>` in the reader's language (issue 11). */
  params?: Record<string, string | number | boolean | null>;
  message: string;
}

export interface ActionCounts {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
}

export interface PlannedChange {
  row: number;
  action: 'create' | 'update';
  title: string;
  fields: string[];
}

/**
 * Why an import failed or was cancelled: a code, its parameters (plain JSON: counts, sizes in bytes, names) and the
 * English sentence the CLI and the logs show. Pages, emails and chat notices render `importFailures.<code>` in the
 * reader's language from the code and parameters (src/i18n/failure-messages.ts); `params` is absent on failures
 * recorded before it existed, which are then shown with their English message.
 */
export interface FailureReason {
  code: string;
  message: string;
  params?: Record<string, string | number | boolean | null>;
}

export interface Progress {
  importId: string;
  status: ImportStatus;
  step: Step;
  parsed: number;
  normalized: number;
  upserted: number;
  indexed: number;
  counts: ActionCounts | null;
  error: FailureReason | null;
}

export interface Preview {
  importId: string;
  counts: ActionCounts;
  /** A bounded sample; the full preview is in the import's staging rows. */
  errors: RowErrorRef[];
  changes: PlannedChange[];
  /** File warnings, then a bounded sample of row warnings. Absent from previews of runs started before it existed. */
  warnings?: WarningRef[];
}

export interface ImportSummary {
  importId: string;
  workflowId: string;
  status: ImportStatus | 'preview';
  counts: Omit<ActionCounts, 'skipped'> & { skipped: number };
  errors: RowErrorRef[];
  /** File warnings, then a bounded sample of row warnings (see Preview.warnings). */
  warnings: WarningRef[];
  /** Why the import failed or was cancelled, as the workflow learned it; null otherwise. */
  error?: FailureReason | null;
  archivedTo: string | null;
}

/**
 * A failed import ends its run as Failed (an ApplicationFailure of this type, its details[0] the ImportSummary);
 * a cancelled one ends as Cancelled, the summary in the run's memo under IMPORT_SUMMARY_MEMO (a cancellation
 * carries no details). Clients read both with importOutcome() (src/temporal/import-outcome.ts).
 */
export const IMPORT_FAILED_TYPE = 'ImportFailed';
export const IMPORT_SUMMARY_MEMO = 'summary';

export type Decision = 'confirm' | 'discard';

export const progressQuery = defineQuery<Progress>('progress');
export const previewQuery = defineQuery<Preview | null>('preview');
export const confirmSignal = defineSignal('confirm');
export const discardSignal = defineSignal('discard');

/** How many row errors and planned changes travel in results and queries; the rest stay in PostgreSQL. */
export const SAMPLE_SIZE = 50;

// ---- Bulk actions on courses (workflow bulkCourses) and the full reindex (workflow reindexCourses) ----

// suggest_categories (issue 14): the auto-categoriser's suggestions for the courses, pending in the review queue.
export const BULK_ACTIONS = ['activate', 'deactivate', 'duplicate', 'delete', 'suggest_categories'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** Filters of the course list, as bulk actions "on every matching course" carry them (see src/courses/filters.ts). */
export interface BulkFilters {
  q: string;
  category: string[];
  /** Taxonomy category ids (issue 14); absent in filters stored before it. */
  category_id?: number[];
  difficulty: string[];
  learning_mode: string[];
  is_free: boolean | null;
  is_active: boolean | null;
  price_min: number | null;
  price_max: number | null;
}

export interface BulkInput {
  bulkId: string;
  action: BulkAction;
  /** Ticked ids (a page of the list at most), or the filters of "every matching course": never the rows. */
  selection: { ids: number[] } | { filters: BulkFilters };
  startedBy: string | null;
  /** Courses per activity call. */
  batchSize: number;
}

export interface BulkProgress {
  bulkId: string;
  action: BulkAction;
  status: 'resolving' | 'running' | 'succeeded' | 'failed';
  total: number | null;
  processed: number;
  /** For duplicate: the copies made so far (a bounded sample of ids). */
  created: number[];
  error: string | null;
}

export function bulkWorkflowId(bulkId: string): string {
  return `bulk-courses-${bulkId}`;
}

export const bulkProgressQuery = defineQuery<BulkProgress>('bulkProgress');

export interface ReindexProgress {
  reindexId: string;
  step: 'prepare' | 'copy' | 'switch' | 'done' | 'failed';
  target: string | null;
  copied: number;
  error: string | null;
}

export function reindexWorkflowId(alias: string): string {
  // One reindex per alias at a time: a second start while one runs is refused by Temporal.
  return `reindex-${alias}`;
}

export const reindexProgressQuery = defineQuery<ReindexProgress>('reindexProgress');
