// importFile: one imported file, one durable workflow. The steps, in order (activities in src/activities/):
//   1 moveToProcessing (move-to-processing.ts)  2 parse (parse.ts: rows read, normalised, staged and planned)
//   3 plan (plan.ts: the plan completed: duplicates, diffs, categories, counts; public step id "normalize")
//     [dry run: wait for confirm / discard]
//   4 upsert (upsert.ts)  5 index (index-courses.ts)  6 notify (notifications.ts)  7 archive (archive.ts)
// Rows never travel through this code: activities pass ids and counts, the rows live in PostgreSQL staging.
// Cancel (from the admin) archives the file to error/; after the upsert, what it wrote is undone first.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { ImportFileActivities } from '../activities';
import { deliverNotice } from './deliver-notice';
import { markdownText } from '../temporal/import-metadata';
import {
  IMPORT_FAILED_TYPE,
  IMPORT_SUMMARY_MEMO,
  confirmSignal,
  discardSignal,
  previewQuery,
  progressQuery,
  searchAttributes,
  type ActionCounts,
  type Decision,
  type FailureReason,
  type ImportInput,
  type ImportStatus,
  type ImportSummary,
  type Preview,
  type Progress,
} from '../contract';

// Infrastructure failures (database, Elasticsearch down) retry with backoff until the service is back;
// file-level validation failures are non-retryable and go straight to notify + archive to error/.
const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes: ['FileValidationError'] };

function everyRowFailed(counts: ActionCounts): boolean {
  return counts.rows > 0 && counts.failed === counts.rows;
}

/**
 * The reason an error in the steps gives the import, or null when it is not one of the import's own failures
 * (the caller rethrows: a bug in this code must fail the workflow task, not the import).
 */
function failureOf(err: unknown, preview: Preview | null): FailureReason | null {
  if (err instanceof ApplicationFailure && err.type === 'AllRowsFailed') {
    return { code: 'all_rows_failed', message: err.message, params: preview ? { failed: preview.counts.failed, rows: preview.counts.rows } : {} };
  }
  // An activity task's failure arrives as an ActivityFailure around the activity's own error; a local activity's
  // (the short steps) arrives as that error itself. Workflow code throws no other ApplicationFailure in the steps.
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    const details = cause.details?.[0] as { code?: string; params?: FailureReason['params'] } | undefined;
    return { code: details?.code ?? cause.type ?? 'failed', message: cause.message, ...(details?.params ? { params: details.params } : {}) };
  }
  return null;
}

const emptyCounts: ActionCounts = { rows: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };

// Each reason carries its code and parameters (FailureReason) so pages and notices say it in the reader's language.
const cancelledBeforeWriting: FailureReason = { code: 'cancelled', message: 'cancelled before any course was written', params: {} };

/**
 * Cancelled once the upsert may have committed: the revertImport workflow's own activities put PostgreSQL
 * back (created courses deleted, changed ones restored from their before-images), then Elasticsearch.
 */
async function undoImport(acts: ActivityProxy, importId: string): Promise<FailureReason> {
  const undone = await acts.restoreCourses({ importId });
  await acts.syncRevertedCourses({ importId });
  return {
    code: 'cancelled',
    message: `cancelled after the upsert: ${undone.deleted} created course(s) deleted, ${undone.restored} restored as before`,
    params: { context: 'undone', deleted: undone.deleted, restored: undone.restored },
  };
}

type ActivityProxy = ReturnType<typeof proxyActivities<ImportFileActivities>>;

/**
 * The run's "current details" in the Temporal Web UI (markdown, served by the worker through the metadata
 * query, so no command and no history event): where the import is, then what it did.
 */
function showDetails(fileName: string, progress: Progress): void {
  const c = progress.counts;
  const counts = c ? ` · ${c.rows} rows: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.failed} failed` : '';
  const reason = progress.error ? `\n\n${markdownText(progress.error.message)}` : '';
  setCurrentDetails(`**${progress.status}** · ${progress.step}${counts}\n\n${markdownText(fileName)}${reason}`);
}

/**
 * Ends a run whose import failed or was cancelled the way the Web UI shows it: Failed with the reason as the
 * failure message (ApplicationFailure type IMPORT_FAILED_TYPE, non-retryable, the summary in its details),
 * Cancelled with the summary in the memo (a cancellation carries no details). Called once reporting and
 * archiving are done. Runs started before this rule replay without the marker and complete with the summary.
 */
function endAsRunStatus(summary: ImportSummary): void {
  if (summary.status !== 'failed' && summary.status !== 'cancelled') return;
  if (!patched('failed-import-fails-the-run')) return;
  const reason = summary.error?.message ?? `import ${summary.status}`;
  if (summary.status === 'failed') throw ApplicationFailure.create({ type: IMPORT_FAILED_TYPE, message: reason, nonRetryable: true, details: [summary] });
  upsertMemo({ [IMPORT_SUMMARY_MEMO]: summary });
  throw new CancelledFailure(reason);
}

/**
 * Files up to this size (bytes, 256 KiB: about 650 CSV rows of W1's shape, a few thousand in a workbook) are parsed,
 * planned and indexed by local activities. A constant of the workflow code, not configuration: changing it changes which
 * commands a run records, so a new value goes behind a new patch.
 */
export const LOCAL_STEPS_MAX_BYTES = 256 * 1024;

export async function importFile(input: ImportInput): Promise<ImportSummary> {
  const { workflowId } = workflowInfo();
  // The short steps (move, notify, archive: a rename and a few statements) run as local activities: in the worker
  // that runs this workflow, inside its workflow task, their results recorded as markers of the history. A
  // file then costs 4 activity tasks and 5 workflow tasks instead of 7 and 8 (benchmark W2, where Temporal's own
  // work per file is what bounds a burst of small files). Each is idempotent (see its activity): a worker that
  // dies during one leaves its workflow task to time out (10 s), and the worker that takes the task over runs the
  // step again (the multi-worker test kills one). 30 s bounds one stuck attempt; no heartbeat. Runs started
  // before replay without the marker and keep the short steps as activity tasks (30 s: how long a dead worker
  // holds the import).
  const quick: ActivityProxy = patched('short-steps-local-activities')
    ? proxyLocalActivities<ImportFileActivities>({
        startToCloseTimeout: '30s',
        retry,
        // Longer waits between attempts (an outage) are server timers, not a workflow task held open.
        localRetryThreshold: '10s',
      })
    : proxyActivities<ImportFileActivities>({ startToCloseTimeout: '30s', retry });
  const long = proxyActivities<ImportFileActivities>({
    // A dead worker is found by the heartbeat timeout; this bounds one attempt of a step that still heartbeats.
    // The index step of a 1M-row workbook at MAX_FILE_MB=100 took 14 min on a busy 2-core machine (benchmark W6):
    // 2 h leaves room for a slower one. A timeout is no history command: open runs replay unchanged.
    startToCloseTimeout: '2h',
    heartbeatTimeout: `${input.timeouts.heartbeatSeconds}s`,
    retry,
    // On cancellation, wait until a running step has really stopped: an upsert that commits after the
    // compensation below would leave half an import behind.
    cancellationType: 'WAIT_CANCELLATION_COMPLETED',
  });
  // A small file's parse, plan and index take tens of milliseconds: as activity tasks, Temporal's own round trips
  // (a workflow task and an activity task per step) cost more than the step (benchmark W2). Up to
  // LOCAL_STEPS_MAX_BYTES they run as local activities too. What a local step gives up does not matter at that
  // size: no heartbeat (a step lasts well under the workflow task timeout, which the worker extends while a local
  // activity runs), no progress inside it, and an outage shows in the Web UI only once the step has retried for
  // 10 s (a marker with its error, then a timer) instead of as a pending activity at once. A worker that dies runs
  // them again on another, from the last completed workflow task, which each allows: parse and plan write only
  // the import's staging, the index overwrites documents by id. The upsert stays an activity task whatever the
  // size: scheduling it records the plan first, so a plan is never computed again after its upsert committed (it
  // would find the import's own writes and call every row unchanged: the multi-worker test caught it). The size is
  // the workflow's input: the choice replays the same. Runs started before replay without the markers.
  const smallFileSteps: ActivityProxy =
    input.sizeBytes <= LOCAL_STEPS_MAX_BYTES && patched('small-files-local-steps')
      ? proxyLocalActivities<ImportFileActivities>({
          startToCloseTimeout: '10m',
          retry,
          localRetryThreshold: '10s',
          // As the long steps: a cancelled import is reported once a running step has really stopped.
          cancellationType: 'WAIT_CANCELLATION_COMPLETED',
        })
      : long;

  const progress: Progress = {
    importId: input.importId,
    status: 'processing',
    step: 'moveToProcessing',
    parsed: 0,
    normalized: 0,
    upserted: 0,
    indexed: 0,
    counts: null,
    error: null,
  };
  let preview: Preview | null = null;
  let decision: Decision | undefined;
  setHandler(progressQuery, () => progress);
  setHandler(previewQuery, () => preview);
  setHandler(confirmSignal, () => void (decision ??= 'confirm'));
  setHandler(discardSignal, () => void (decision ??= 'discard'));

  const setStatus = (status: ImportStatus) => {
    progress.status = status;
    upsertSearchAttributes([{ key: searchAttributes.status, value: status }]);
    showDetails(input.fileName, progress);
  };
  setStatus('processing');
  // The step shown as the run's current details follows the progress (a query, not a command).
  const step = (name: Progress['step']) => {
    progress.step = name;
    showDetails(input.fileName, progress);
  };

  /** A dry run waits for confirm or discard; no decision before the timeout discards (a forgotten preview writes nothing). */
  const awaitDecision = async (): Promise<boolean> => {
    step('awaitConfirmation');
    setStatus('awaiting_confirmation');
    await condition(() => decision !== undefined, `${input.timeouts.dryRunSeconds}s`);
    if (decision === 'confirm') setStatus('processing');
    return decision === 'confirm';
  };

  let status: ImportStatus = 'failed';
  // Set before the upsert starts: from then on a cancellation must undo what the upsert may have committed.
  let mayHaveWritten = false;
  try {
    const moved = await quick.moveToProcessing(input);

    step('parse');
    progress.parsed = (await smallFileSteps.parse({ importId: input.importId, storedPath: moved.storedPath, format: moved.format })).rows;

    step('normalize');
    // The step that plans (activities/plan.ts). Its public step id stays "normalize" (ledger, REST, metrics).
    // Runs started before the activity was named for what it does replay without the marker and keep calling
    // it by its old activity type, which the worker still registers.
    const planArgs = { importId: input.importId, mode: input.mode, dryRun: input.dryRun };
    preview = patched('plan-step-named-plan') ? await smallFileSteps.plan(planArgs) : await smallFileSteps.normalize(planArgs);
    progress.normalized = preview.counts.rows;
    progress.counts = preview.counts;

    // A file in which every row failed imported nothing: the import failed (nothing to confirm or write).
    // Runs started before this rule replay without the marker and keep the old path.
    if (patched('every-row-failed-fails-the-import') && everyRowFailed(preview.counts)) {
      throw ApplicationFailure.nonRetryable(
        `every row of the file has errors (${preview.counts.failed} of ${preview.counts.rows}): nothing was imported`,
        'AllRowsFailed', { code: 'all_rows_failed' });
    }

    const confirmed = input.dryRun ? await awaitDecision() : true;

    if (confirmed) {
      step('upsert');
      mayHaveWritten = true;
      progress.counts = await long.upsert({ importId: input.importId, mode: input.mode });
      progress.upserted = progress.counts.created + progress.counts.updated;

      step('index');
      // The local index came after the local parse and plan: runs that started between the two replay without
      // this marker and index by activity task.
      const indexStep = smallFileSteps !== long && patched('small-files-local-index') ? smallFileSteps : long;
      progress.indexed = (await indexStep.index({ importId: input.importId })).indexed;
      status = progress.counts.failed > 0 ? 'succeeded_with_errors' : 'succeeded';
    } else {
      status = 'discarded';
    }
  } catch (err) {
    if (isCancellation(err)) status = 'cancelled';
    else {
      const reason = failureOf(err, preview);
      if (!reason) throw err;
      progress.error = reason;
      status = 'failed';
    }
  }
  // A step that ignores cancellation (the upsert's single transaction) may finish after Cancel was asked:
  // the request still wins, and the compensation below undoes what that step wrote.
  if (status !== 'failed' && CancellationScope.current().consideredCancelled) status = 'cancelled';

  // Reporting and archiving happen whatever happened above, cancellation included.
  const result = await CancellationScope.nonCancellable(async () => {
    if (status === 'cancelled') progress.error = mayHaveWritten ? await undoImport(long, input.importId) : cancelledBeforeWriting;
    const summary: ImportSummary = {
      importId: input.importId,
      workflowId,
      status,
      counts: progress.counts ?? emptyCounts,
      errors: preview?.errors ?? [],
      warnings: preview?.warnings ?? [],
      // The reason travels with the summary: the ledger's copy is written later, by the archive step.
      error: progress.error,
      archivedTo: null,
    };
    step('notify');
    const notice = await quick.notify(summary);
    if (notice) {
      // A child of its own, abandoned when this import ends: delivery retries never hold the file back.
      await startChild(deliverNotice, {
        workflowId: `notify-${input.importId}`,
        args: [{ key: `import:${input.importId}`, notice, importId: input.importId }],
        parentClosePolicy: 'ABANDON',
      }).catch((err: unknown) => {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      });
    }

    step('archive');
    summary.archivedTo = (
      await quick.archive({
        importId: input.importId,
        fileName: input.fileName,
        status,
        error: progress.error,
        rowErrors: summary.errors,
        // An activity's input is no command of the history: runs recorded before replay the same.
        warnings: summary.warnings,
      })
    ).archivedTo;
    progress.step = 'done';
    setStatus(status);
    return summary;
  });
  endAsRunStatus(result);
  return result;
}
