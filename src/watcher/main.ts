// The drop-folder watcher process (`npm run watcher`): starts one import per file dropped into INGEST_DIR/drop/,
// and serves the health task queue (when every worker is gone, it is the one that says so).
import { connectClient } from '../temporal/connect';
import { connectWorker } from '../temporal/connect-worker';
import { installTemporalLogging } from '../temporal/runtime';
import { createNotifier } from '../notify/deliver';
import { createHealthWorker } from '../worker/health-worker';
import { bundleInChildProcess } from '../worker/create-worker';
import { runProcess } from '../process/boot';
import { DropWatcher } from './drop-watcher';

runProcess(
  'watcher',
  async ({ config, log, sql, es }) => {
    installTemporalLogging(log);
    const client = await connectClient(config.temporal);
    const watcher = new DropWatcher({ client, sql, config, logger: log });
    await watcher.start();

    const connection = await connectWorker(config.temporal);
    const health = await createHealthWorker({
      connection,
      config,
      deps: { sql, es, config, logger: log, notifier: createNotifier(config.notifications) },
      workflowBundle: await bundleInChildProcess(),
    });
    const running = health.run();

    return async () => {
      await watcher.close();
      // The Temporal runtime shuts its workers down on SIGINT/SIGTERM itself; a second shutdown would throw.
      if (health.getState() === 'RUNNING') health.shutdown();
      await running;
      await client.connection.close();
      await connection.close();
    };
  },
  // A few connections: the watcher writes one ledger row per file and reads the folders' state.
  { poolSize: () => 4 },
);
