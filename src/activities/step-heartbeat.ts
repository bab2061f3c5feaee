import { activityInfo, heartbeat } from '@temporalio/activity';

/**
 * Heartbeats an import step (its progress as `details`) when it runs as an activity task. A small file's steps run
 * as local activities (src/workflows/import-file.ts, LOCAL_STEPS_MAX_BYTES): Temporal has no heartbeat for those
 * (the worker logs "Activity heartbeat failed … UnknownActivity" for each one), and none is needed, a local step
 * being bounded by its start-to-close timeout and the workflow task.
 */
export function stepHeartbeat(details?: unknown): void {
  if (!activityInfo().isLocal) heartbeat(details);
}
