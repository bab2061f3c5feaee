import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Config } from '../config';
import { dailyDigest, healthCheck } from '../workflows';

export interface ScheduleIds {
  digest: string;
  health: string;
}

/** Per task queue, so several deployments (or test suites) can share a namespace. */
export function scheduleIds(config: Pick<Config, 'temporal'>): ScheduleIds {
  const q = config.temporal.taskQueue;
  return { digest: `${q}-daily-digest`, health: `${q}-health-check` };
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
      memo: { purpose: 'Alerts when the watcher or the workers are gone, and when they are back' },
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
