// The timeline of an import's steps, from its Temporal workflow history: each activity with its attempts,
// the last error of a retried step, its times, plus the run's own events (started, confirmed, cancel
// requested, closed). When Temporal no longer has the run (past its retention), the ledger tells the story.
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { defaultPayloadConverter, optionalTsToMs } from '@temporalio/common';
import type { ImportDetail } from '../db/import-history';
import { STEPS, stepOfActivityType } from '../contract';

export type TimelineOutcome = 'running' | 'retrying' | 'completed' | 'failed' | 'timed_out' | 'cancelled' | 'event';

export interface TimelineEntry {
  step: string;
  outcome: TimelineOutcome;
  attempts: number;
  /** The error of the failed attempt (the last one when the step was retried). */
  error: string | null;
  scheduledAt: Date | null;
  startedAt: Date | null;
  closedAt: Date | null;
}

export interface Timeline {
  source: 'temporal' | 'ledger';
  entries: TimelineEntry[];
}

const date = (ts: Parameters<typeof optionalTsToMs>[0]): Date | null => {
  const ms = optionalTsToMs(ts);
  return ms === undefined ? null : new Date(ms);
};

type HistoryEvent = NonNullable<Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']>[number];
type MarkerAttributes = NonNullable<HistoryEvent['markerRecordedEventAttributes']>;

/** What the SDK records about a local activity (the `data` detail of a `core_local_activity` marker). */
interface LocalActivityMarker {
  activity_type?: string;
  attempt?: number;
  /** When the attempt ended (the worker's clock; the marker's own event time is the workflow task's end). */
  complete_time?: { seconds?: number | string; nanos?: number } | null;
  /** Set when the step failed and will be tried again after this wait. */
  backoff?: unknown;
}

/** The local activity a marker records, or null for another marker (a patch) or one that cannot be read. */
function localActivityOf(m: MarkerAttributes): LocalActivityMarker | null {
  if (m.markerName !== 'core_local_activity') return null;
  const payload = m.details?.data?.payloads?.[0];
  if (!payload) return null;
  try {
    return defaultPayloadConverter.fromPayload<LocalActivityMarker>(payload);
  } catch {
    return null;
  }
}

/** Pure: history events → entries. Exported for the unit test. */
export function timelineFromEvents(events: readonly HistoryEvent[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const bySchedule = new Map<string, TimelineEntry>();
  // The short steps run as local activities (importFile, patch 'short-steps-local-activities'): no activity
  // events, one marker per attempt that ended, written when the workflow task that ran it completed. The step
  // started at the earliest when that workflow task did.
  let workflowTaskStartedAt: Date | null = null;
  const retryingLocal = new Map<string, TimelineEntry>();
  const event = (step: string, at: Date | null, error: string | null = null): void => {
    entries.push({ step, outcome: 'event', attempts: 0, error, scheduledAt: at, startedAt: at, closedAt: at });
  };
  for (const e of events) {
    const at = date(e.eventTime);
    const id = String(e.eventId ?? '');
    if (e.workflowExecutionStartedEventAttributes) event('started', at);
    else if (e.workflowExecutionSignaledEventAttributes) event(`signal: ${e.workflowExecutionSignaledEventAttributes.signalName ?? ''}`, at);
    else if (e.workflowExecutionCancelRequestedEventAttributes) event('cancel requested', at);
    else if (e.workflowExecutionCompletedEventAttributes) event('workflow completed', at);
    else if (e.workflowExecutionFailedEventAttributes) event('workflow failed', at, e.workflowExecutionFailedEventAttributes.failure?.message ?? null);
    else if (e.workflowExecutionCanceledEventAttributes) event('workflow cancelled', at);
    else if (e.workflowExecutionTerminatedEventAttributes) event('workflow terminated', at, e.workflowExecutionTerminatedEventAttributes.reason ?? null);
    else if (e.workflowExecutionTimedOutEventAttributes) event('workflow timed out', at);
    else if (e.workflowTaskStartedEventAttributes) workflowTaskStartedAt = at;
    else if (e.markerRecordedEventAttributes) {
      const local = localActivityOf(e.markerRecordedEventAttributes);
      if (!local) continue;
      const step = stepOfActivityType(local.activity_type ?? 'activity');
      const failure = e.markerRecordedEventAttributes.failure?.message ?? null;
      const done = local.complete_time;
      const closedAt = done ? new Date(Number(done.seconds ?? 0) * 1000 + (done.nanos ?? 0) / 1e6) : at;
      // An attempt that failed and waits on a timer before the next: the next marker of the step continues it.
      const entry = retryingLocal.get(step) ?? { step, outcome: 'running' as TimelineOutcome, attempts: 0, error: null, scheduledAt: workflowTaskStartedAt, startedAt: workflowTaskStartedAt, closedAt: null };
      if (!retryingLocal.has(step)) entries.push(entry);
      retryingLocal.delete(step);
      entry.attempts = local.attempt ?? 1;
      entry.closedAt = closedAt;
      entry.error = failure ?? entry.error;
      if (failure && local.backoff) {
        entry.outcome = 'retrying';
        retryingLocal.set(step, entry);
      } else entry.outcome = failure ? 'failed' : 'completed';
    }
    else if (e.activityTaskScheduledEventAttributes) {
      const entry: TimelineEntry = {
        step: stepOfActivityType(e.activityTaskScheduledEventAttributes.activityType?.name ?? 'activity'),
        outcome: 'running',
        attempts: 0,
        error: null,
        scheduledAt: at,
        startedAt: null,
        closedAt: null,
      };
      bySchedule.set(id, entry);
      entries.push(entry);
    } else {
      // Temporal records only the last attempt's Started event, with the attempt number and the previous failure.
      const started = e.activityTaskStartedEventAttributes;
      const completed = e.activityTaskCompletedEventAttributes;
      const failed = e.activityTaskFailedEventAttributes;
      const timedOut = e.activityTaskTimedOutEventAttributes;
      const cancelled = e.activityTaskCanceledEventAttributes;
      const attrs = started ?? completed ?? failed ?? timedOut ?? cancelled;
      const entry = attrs ? bySchedule.get(String(attrs.scheduledEventId ?? '')) : undefined;
      if (!entry) continue;
      if (started) {
        entry.startedAt = at;
        entry.attempts = started.attempt ?? 1;
        entry.error = started.lastFailure?.message ?? entry.error;
      } else {
        entry.closedAt = at;
        if (completed) entry.outcome = 'completed';
        else if (failed) {
          entry.outcome = 'failed';
          entry.error = failed.failure?.message ?? entry.error;
        } else if (timedOut) {
          entry.outcome = 'timed_out';
          entry.error = timedOut.failure?.message ?? 'timed out';
        } else entry.outcome = 'cancelled';
      }
    }
  }
  return entries;
}

/** Steps as far as the ledger knows them: the reached step, its error, the start and end. */
export function timelineFromLedger(imp: Pick<ImportDetail, 'step' | 'status' | 'created_at' | 'started_at' | 'finished_at' | 'error_message'>): TimelineEntry[] {
  const reached = imp.step ? STEPS.indexOf(imp.step) : 0;
  const finished = imp.finished_at !== null;
  const entries: TimelineEntry[] = [{ step: 'started', outcome: 'event', attempts: 0, error: null, scheduledAt: imp.created_at, startedAt: imp.started_at, closedAt: imp.started_at }];
  for (const [i, step] of STEPS.entries()) {
    if (step === 'done' || i > reached) break;
    const last = i === reached;
    const failedHere = last && imp.status === 'failed';
    entries.push({
      step,
      outcome: failedHere ? 'failed' : last && !finished ? 'running' : 'completed',
      attempts: 1,
      error: failedHere ? imp.error_message : null,
      scheduledAt: null,
      startedAt: null,
      closedAt: null,
    });
  }
  if (finished) entries.push({ step: `finished: ${imp.status}`, outcome: 'event', attempts: 0, error: imp.error_message, scheduledAt: imp.finished_at, startedAt: imp.finished_at, closedAt: imp.finished_at });
  return entries;
}

/**
 * The run of this import. The same content imported again later reuses the workflow id, so the latest run
 * is checked by its memo, then older runs are looked up through visibility.
 */
async function runIdOf(client: Client, imp: ImportDetail): Promise<string> {
  const latest = await client.workflow.getHandle(imp.workflow_id).describe();
  if (latest.memo?.importId === imp.id) return latest.runId;
  for await (const wf of client.workflow.list({ query: `WorkflowId = '${imp.workflow_id.replace(/'/g, '')}'`, pageSize: 20 })) {
    if (wf.memo?.importId === imp.id) return wf.runId;
  }
  throw new WorkflowNotFoundError(`no run of ${imp.workflow_id} for import ${imp.id}`, imp.workflow_id, undefined);
}

export async function importTimeline(client: Client, imp: ImportDetail): Promise<Timeline> {
  if (!imp.workflow_id) return { source: 'ledger', entries: timelineFromLedger(imp) };
  try {
    const run = client.workflow.getHandle(imp.workflow_id, await runIdOf(client, imp));
    const history = await run.fetchHistory();
    const entries = timelineFromEvents(history.events ?? []);
    // A step being retried right now: its attempt and last error are only in the pending activity.
    const { raw } = await run.describe();
    for (const p of raw.pendingActivities ?? []) {
      const entry = [...entries].reverse().find((x) => x.step === stepOfActivityType(p.activityType?.name ?? '') && x.outcome === 'running');
      if (!entry) continue;
      entry.attempts = p.attempt ?? entry.attempts;
      if (p.lastFailure?.message) {
        entry.error = p.lastFailure.message;
        entry.outcome = 'retrying';
      }
    }
    return { source: 'temporal', entries };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { source: 'ledger', entries: timelineFromLedger(imp) };
    throw err;
  }
}
