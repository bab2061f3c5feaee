// Per-stage times of one import, read from its workflow history: scheduled -> completed of each activity.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { stepOfActivityType } from '../src/contract';

type Timestamp = { seconds?: { toNumber(): number } | number | string | null; nanos?: number | null } | null | undefined;

function ms(t: Timestamp): number {
  if (!t) return NaN;
  const s = t.seconds;
  const seconds = typeof s === 'object' && s !== null ? s.toNumber() : Number(s ?? 0);
  return seconds * 1000 + (t.nanos ?? 0) / 1e6;
}

export interface StageTimes {
  /** step (the import page's name of an activity: `plan` is `normalize`) -> ms from scheduled to completed (retries included), summed when run more than once */
  stages: Record<string, number>;
  /** workflow start time (epoch ms) */
  startedAt: number;
  /** workflow completion time (epoch ms) */
  closedAt: number;
}

export async function stageTimes(client: Client, workflowId: string): Promise<StageTimes> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const scheduled = new Map<string, { name: string; at: number }>();
  const stages: Record<string, number> = {};
  let startedAt = NaN;
  let closedAt = NaN;
  // Local activities (the short steps of importFile) leave a marker with the time their attempt ended: each ran
  // from the start of its workflow task, or from the end of the local activity before it in that task.
  let stepFrom = NaN;
  for (const e of events) {
    const at = ms(e.eventTime as Timestamp);
    // Which attributes an event carries tells its type (no need for the proto enums, a CommonJS module).
    if (e.workflowExecutionStartedEventAttributes) startedAt = at;
    else if (e.workflowTaskStartedEventAttributes) stepFrom = at;
    else if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity') {
      const payload = e.markerRecordedEventAttributes.details?.data?.payloads?.[0];
      const data = payload ? defaultPayloadConverter.fromPayload<{ activity_type?: string; complete_time?: Timestamp }>(payload) : null;
      const done = ms(data?.complete_time);
      if (data?.activity_type && Number.isFinite(done)) {
        const step = stepOfActivityType(data.activity_type);
        stages[step] = (stages[step] ?? 0) + Math.max(0, done - stepFrom);
        stepFrom = done;
      }
    }
    else if (e.workflowExecutionCompletedEventAttributes) closedAt = at;
    else if (e.activityTaskScheduledEventAttributes)
      scheduled.set(String(e.eventId), { name: stepOfActivityType(e.activityTaskScheduledEventAttributes.activityType?.name ?? '?'), at });
    else if (e.activityTaskCompletedEventAttributes) {
      const s = scheduled.get(String(e.activityTaskCompletedEventAttributes.scheduledEventId));
      if (s) stages[s.name] = (stages[s.name] ?? 0) + (at - s.at);
    }
  }
  return { stages, startedAt, closedAt };
}

/** The order in which the stages are shown: the workflow's steps. */
export const STAGE_ORDER = ['wait', 'moveToProcessing', 'parse', 'normalize', 'upsert', 'index', 'notify', 'archive', 'other'] as const;
