// A private corner of the real stack for one test file: its own PostgreSQL schema, Elasticsearch alias,
// Temporal task queue and ingest folder, so test files can run side by side on the same services.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundle, type Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { loadConfig, type Config } from '../../src/config';
import { createSql, type Sql } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import { createSearchClient, type SearchClient } from '../../src/search/client';
import { ensureCourseIndex } from '../../src/search/indexer';
import { connectClient } from '../../src/temporal/connect';
import { connectWorker } from '../../src/temporal/connect-worker';
import { createWorker, workflowsPath } from '../../src/worker/create-worker';
import { logger } from '../../src/logger';
import { createNotifier } from '../../src/notify/deliver';
import { installTemporalLogging } from '../../src/temporal/runtime';
import { DropWatcher } from '../../src/watcher/drop-watcher';
import type { ImportRecord } from '../../src/db/imports';
import { deleteSchedules, terminateRunning, testTaskQueues } from './cleanup';
import { eventually } from './wait';

installTemporalLogging(logger, 'ERROR');

let bundle: Promise<WorkflowBundle> | undefined;
/** The workflows bundled once per test process (webpack takes seconds). */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
  return bundle;
}

export interface TestEnv {
  name: string;
  env: NodeJS.ProcessEnv;
  config: Config;
  sql: Sql;
  es: SearchClient;
  client: Client;
  ingestDir: string;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  folder(name: 'drop' | 'processing' | 'processed' | 'error' | 'incoming'): string;
  list(name: 'drop' | 'processing' | 'processed' | 'error'): Promise<string[]>;
  drop(fileName: string, content: string | Buffer): Promise<string>;
  close(): Promise<void>;
}

export async function createTestEnv(label: string, overrides: Record<string, string> = {}): Promise<TestEnv> {
  const name = `${label}_${randomBytes(3).toString('hex')}`;
  const ingestDir = await mkdtemp(path.join(tmpdir(), `ingest-${label}-`));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_SCHEMA: `t_${name}`,
    TEMPORAL_TASK_QUEUE: `test-${name}`,
    // Workflow ids are namespace-wide: each suite gets its own, or identical files in two suites would meet.
    WORKFLOW_ID_PREFIX: `import-${name}`,
    HEALTH_TASK_QUEUE: `test-health-${name}`,
    // Worker processes spawned by tests do not serve metrics (a test that wants them asks for port 0).
    WORKER_METRICS_PORT: 'off',
    TEMPORAL_METRICS_PORT: 'off',
    ELASTICSEARCH_INDEX: `courses_t_${name}`,
    INGEST_DIR: ingestDir,
    ACTIVITY_HEARTBEAT_TIMEOUT: '5s',
    IMPORT_BATCH_SIZE: '500',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...overrides,
  };
  const config = loadConfig(env);
  const sql = createSql(config.databaseUrl, 5, config.databaseSchema);
  await migrate(sql);
  const es = createSearchClient(config.elasticsearch.url);
  await ensureCourseIndex(es, config.elasticsearch.alias);
  const client = await connectClient(config.temporal);
  for (const f of ['drop', 'incoming', 'processing', 'processed', 'error']) await mkdir(path.join(ingestDir, f), { recursive: true });

  let worker: Worker | null = null;
  let running: Promise<void> | null = null;
  const log = logger.child({ test: name });

  const t: TestEnv = {
    name,
    env,
    config,
    sql,
    es,
    client,
    ingestDir,
    async startWorker() {
      const connection = await connectWorker(config.temporal);
      worker = await createWorker({ connection, config, deps: { sql, es, config, logger: log, notifier: createNotifier(config.notifications) }, workflowBundle: await workflowBundle() });
      running = worker.run().finally(() => connection.close());
    },
    async stopWorker() {
      if (worker && worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      worker = null;
    },
    folder: (f) => path.join(ingestDir, f),
    list: async (f) => (await readdir(path.join(ingestDir, f))).filter((n) => !n.startsWith('.')).sort(),
    async drop(fileName, content) {
      // Written under a dot-name then renamed, as a careful producer would: the watcher never sees half a file.
      const tmp = path.join(ingestDir, 'drop', `.${fileName}.tmp`);
      await writeFile(tmp, content);
      const dest = path.join(ingestDir, 'drop', fileName);
      await rename(tmp, dest);
      return dest;
    },
    async close() {
      await t.stopWorker();
      // The worker (a spawned one too) created schedules on this env's task queues, each starting a health check
      // every minute that no worker will serve any more; open workflows there would wait for ever.
      const queues = testTaskQueues(name);
      await deleteSchedules(client, queues).catch((err: unknown) => log.warn({ err }, 'could not delete the schedules'));
      await terminateRunning(client, queues, 'test environment closed').catch((err: unknown) => log.warn({ err }, 'could not terminate the workflows'));
      await sql.unsafe(`DROP SCHEMA IF EXISTS ${config.databaseSchema} CASCADE`);
      await sql.end({ timeout: 5 });
      await es.indices.delete({ index: `${config.elasticsearch.alias}_*`, ignore_unavailable: true, allow_no_indices: true }).catch(() => {});
      await es.close();
      await client.connection.close();
      await rm(ingestDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** The single number a `SELECT count(*)::int AS n …` returns. */
export async function count(query: PromiseLike<readonly { n: number }[]>): Promise<number> {
  const rows = await query;
  if (rows.length !== 1 || typeof rows[0]?.n !== 'number') throw new Error(`expected one row with a number n, got ${JSON.stringify(rows)}`);
  return rows[0].n;
}

/** A private stack corner with its worker and a drop-folder watcher running, as `npm start` would have them. */
export async function createDropFolderEnv(label: string, overrides: Record<string, string> = {}): Promise<{ t: TestEnv; watcher: DropWatcher; close(): Promise<void> }> {
  const t = await createTestEnv(label, overrides);
  await t.startWorker();
  const watcher = new DropWatcher({ client: t.client, sql: t.sql, config: t.config, logger: logger.child({ test: label, component: 'watcher' }) });
  await watcher.start();
  return {
    t,
    watcher,
    async close() {
      await watcher.close();
      await t.close();
    },
  };
}

/** The n-th (1-based) finished import of a file name, waited for as a user watching the history page would. */
export async function finishedImport(t: TestEnv, fileName: string, n = 1, timeoutMs = 60_000): Promise<ImportRecord> {
  return eventually(async () => {
    const rows = await t.sql<ImportRecord[]>`SELECT * FROM imports WHERE file_name = ${fileName} AND finished_at IS NOT NULL ORDER BY created_at`;
    return rows.length >= n ? rows[n - 1] : undefined;
  }, `import ${n} of ${fileName} to finish`, timeoutMs);
}
