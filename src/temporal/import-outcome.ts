// The summary of a finished import, whatever status its run ended with. importFile completes with the summary
// when the import succeeded (with or without row errors) or was discarded; it ends as a Failed run when the
// import failed and as a Cancelled run when it was cancelled, so that the Temporal Web UI (and
// `ExecutionStatus = 'Failed'`) shows what operators look for. The summary travels with those ends too.
import { ApplicationFailure, CancelledFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { IMPORT_FAILED_TYPE, IMPORT_SUMMARY_MEMO, type ImportSummary } from '../contract';

function isSummary(value: unknown): value is ImportSummary {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.importId === 'string' && typeof v.status === 'string' && typeof v.counts === 'object' && Array.isArray(v.errors);
}

/**
 * The ImportSummary carried by a Failed or Cancelled importFile run, or null when `err` is not such an end
 * (a run that failed for another reason, terminated, timed out, or a run of code older than this rule).
 *
 * @param handle the run's handle: a Cancelled run's summary is read from its memo (one describe() call).
 * @param err what `handle.result()` rejected with.
 */
export async function summaryOfEndedImport(handle: Pick<WorkflowHandle, 'describe'>, err: unknown): Promise<ImportSummary | null> {
  if (!(err instanceof WorkflowFailedError)) return null;
  if (err.cause instanceof ApplicationFailure && err.cause.type === IMPORT_FAILED_TYPE) {
    const summary = err.cause.details?.[0];
    return isSummary(summary) ? summary : null;
  }
  if (err.cause instanceof CancelledFailure) {
    const { memo } = await handle.describe();
    const summary = memo?.[IMPORT_SUMMARY_MEMO];
    return isSummary(summary) ? summary : null;
  }
  return null;
}

/**
 * Waits for an importFile run to end and returns its ImportSummary: the result of a completed run, the failure
 * details of a Failed one, the memo of a Cancelled one. Every client that awaits an import (CLI --wait, tests,
 * scripts) goes through here rather than `handle.result()`.
 *
 * @throws the WorkflowFailedError of a run that ended without a summary (terminated, timed out, a workflow bug),
 *   and whatever `handle.result()` throws for a connection or a missing run.
 */
export async function importOutcome(handle: Pick<WorkflowHandle, 'result' | 'describe'>): Promise<ImportSummary> {
  try {
    return (await handle.result()) as ImportSummary;
  } catch (err) {
    const summary = await summaryOfEndedImport(handle, err);
    if (summary) return summary;
    throw err;
  }
}
