import { getClient } from '@temporalio/activity';
import proto from '@temporalio/proto';
import type { ActivityDeps } from './deps';
import { listHeartbeats } from '../db/heartbeats';
import { digestFigures, recordHealth } from '../db/health';
import type { AlertNotice, DigestNotice } from '../notify/messages';

const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;

const ago = (d: Date, now: Date) => `${Math.round((now.getTime() - d.getTime()) / 1000)} s ago`;

export function healthActivities(deps: ActivityDeps) {
  const monitoringUrl = () => `${deps.config.publicUrl}/admin-dashboard/pipeline/monitoring/`;

  async function workerPollers(now: Date): Promise<{ fresh: number; detail: string }> {
    const { namespace, taskQueue } = deps.config.temporal;
    const res = await getClient().workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    });
    const staleMs = deps.config.health.workerStaleAfterSeconds * 1000;
    const seen = (res.pollers ?? []).map((p) => ({
      identity: p.identity ?? '?',
      at: new Date(Number(p.lastAccessTime?.seconds ?? 0) * 1000),
    }));
    const fresh = seen.filter((p) => now.getTime() - p.at.getTime() <= staleMs);
    const detail = fresh.length
      ? `${fresh.length} worker(s) polling ${taskQueue}: ${fresh.map((p) => p.identity).join(', ')}`
      : seen.length
        ? `no worker has polled ${taskQueue} for ${deps.config.health.workerStaleAfterSeconds} s (last: ${seen.map((p) => `${p.identity} ${ago(p.at, now)}`).join(', ')})`
        : `no worker polls the task queue ${taskQueue}`;
    return { fresh: fresh.length, detail };
  }

  return {
    /** The state of the watcher and of the workers, and an alert for each that changed since the last check. */
    async checkHealth(): Promise<AlertNotice[]> {
      const now = new Date();
      const staleMs = deps.config.health.staleAfterSeconds * 1000;
      const watchers = (await listHeartbeats(deps.sql)).filter((b) => b.component === 'watcher');
      const alive = watchers.filter((b) => now.getTime() - b.last_seen_at.getTime() <= staleMs);
      const watcherDetail = alive.length
        ? `${alive.length} watcher(s) alive: ${alive.map((b) => b.instance).join(', ')}`
        : watchers.length
          ? `no heartbeat since ${watchers.map((b) => `${b.instance} ${ago(b.last_seen_at, now)}`).join(', ')}`
          : 'no watcher is running (stopped, or never started)';
      const workers = await workerPollers(now);

      const alerts: AlertNotice[] = [];
      const checks = [
        { component: 'watcher', up: alive.length > 0, detail: watcherDetail },
        { component: 'worker', up: workers.fresh > 0, detail: workers.detail },
      ] as const;
      for (const c of checks) {
        const { changed, since } = await recordHealth(deps.sql, c.component, c.up ? 'up' : 'down', c.detail);
        if (!changed) continue;
        alerts.push({ kind: `${c.component}_${c.up ? 'up' : 'down'}`, component: c.component, detail: c.detail, since, adminUrl: monitoringUrl() });
        deps.logger[c.up ? 'info' : 'error']({ component: c.component, detail: c.detail }, c.up ? 'component recovered' : 'component down');
      }
      return alerts;
    },

    /** The last 24 hours (or the given period) for the daily summary. */
    async collectDigest(args: { periodEnd?: string }): Promise<DigestNotice> {
      const periodEnd = args.periodEnd ? new Date(args.periodEnd) : new Date();
      const periodStart = new Date(periodEnd.getTime() - 24 * 3600 * 1000);
      const figures = await digestFigures(deps.sql, periodStart, periodEnd);
      let documentsInIndex: number | null = null;
      if (deps.es) {
        documentsInIndex = await deps.es
          .count({ index: deps.config.elasticsearch.alias })
          .then((r) => r.count)
          .catch(() => null);
      }
      return { ...figures, periodStart, periodEnd, documentsInIndex, adminUrl: `${deps.config.publicUrl}/admin-dashboard/` };
    },
  };
}
