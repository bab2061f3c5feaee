import { loadConfig } from '../config';
import { logger } from '../logger';
import { createSql } from '../db/client';
import { migrate } from '../db/migrate';
import { createSearchClient } from '../search/client';
import { connectClient, connectWorker } from '../temporal/connect';
import { installTemporalLogging } from '../temporal/runtime';
import { createNotifier } from '../notify/deliver';
import { createHealthWorker } from '../worker/health-worker';
import { bundleInChildProcess } from '../worker/create-worker';
import { DropWatcher } from './drop-watcher';

const log = logger.child({ process: 'watcher' });

async function main() {
  const config = loadConfig();
  installTemporalLogging(log);
  const sql = createSql(config.databaseUrl, 4, config.databaseSchema);
  await migrate(sql);
  const client = await connectClient(config.temporal);
  const watcher = new DropWatcher({ client, sql, config, logger: log });
  await watcher.start();

  // The watcher also serves the health task queue: when every worker is gone, it is the one that says so.
  const connection = await connectWorker(config.temporal);
  const es = config.elasticsearch.enabled ? createSearchClient(config.elasticsearch.url) : null;
  const health = await createHealthWorker({
    connection,
    config,
    deps: { sql, es, config, logger: log, notifier: createNotifier(config.notifications) },
    workflowBundle: await bundleInChildProcess(),
  });
  const running = health.run();

  const stop = async () => {
    await watcher.close();
    // The Temporal runtime shuts its workers down on SIGINT/SIGTERM itself; a second shutdown would throw.
    if (health.getState() === 'RUNNING') health.shutdown();
    await running;
    await sql.end({ timeout: 5 });
    await client.connection.close();
    await connection.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  log.fatal({ err }, err instanceof Error ? err.message : 'watcher failed');
  process.exit(1);
});
