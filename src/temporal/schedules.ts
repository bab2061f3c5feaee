import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Config } from '../config';
import { dailyDigest, healthCheck, housekeeping, trainCategoryModel } from '../workflows';

export interface ScheduleIds {
  digest: string;
  /** The health check on the health task queue, served by the watcher process. */
  health: string;
  /** The same check on the import task queue, served by the worker process. */
  healthByWorker: string;
  /** Staging retention and the janitor of ingest folders, hourly, served by the worker. */
  housekeeping: string;
  /** The auto-categorisation model's daily retraining (issue 14), served by the worker. */
  categoryModel: string;
}

/** Per task queue, so several deployments (or test suites) can share a namespace. */
export function scheduleIds(config: Pick<Config, 'temporal'>): ScheduleIds {
  const q = config.temporal.taskQueue;
  return { digest: `${q}-daily-digest`, health: `${q}-health-check`, healthByWorker: `${q}-health-check-worker`, housekeeping: `${q}-housekeeping`, categoryModel: `${q}-category-model` };
}

function definitions(config: Pick<Config, 'temporal' | 'digest' | 'health'>): ScheduleOptions[] {
  const ids = scheduleIds(config);
  const [hour, minute] = config.digest.time.split(':').map(Number) as [number, number];
  return [
    {
      scheduleId: ids.digest,
      spec: { calendars: [{ hour, minute }], timezone: config.digest.timezone },
      action: { type: 'startWorkflow', workflowType: dailyDigest, taskQueue: config.temporal.taskQueue, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1h' },
      memo: { purpose: 'Daily summary of imports by email and webhooks' },
    },
    {
      scheduleId: ids.health,
      spec: { intervals: [{ every: '1m' }] },
      action: { type: 'startWorkflow', workflowType: healthCheck, taskQueue: config.health.taskQueue, args: [], workflowRunTimeout: '5m' },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1m' },
      memo: { purpose: 'Health check run by the watcher: alerts when the workers are gone, and when they are back' },
    },
    {
      // The same check run by the worker process on its own queue: each process reports the other gone, and the
      // worker needs no second Temporal worker (and its ~60 MB workflow thread) for it.
      scheduleId: ids.healthByWorker,
      spec: { intervals: [{ every: '1m' }] },
      action: { type: 'startWorkflow', workflowType: healthCheck, taskQueue: config.temporal.taskQueue, args: [], workflowRunTimeout: '5m' },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1m' },
      memo: { purpose: 'Health check run by the worker: alerts when the watcher is gone, and when it is back' },
    },
    {
      scheduleId: ids.housekeeping,
      spec: { intervals: [{ every: '1h' }] },
      action: { type: 'startWorkflow', workflowType: housekeeping, taskQueue: config.temporal.taskQueue, args: [], workflowRunTimeout: '1h' },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1h' },
      memo: { purpose: 'Purges staged rows of finished imports after STAGING_RETENTION and removes files no import owns from incoming/ and processing/' },
    },
    {
      // Nightly, in the digest's time zone, when imports are rare: the day's corrections feed the next model.
      scheduleId: ids.categoryModel,
      spec: { calendars: [{ hour: 3, minute: 30 }], timezone: config.digest.timezone },
      action: {
        type: 'startWorkflow', workflowType: trainCategoryModel, taskQueue: config.temporal.taskQueue,
        args: [{ requestedBy: 'schedule' }], workflowRunTimeout: '2h',
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '6h' },
      memo: { purpose: 'Retrains the auto-categorisation model on the catalogue and activates it when it is not worse (issue 14)' },
    },
  ];
}

/**
 * Creates the schedules, or brings an existing one in line with the configuration (time, time zone) while
 * keeping its paused state: an operator's pause survives a worker restart.
 */
export async function ensureSchedules(client: Client, config: Pick<Config, 'temporal' | 'digest' | 'health'>): Promise<void> {
  for (const def of definitions(config)) {
    try {
      await client.schedule.create(def);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(def.scheduleId).update((prev) => ({ ...prev, spec: def.spec, action: def.action as typeof prev.action }));
    }
  }
}
