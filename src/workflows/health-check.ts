// healthCheck: run every minute by two Temporal Schedules, one on the health task queue (served by the watcher
// process) and one on the import task queue (served by the worker process), so that each process reports the
// other gone. An alert goes out once when a component goes down and once when it is back: the state lives in
// PostgreSQL (health_alerts, row-locked), so two checks at the same minute send it once.
import { proxyActivities, startChild, workflowInfo } from '@temporalio/workflow';
import type { HealthCheckActivities } from '../activities';
import { deliverNotice } from './deliver-notice';

const { checkHealth } = proxyActivities<HealthCheckActivities>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 3 } });

export async function healthCheck(): Promise<string[]> {
  const alerts = await checkHealth();
  for (const alert of alerts) {
    const key = `alert:${alert.component}:${alert.kind}:${new Date(alert.since).toISOString()}`;
    await startChild(deliverNotice, {
      workflowId: `notify-${workflowInfo().taskQueue}-${key}`.replace(/[^A-Za-z0-9:._-]/g, '_'),
      args: [{ key, notice: { type: 'alert', ...alert }, importId: null }],
      parentClosePolicy: 'ABANDON',
    });
  }
  return alerts.map((a) => a.kind);
}
