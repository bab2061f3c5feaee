import { loadConfig } from '../config';
import { logger } from '../logger';
import { createSql } from '../db/client';
import { migrate } from '../db/migrate';
import { createSearchClient } from '../search/client';
import { ensureCourseIndex } from '../search/indexer';
import { connectClient, connectWorker, ensureSearchAttributes } from '../temporal/connect';
import { installTemporalLogging } from '../temporal/runtime';
import { ensureSchedules } from '../temporal/schedules';
import { createNotifier } from '../notify/deliver';
import { bundleInThread, createWorker } from './create-worker';
import { createHealthWorker } from './health-worker';
import { startMetricsServer } from '../metrics/server';

const log = logger.child({ process: 'worker' });

async function main() {
  const config = loadConfig();
  installTemporalLogging(log, config.logLevel === 'debug' || config.logLevel === 'trace' ? 'DEBUG' : 'INFO', config.metrics.temporalPort);
  const sql = createSql(config.databaseUrl, config.databasePoolSize, config.databaseSchema);
  const applied = await migrate(sql);
  if (applied.length) log.info({ applied }, 'database migrated');

  const es = config.elasticsearch.enabled ? createSearchClient(config.elasticsearch.url) : null;
  if (es) await ensureCourseIndex(es, config.elasticsearch.alias);

  const client = await connectClient(config.temporal);
  try {
    const added = await ensureSearchAttributes(client, config.temporal.namespace);
    if (added.length) log.info({ added }, 'search attributes registered');
  } catch (err) {
    log.warn({ err }, 'could not check the search attributes (Temporal Cloud: create ImportStatus, ImportSource, ImportFileName as Keyword)');
  }
  await ensureSchedules(client, config);

  const connection = await connectWorker(config.temporal);
  const deps = { sql, es, config, logger: log, notifier: createNotifier(config.notifications) };
  // One bundle for both workers, built in a thread whose heap is freed afterwards (about 100 MB less RSS).
  const workflowBundle = await bundleInThread();
  const worker = await createWorker({ connection, config, deps, workflowBundle });
  const health = await createHealthWorker({ connection, config, deps, workflowBundle });
  // WORKER_METRICS_PORT=0 turns the endpoint off (several workers on one host, tests).
  const metrics = config.metrics.workerPort > 0 ? await startMetricsServer({ sql, es, config, logger: log }) : null;
  log.info({ taskQueue: config.temporal.taskQueue, address: config.temporal.address, metrics: metrics?.url ?? 'off' }, 'worker started');
  await Promise.all([worker.run(), health.run()]);
  await metrics?.close();
  await sql.end({ timeout: 5 });
  await connection.close();
  await client.connection.close();
}

main().catch((err) => {
  log.fatal({ err }, err instanceof Error ? err.message : 'worker failed');
  process.exit(1);
});
