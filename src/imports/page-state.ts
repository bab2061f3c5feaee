// What an import's page says about it, so that no two parts of the page contradict each other: a discarded
// preview does not read "Created 1", a confirmed test run loses its "Test mode" badge, a cancelled import's rows
// do not read "create", a preview offers Discard and not also Cancel. Internal names (activity names such as
// moveToProcessing, absolute server paths) stay out of what content admins read; the page keeps them under
// "Technical details" for operators.
import path from 'node:path';
import type { ImportDetail } from '../db/import-history';
import type { ImportStatusView } from './status';
import { WRITTEN_STATUSES } from '../contract';

/** Steps at which a confirmed dry run is writing (its decision is behind it). */
const WRITING_STEPS = ['upsert', 'index'];

export interface ImportPageState {
  /** A preview, still only that: a dry run not confirmed (waiting, discarded, or ended before a decision). */
  testMode: boolean;
  /** The counts are what the import did ('written') or what it planned to do ('planned'). */
  counts: 'planned' | 'written';
  /** Catalogue key of the sentence that says nothing of this import is in the catalogue, when so. */
  nothingWrittenKey: string | null;
  /** Each row's action is what it would do (a preview, a run still going) or would have done (nothing written). */
  rows: 'would' | 'wouldHave' | 'did';
  /** Cancel is offered while the import runs, but not at a preview: Discard is the way out there. */
  canCancel: boolean;
  /** Catalogue key of the current step for people ("Reading the file"); null when there is none. */
  stepKey: string | null;
  /** Where the file was archived, inside the ingest folder (e.g. `error/<id>__file.csv`). */
  archivedTo: string | null;
  /** The failure reason without absolute server paths. */
  errorMessage: string | null;
}

/**
 * Absolute paths made readable: inside the ingest folder relative to it (`processed/x.csv`), elsewhere the file
 * name only. `text` is any message (an error from Node's fs carries `'/srv/…/file'`).
 */
export function withoutServerPaths(text: string, ingestDir: string): string {
  const root = path.resolve(ingestDir) + path.sep;
  return text
    .split(root)
    .join('')
    .replace(/(^|[\s'"(=:])(\/[^\s'"()]+(?:\/[^\s'"()]+)+)/g, (_m, lead: string, abs: string) => `${lead}${path.basename(abs)}`);
}

/**
 * The page's reading of one import, from its status view (live while it runs) and its ledger row.
 * Pure: no I/O. `ingestDir` is the configured INGEST_DIR (for the archived path shown relative to it).
 */
export function importPageState(view: Pick<ImportStatusView, 'status' | 'step' | 'open' | 'progress' | 'error' | 'archivedTo' | 'counts'>, imp: Pick<ImportDetail, 'dry_run'>, ingestDir: string): ImportPageState {
  const awaiting = view.status === 'awaiting_confirmation';
  const wrote = (WRITTEN_STATUSES as readonly string[]).includes(view.status);
  const writing = view.open && !awaiting && WRITING_STEPS.includes(view.step ?? '');
  // A confirmed dry run: it wrote, is writing, or wrote before a cancellation undid it.
  const confirmed = wrote || writing || view.progress.upserted > 0;
  const nothingWrittenKey =
    view.open || wrote
      ? null
      : view.status === 'discarded'
        ? 'operator.nothingWritten.discarded'
        : view.status === 'cancelled'
          ? view.progress.upserted > 0
            ? 'operator.nothingWritten.cancelledUndone'
            : 'operator.nothingWritten.cancelled'
          : view.status === 'failed'
            ? // Failed before its rows were counted (the file itself refused): no counts nor rows to point to.
              view.counts ? 'operator.nothingWritten.failed' : 'operator.nothingWritten.failedUncounted'
            : null;
  const root = path.resolve(ingestDir) + path.sep;
  const archived = view.archivedTo ? (view.archivedTo.startsWith(root) ? view.archivedTo.slice(root.length) : path.basename(view.archivedTo)) : null;
  return {
    testMode: imp.dry_run && !confirmed,
    counts: wrote ? 'written' : 'planned',
    nothingWrittenKey,
    rows: wrote ? 'did' : view.open ? 'would' : 'wouldHave',
    canCancel: view.open && !awaiting,
    stepKey: view.step ? `operator.step.${view.step}` : null,
    archivedTo: archived,
    errorMessage: view.error ? withoutServerPaths(view.error.message, ingestDir) : null,
  };
}

/** What a line of the history or the dashboard says about an import, agreeing with its own page. */
export interface ImportListState {
  /** Still only a preview: a dry run that was not confirmed (the "Test mode" badge). */
  testMode: boolean;
  /** The created / updated counts are what the import wrote; false for a preview, a discarded or a cancelled one (shown as '—'). */
  wrote: boolean;
}

/**
 * The reading of one import in a list (history, dashboard), from its ledger row alone: a confirmed dry run
 * (it wrote, or is writing) loses its "Test mode" badge, and a preview that never wrote (waiting, discarded, or
 * ended before a decision) or an import cancelled (its writes undone) does not show "Created N". Pure.
 */
export function importListState(row: { dry_run: boolean; status: string; step: string | null }): ImportListState {
  const wrote = (WRITTEN_STATUSES as readonly string[]).includes(row.status);
  const writing = row.status === 'processing' && WRITING_STEPS.includes(row.step ?? '');
  const confirmed = wrote || writing;
  // A cancelled import's writes were undone: its counts are not what the catalogue holds either.
  const undone = row.status === 'cancelled' || row.status === 'discarded';
  return { testMode: row.dry_run && !confirmed, wrote: confirmed || (!row.dry_run && !undone) };
}
