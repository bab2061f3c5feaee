import { readdir } from 'node:fs/promises';
import client from 'prom-client';
import type { Sql } from '../db/client';
import type { SearchClient } from '../search/client';
import { ingestPath } from '../ingest/paths';
import { SHOWN_FOLDERS } from '../monitoring/status';

// Counts that belong to the pipeline as a whole (imports, rows, notifications, files, documents) are read from
// PostgreSQL, the folders and Elasticsearch at scrape time: they agree whichever process is scraped and survive
// restarts. Step durations are observed where the steps run, in this process.

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'course_import_process_' });

export const stepDuration = new client.Histogram({
  name: 'course_import_step_duration_seconds',
  help: 'Duration of each import step (activity attempt), by outcome',
  labelNames: ['step', 'outcome'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  registers: [registry],
});

export interface ScrapeSources {
  sql: Sql;
  es: SearchClient | null;
  alias: string;
  ingestDir: string;
}

let sources: ScrapeSources | null = null;

/** Points the scrape-time metrics at this process's clients. */
export function bindScrapeSources(s: ScrapeSources): void {
  sources = s;
}

new client.Counter({
  name: 'course_import_imports_total',
  help: 'Imports recorded in the ledger, by status and source',
  labelNames: ['status', 'source'] as const,
  registers: [registry],
  async collect() {
    if (!sources) return;
    this.reset();
    const rows = await sources.sql<{ status: string; source: string; n: number }[]>`SELECT status, source, count(*)::int AS n FROM imports GROUP BY status, source`;
    for (const r of rows) this.inc({ status: r.status, source: r.source }, r.n);
  },
});

new client.Counter({
  name: 'course_import_rows_total',
  help: 'Rows of finished imports, by action',
  labelNames: ['action'] as const,
  registers: [registry],
  async collect() {
    if (!sources) return;
    this.reset();
    const [r] = await sources.sql<{ created: number; updated: number; unchanged: number; skipped: number; failed: number }[]>`
      SELECT coalesce(sum((counts->>'created')::int), 0)::int AS created, coalesce(sum((counts->>'updated')::int), 0)::int AS updated,
        coalesce(sum((counts->>'unchanged')::int), 0)::int AS unchanged, coalesce(sum((counts->>'skipped')::int), 0)::int AS skipped,
        coalesce(sum((counts->>'failed')::int), 0)::int AS failed
      FROM imports WHERE status IN ('succeeded', 'succeeded_with_errors')`;
    if (r) for (const [action, n] of Object.entries(r)) this.inc({ action }, n);
  },
});

new client.Counter({
  name: 'course_import_notifications_total',
  help: 'Notifications by channel kind and status (sent, failed, pending)',
  labelNames: ['channel', 'status'] as const,
  registers: [registry],
  async collect() {
    if (!sources) return;
    this.reset();
    const rows = await sources.sql<{ channel: string; status: string; n: number }[]>`
      SELECT split_part(channel, ':', 1) AS channel, status, count(*)::int AS n FROM notification_deliveries GROUP BY 1, 2`;
    for (const r of rows) this.inc({ channel: r.channel, status: r.status }, r.n);
  },
});

new client.Gauge({
  name: 'course_import_ingest_files',
  help: 'Files in each ingest folder',
  labelNames: ['folder'] as const,
  registers: [registry],
  async collect() {
    if (!sources) return;
    for (const folder of SHOWN_FOLDERS) {
      const names = await readdir(ingestPath(sources.ingestDir, folder)).catch(() => []);
      this.set({ folder }, names.filter((n) => !n.startsWith('.') && !n.endsWith('.report.json')).length);
    }
  },
});

new client.Gauge({
  name: 'course_import_documents_indexed',
  help: 'Course documents behind the Elasticsearch alias',
  registers: [registry],
  async collect() {
    if (!sources?.es) return;
    const res = await sources.es.count({ index: sources.alias }).catch(() => null);
    if (res) this.set(res.count);
  },
});

/** Wraps every activity so its duration lands in the step histogram, whatever the outcome. */
export function instrumentActivities<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      const end = stepDuration.startTimer({ step: name });
      try {
        const result = await fn(...args);
        end({ outcome: 'success' });
        return result;
      } catch (err) {
        end({ outcome: 'failure' });
        throw err;
      }
    };
  }
  return wrapped as T;
}
