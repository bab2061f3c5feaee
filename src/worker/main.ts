// The Temporal worker process (`npm run worker`): runs the import workflows and their activities on TASK_QUEUE,
// creates the Schedules (daily digest, health, housekeeping, feeds) and serves the worker's /metrics.
import { ensureCourseIndex } from '../search/indexer';
import { seedTaxonomyAtStart } from '../categories/reindex';
import { connectClient, ensureSearchAttributes } from '../temporal/connect';
import { connectWorker } from '../temporal/connect-worker';
import { installTemporalRuntime } from '../temporal/runtime';
import { ensureSchedules } from '../temporal/schedules';
import { ensureFeedSchedules } from '../temporal/feed-schedules';
import { createNotifier } from '../notify/deliver';
import { bundleInChildProcess, createWorker } from './create-worker';
import { startMetricsServer } from '../metrics/server';
import { runProcess } from '../process/boot';

runProcess('worker', async ({ config, log, sql, es }) => {
  // Before any Temporal connection. A busy metrics port (a second worker on this host) is a warning, never a
  // crash: see src/metrics/server.ts.
  const temporalMetricsPort = await installTemporalRuntime(log, config.logLevel === 'debug' || config.logLevel === 'trace' ? 'DEBUG' : 'INFO', config.metrics.temporalPort, config.metrics.host);
  if (es) await ensureCourseIndex(es, config.elasticsearch.alias);
  // Issue 14: the category taxonomy seeded from the categories already present (once, while it is empty).
  await seedTaxonomyAtStart({ sql, es, alias: config.elasticsearch.alias, bulkSize: config.elasticsearch.bulkSize, concurrency: config.elasticsearch.bulkConcurrency }, log);

  const client = await connectClient(config.temporal);
  try {
    const added = await ensureSearchAttributes(client, config.temporal.namespace);
    if (added.length) log.info({ added }, 'search attributes registered');
  } catch (err) {
    log.warn({ err }, 'could not check the search attributes (Temporal Cloud: create ImportStatus, ImportSource, ImportFileName as Keyword)');
  }
  await ensureSchedules(client, config);
  // Feeds (issue 12): a feed whose Schedule is missing (namespace restored or moved) gets it back.
  const feedSchedules = await ensureFeedSchedules(client, config, sql);
  if (feedSchedules.length) log.info({ feeds: feedSchedules }, 'feed schedules re-created');

  const connection = await connectWorker(config.temporal);
  const deps = { sql, es, config, logger: log, notifier: createNotifier(config.notifications) };
  // Built in a child process: none of the bundler's memory stays in this one. The health check runs on this
  // worker's own task queue (a schedule of its own, src/temporal/schedules.ts): one Temporal worker per process.
  const worker = await createWorker({ connection, config, deps, workflowBundle: await bundleInChildProcess() });
  // WORKER_METRICS_PORT=off turns the endpoint off, 0 takes any free port; a busy port only turns it off.
  const metrics = await startMetricsServer({ sql, es, config, logger: log, temporal: client });
  log.info({ taskQueue: config.temporal.taskQueue, address: config.temporal.address, metrics: metrics?.url ?? 'off', temporalMetricsPort: temporalMetricsPort ?? 'off' }, 'worker started');
  // Temporal's runtime stops the worker on SIGINT / SIGTERM (running activities drain first); then this returns.
  await worker.run();
  await metrics?.close();
  await connection.close();
  await client.connection.close();
});
