import { loadConfig } from '../config';
import { logger } from '../logger';
import { createSql } from '../db/client';
import { migrate } from '../db/migrate';
import { connectClient } from '../temporal/connect';
import { DropWatcher } from './drop-watcher';

const log = logger.child({ process: 'watcher' });

async function main() {
  const config = loadConfig();
  const sql = createSql(config.databaseUrl, 4, config.databaseSchema);
  await migrate(sql);
  const client = await connectClient(config.temporal);
  const watcher = new DropWatcher({ client, sql, config, logger: log });
  await watcher.start();
  const stop = async () => {
    await watcher.close();
    await sql.end({ timeout: 5 });
    await client.connection.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  log.fatal({ err }, err instanceof Error ? err.message : 'watcher failed');
  process.exit(1);
});
