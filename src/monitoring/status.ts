// What operators look at: the ingest folders, the imports running now (Temporal + the ledger's progress),
// the workers polling the task queue (from Temporal), the watcher (its heartbeats), Elasticsearch.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { lastHousekeeping, type HousekeepingRun } from '../db/housekeeping';
import type { Sql } from '../db/client';
import type { SearchClient } from '../search/client';
import { listHeartbeats } from '../db/heartbeats';
import { importsByWorkflowIds, recentFailures } from '../db/dashboard-queries';
import type { ImportRecord } from '../db/imports';
import { searchStatus, type SearchStatus } from '../search/status';

/** The ingest folders an operator watches (incoming/ is a staging area of a few seconds: not shown). */
export const SHOWN_FOLDERS = ['drop', 'processing', 'processed', 'error'] as const;
export type IngestFolder = (typeof SHOWN_FOLDERS)[number];

export interface FolderStatus {
  name: IngestFolder;
  path: string;
  count: number;
  newest: { name: string; sizeBytes: number; modifiedAt: string }[];
  error: string | null;
}

/** Beyond this many entries a folder's newest files are looked for among the first ones read only. */
const MAX_STAT = 5000;

export async function folderStatus(ingestDir: string, name: IngestFolder, newest = 5): Promise<FolderStatus> {
  const dir = path.join(ingestDir, name);
  try {
    const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.'));
    const stats = await Promise.all(
      entries.slice(0, MAX_STAT).map(async (e) => {
        const s = await stat(path.join(dir, e.name)).catch(() => null);
        return s ? { name: e.name, sizeBytes: s.size, modifiedAt: s.mtime.toISOString() } : null;
      }),
    );
    const files = stats.filter((s): s is NonNullable<typeof s> => s !== null).sort((a, b) => b.modifiedAt.localeCompare(a.modifiedAt));
    return { name, path: dir, count: entries.length, newest: files.slice(0, newest), error: null };
  } catch (err) {
    return { name, path: dir, count: 0, newest: [], error: err instanceof Error ? err.message : String(err) };
  }
}

export async function foldersStatus(ingestDir: string): Promise<FolderStatus[]> {
  return Promise.all(SHOWN_FOLDERS.map((f) => folderStatus(ingestDir, f)));
}

export interface Poller {
  identity: string;
  lastAccessAt: string | null;
  ratePerSecond: number | null;
}

export interface WorkerStatus {
  taskQueue: string;
  healthy: boolean;
  workflowPollers: Poller[];
  activityPollers: Poller[];
  error: string | null;
}

function toDate(t: { seconds?: unknown; nanos?: number | null } | null | undefined): string | null {
  if (!t || t.seconds == null) return null;
  // Long (protobufjs) or number: both have toString().
  const ms = Number(String(t.seconds)) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
  return new Date(ms).toISOString();
}

/** Pollers Temporal saw on the task queue (workflow and activity task types). */
export async function workerStatus(client: Client, namespace: string, taskQueue: string, staleAfterSeconds: number): Promise<WorkerStatus> {
  try {
    const describe = async (taskQueueType: number): Promise<Poller[]> => {
      const res = await client.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue, kind: 1 }, taskQueueType });
      return (res.pollers ?? []).map((p) => ({ identity: p.identity ?? '', lastAccessAt: toDate(p.lastAccessTime), ratePerSecond: p.ratePerSecond ?? null }));
    };
    // temporal.api.enums.v1.TaskQueueType: 1 = workflow, 2 = activity.
    const [workflowPollers, activityPollers] = await Promise.all([describe(1), describe(2)]);
    const fresh = (p: Poller) => p.lastAccessAt !== null && Date.now() - Date.parse(p.lastAccessAt) < staleAfterSeconds * 1000;
    return { taskQueue, healthy: workflowPollers.some(fresh) && activityPollers.some(fresh), workflowPollers, activityPollers, error: null };
  } catch (err) {
    return { taskQueue, healthy: false, workflowPollers: [], activityPollers: [], error: err instanceof Error ? err.message : String(err) };
  }
}

export interface WatcherStatus {
  healthy: boolean;
  instances: { instance: string; lastSeenAt: string; startedAt: string; stale: boolean; detail: Record<string, unknown> | null }[];
}

/** What `npm start`'s supervisor reports: its processes, their restarts and last exits (see src/supervisor). */
export interface SupervisorStatus {
  instance: string;
  lastSeenAt: string;
  processes: { name: string; pid: number | null; restarts: number; lastExit: { code: number | null; signal: string | null; at: string } | null }[];
}

export async function supervisorStatus(sql: Sql): Promise<SupervisorStatus[]> {
  return (await listHeartbeats(sql))
    .filter((h) => h.component === 'supervisor')
    .map((h) => ({ instance: h.instance, lastSeenAt: h.last_seen_at.toISOString(), processes: (h.detail?.processes as SupervisorStatus['processes'] | undefined) ?? [] }));
}

export async function watcherStatus(sql: Sql, staleAfterSeconds: number): Promise<WatcherStatus> {
  const beats = (await listHeartbeats(sql)).filter((h) => h.component === 'watcher');
  const instances = beats.map((h) => ({
    instance: h.instance,
    lastSeenAt: h.last_seen_at.toISOString(),
    startedAt: h.started_at.toISOString(),
    stale: Date.now() - h.last_seen_at.getTime() > staleAfterSeconds * 1000,
    detail: h.detail,
  }));
  return { healthy: instances.some((i) => !i.stale), instances };
}

export interface RunningImport {
  workflowId: string;
  importId: string | null;
  fileName: string | null;
  source: string | null;
  startedAt: string | null;
  status: string;
  step: string | null;
  parsed: number;
  normalized: number;
  upserted: number;
  indexed: number;
}

/** Open importFile runs of this task queue (Temporal visibility), with the ledger's progress columns. */
export async function runningImports(client: Client, sql: Sql, taskQueue: string, limit = 50): Promise<RunningImport[]> {
  const runs: { workflowId: string; startTime: Date }[] = [];
  const query = `ExecutionStatus = 'Running' AND WorkflowType = 'importFile' AND TaskQueue = '${taskQueue.replace(/'/g, "''")}'`;
  for await (const wf of client.workflow.list({ query })) {
    runs.push({ workflowId: wf.workflowId, startTime: wf.startTime });
    if (runs.length >= limit) break;
  }
  const ledger = new Map<string, ImportRecord>((await importsByWorkflowIds(sql, runs.map((r) => r.workflowId))).map((r) => [r.workflow_id, r]));
  return runs.map((r) => {
    const rec = ledger.get(r.workflowId);
    return {
      workflowId: r.workflowId,
      importId: rec?.id ?? null,
      fileName: rec?.file_name ?? null,
      source: rec?.source ?? null,
      startedAt: r.startTime.toISOString(),
      status: rec?.status ?? 'queued',
      step: rec?.step ?? null,
      parsed: rec?.rows_parsed ?? 0,
      normalized: rec?.rows_normalized ?? 0,
      upserted: rec?.rows_upserted ?? 0,
      indexed: rec?.rows_indexed ?? 0,
    };
  });
}

export interface ConsumerStatus {
  status: 'ok' | 'degraded';
  checkedAt: string;
  watcher: WatcherStatus;
  workers: WorkerStatus;
  folders: { name: IngestFolder; count: number; newest: string | null }[];
}

export interface MonitoringDeps {
  config: Pick<Config, 'temporal' | 'elasticsearch' | 'ingestDir' | 'health'>;
  sql: Sql;
  es: SearchClient | null;
  temporal: Client;
}

/** The JSON of GET /admin-dashboard/pipeline/consumer/status/: is the consumer (watcher + workers) alive. */
export async function consumerStatus(deps: MonitoringDeps): Promise<ConsumerStatus> {
  const [watcher, workers, folders] = await Promise.all([
    watcherStatus(deps.sql, deps.config.health.staleAfterSeconds),
    workerStatus(deps.temporal, deps.config.temporal.namespace, deps.config.temporal.taskQueue, deps.config.health.workerStaleAfterSeconds),
    foldersStatus(deps.config.ingestDir),
  ]);
  return {
    status: watcher.healthy && workers.healthy ? 'ok' : 'degraded',
    checkedAt: new Date().toISOString(),
    watcher,
    workers,
    folders: folders.map((f) => ({ name: f.name, count: f.count, newest: f.newest[0]?.modifiedAt ?? null })),
  };
}

export interface MonitoringSnapshot {
  checkedAt: string;
  folders: FolderStatus[];
  running: RunningImport[];
  runningError: string | null;
  workers: WorkerStatus;
  watcher: WatcherStatus;
  search: SearchStatus;
  failures: { id: string; fileName: string; at: string; code: string | null; message: string | null }[];
  /** The last run of the housekeeping Schedule (staging retention, janitor), null before the first. */
  housekeeping: HousekeepingRun | null;
  supervisors: SupervisorStatus[];
}

export async function monitoringSnapshot(deps: MonitoringDeps): Promise<MonitoringSnapshot> {
  let runningError: string | null = null;
  const [folders, running, workers, watcher, search, failures, housekeeping, supervisors] = await Promise.all([
    foldersStatus(deps.config.ingestDir),
    runningImports(deps.temporal, deps.sql, deps.config.temporal.taskQueue).catch((err: unknown) => {
      runningError = err instanceof Error ? err.message : String(err);
      return [];
    }),
    workerStatus(deps.temporal, deps.config.temporal.namespace, deps.config.temporal.taskQueue, deps.config.health.workerStaleAfterSeconds),
    watcherStatus(deps.sql, deps.config.health.staleAfterSeconds),
    searchStatus(deps.es, deps.sql, deps.config.elasticsearch.alias),
    recentFailures(deps.sql, 24, 20),
    lastHousekeeping(deps.sql),
    supervisorStatus(deps.sql),
  ]);
  return {
    checkedAt: new Date().toISOString(),
    folders,
    running,
    runningError,
    workers,
    watcher,
    search,
    failures: failures.map((f) => ({ id: f.id, fileName: f.file_name, at: (f.finished_at ?? f.created_at).toISOString(), code: f.error_code, message: f.error_message, params: f.error_params ?? null })),
    housekeeping,
    supervisors,
  };
}
