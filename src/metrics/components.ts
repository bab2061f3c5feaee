// `course_import_component_up`: whether the watcher and the workers are up, for alerting from Prometheus as well
// as from the health check's emails and webhooks. Read at scrape time by the same rules as the admin's
// consumer status (src/monitoring/status.ts), so Prometheus, the admin and GET .../consumer/status/ agree.
import client from 'prom-client';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Sql } from '../db/client';
import { watcherStatus, workerStatus } from '../monitoring/status';
import { registry } from './registry';

export interface ComponentSources {
  sql: Sql;
  /** Without a Temporal client the worker series is left out (unknown), never reported as down. */
  temporal: Client | null;
  config: Pick<Config, 'temporal' | 'health'>;
}

let sources: ComponentSources | null = null;

/** Points the component gauge at this process's clients (the metrics server does, see server.ts). */
export function bindComponentSources(s: ComponentSources): void {
  sources = s;
}

new client.Gauge({
  name: 'course_import_component_up',
  help:
    'Whether a pipeline component is up (1) or down (0): watcher = a heartbeat fresher than HEALTH_STALE_AFTER; ' +
    'worker = workflow and activity pollers on the import task queue fresher than WORKER_STALE_AFTER (0 when Temporal cannot be asked)',
  labelNames: ['component'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    if (!sources) return;
    const { sql, temporal, config } = sources;
    const [watcher, workers] = await Promise.all([
      watcherStatus(sql, config.health.staleAfterSeconds),
      temporal ? workerStatus(temporal, config.temporal.namespace, config.temporal.taskQueue, config.health.workerStaleAfterSeconds) : null,
    ]);
    this.set({ component: 'watcher' }, watcher.healthy ? 1 : 0);
    if (workers) this.set({ component: 'worker' }, workers.healthy ? 1 : 0);
  },
});
