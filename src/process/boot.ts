// The one start-up of the long-running processes (the worker, the watcher, the admin server): configuration read
// and checked, the process's logger, the PostgreSQL pool with the schema migrated before anything writes, the
// Elasticsearch client when search is on, and one way to stop (SIGINT / SIGTERM: the process's own stop first,
// then the shared clients) or to fail (logged as fatal, exit code 1). Each process adds only what is its own.
import { loadConfig, type Config } from '../config';
import { logger, type Logger } from '../logger';
import { createSql, type Sql } from '../db/client';
import { migrate } from '../db/migrate';
import { createSearchClient, type SearchClient } from '../search/client';

/** What every process starts with. */
export interface ProcessContext {
  config: Config;
  /** The process's logger: every line carries `process: <name>`. */
  log: Logger;
  /** The PostgreSQL pool, its schema migrated (src/db/migrations) before `main` runs. */
  sql: Sql;
  /** The Elasticsearch client, or null when ELASTICSEARCH_ENABLED is off. */
  es: SearchClient | null;
}

/** How a process stops: `main` gives it; called once, on the first SIGINT or SIGTERM. */
export type StopProcess = () => Promise<void>;

export interface BootOptions {
  /** The PostgreSQL pool's size (connections); default DATABASE_POOL_SIZE. */
  poolSize?: (config: Config) => number;
}

/**
 * Runs one process: boots the shared clients, then `main`. When `main` returns a stop function, the process runs
 * until SIGINT / SIGTERM, which call it and then close the shared clients (exit code 0). When `main` returns
 * nothing, the process ends when it does (the worker: Temporal's runtime stops it on those signals itself, and
 * `main` resolves after the worker has drained). Any error of the start-up or of `main` is logged as fatal and
 * ends the process with exit code 1: a supervisor (npm start's, systemd, Kubernetes) restarts it.
 */
export function runProcess(name: string, main: (ctx: ProcessContext) => Promise<StopProcess | void>, options: BootOptions = {}): void {
  const log = logger.child({ process: name });
  let shared: ProcessContext | null = null;

  const closeShared = async () => {
    if (!shared) return;
    await shared.sql.end({ timeout: 5 });
    await shared.es?.close();
  };

  const start = async () => {
    const config = loadConfig();
    const sql = createSql(config.databaseUrl, options.poolSize?.(config) ?? config.databasePoolSize, config.databaseSchema);
    // Under an advisory lock (src/db/migrate.ts): processes starting together wait for the first one's migration.
    const applied = await migrate(sql);
    if (applied.length) log.info({ applied }, 'database migrated');
    const es = config.elasticsearch.enabled ? createSearchClient(config.elasticsearch.url) : null;
    shared = { config, log, sql, es };
    const stop = await main(shared);
    if (!stop) {
      await closeShared();
      return;
    }
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, `${name} stopping`);
      stop()
        .then(closeShared)
        .then(
          () => process.exit(0),
          (err: unknown) => {
            log.error({ err }, `${name} did not stop cleanly`);
            process.exit(1);
          },
        );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  };

  start().catch((err: unknown) => {
    log.fatal({ err }, err instanceof Error ? err.message : `${name} failed`);
    process.exit(1);
  });
}
