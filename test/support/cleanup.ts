// What a test environment (createTestEnv) or a benchmark leaves on the shared services, and how it goes:
// its Temporal Schedules (the worker creates three per task queue, each starting a health check every minute),
// its open workflows, its PostgreSQL schema, its Elasticsearch indices and its ingest folder. close() removes
// its own; sweepLeftovers() removes those of runs that were interrupted (killed, Ctrl-C) before their close().
import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Sql } from '../../src/db/client';
import type { SearchClient } from '../../src/search/client';

/** The task queues of a test environment named `name` (createTestEnv): imports, the health check, the bench's no-op floor. */
export function testTaskQueues(name: string): string[] {
  return [`test-${name}`, `test-health-${name}`, `test-${name}-noop`];
}

/** Every schedule whose id starts with one of the task queues (scheduleIds() derives them so), deleted. Returns their ids. */
export async function deleteSchedules(client: Client, taskQueues: string[]): Promise<string[]> {
  const deleted: string[] = [];
  for await (const s of client.schedule.list()) {
    if (!taskQueues.some((q) => s.scheduleId.startsWith(`${q}-`))) continue;
    await client.schedule.getHandle(s.scheduleId).delete().catch(() => {});
    deleted.push(s.scheduleId);
  }
  return deleted;
}

const quote = (s: string) => `'${s.replace(/'/g, "\\'")}'`;

/** Visibility query for the running workflows of these task queues. */
export function runningOnQueries(taskQueues: string[]): string {
  return `ExecutionStatus = 'Running' AND (${taskQueues.map((q) => `TaskQueue = ${quote(q)}`).join(' OR ')})`;
}

/** Terminates every running workflow on these task queues (no worker will ever serve them again). */
export async function terminateRunning(client: Client, taskQueues: string[], reason: string): Promise<number> {
  let n = 0;
  for await (const wf of client.workflow.list({ query: runningOnQueries(taskQueues) })) {
    await client.workflow.getHandle(wf.workflowId, wf.runId).terminate(reason).catch(() => {});
    n += 1;
  }
  return n;
}

// Names of createTestEnv: schema t_<name>, index courses_t_<name>_vN behind the alias, queues test-<name>.
const TEST_QUEUE = /^test-(?:health-)?([a-z0-9_]+?)(?:-noop)?$/;

export interface SweepReport {
  schedules: string[];
  workflows: number;
  schemas: string[];
  indices: string[];
  folders: string[];
}

/**
 * Removes what test and benchmark runs left behind when they were interrupted: schedules of test task queues,
 * running workflows on them, schemas `t_*`, indices `courses_t_*` and ingest folders `ingest-*` in the temp
 * folder, each only when older than `olderThanMs` milliseconds (a run of another shell may be going on now).
 */
export async function sweepLeftovers(
  deps: { client: Client; sql: Sql; es: SearchClient },
  olderThanMs: number,
  /** Only this environment's leftovers (the suite's own test of the sweep must never touch another run's). */
  onlyEnv?: { name: string; ingestDir: string },
): Promise<SweepReport> {
  const cutoff = Date.now() - olderThanMs;
  const queues = onlyEnv ? testTaskQueues(onlyEnv.name) : null;
  const mine = {
    schedule: (id: string) => (queues ? queues.some((q) => id.startsWith(`${q}-`)) : /^test-/.test(id)),
    queue: (q: string) => (queues ? queues.includes(q) : TEST_QUEUE.test(q)),
    schema: (n: string) => (onlyEnv ? n === `t_${onlyEnv.name}` : /^t_[a-z0-9_]+$/.test(n)),
    index: (i: string) => (onlyEnv ? i.startsWith(`courses_t_${onlyEnv.name}_`) : true),
    folder: (full: string) => (onlyEnv ? full === onlyEnv.ingestDir : /^ingest-[a-z0-9_]+-/.test(path.basename(full))),
  };
  const report: SweepReport = { schedules: [], workflows: 0, schemas: [], indices: [], folders: [] };

  for await (const s of deps.client.schedule.list()) {
    if (!mine.schedule(s.scheduleId)) continue;
    const { info } = await deps.client.schedule.getHandle(s.scheduleId).describe().catch(() => ({ info: null }));
    if (info && info.createdAt.getTime() > cutoff) continue;
    await deps.client.schedule.getHandle(s.scheduleId).delete().catch(() => {});
    report.schedules.push(s.scheduleId);
  }
  const since = new Date(cutoff).toISOString();
  for await (const wf of deps.client.workflow.list({ query: `ExecutionStatus = 'Running' AND StartTime < '${since}'` })) {
    if (!mine.queue(wf.taskQueue)) continue;
    await deps.client.workflow.getHandle(wf.workflowId, wf.runId).terminate('left behind by an interrupted test run').catch(() => {});
    report.workflows += 1;
  }

  const schemas = await deps.sql<{ nspname: string }[]>`SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%'`;
  for (const { nspname } of schemas) {
    if (!/^t_[a-z0-9_]+$/.test(nspname) || !mine.schema(nspname)) continue;
    // Its age: when its first migration was applied (a schema still being created has none yet: left alone).
    const [row] = await deps.sql<{ at: Date | null }[]>`
      SELECT (SELECT min(applied_at) FROM ${deps.sql(nspname)}.schema_migrations) AS at`.catch(() => [{ at: null }]);
    if (!row?.at || row.at.getTime() > cutoff) continue;
    await deps.sql.unsafe(`DROP SCHEMA IF EXISTS ${nspname} CASCADE`);
    report.schemas.push(nspname);
  }

  const indices = await deps.es.cat.indices({ index: 'courses_t_*', format: 'json', h: ['index', 'creation.date'] }).catch(() => []);
  for (const i of indices as { index?: string; 'creation.date'?: string }[]) {
    if (!i.index || !mine.index(i.index) || Number(i['creation.date']) > cutoff) continue;
    await deps.es.indices.delete({ index: i.index, ignore_unavailable: true }).catch(() => {});
    report.indices.push(i.index);
  }

  for (const entry of await readdir(tmpdir()).catch(() => [] as string[])) {
    const full = path.join(tmpdir(), entry);
    if (!mine.folder(full)) continue;
    const st = await stat(full).catch(() => null);
    if (!st || st.mtimeMs > cutoff) continue;
    await rm(full, { recursive: true, force: true });
    report.folders.push(full);
  }
  return report;
}
