// The admin web server process (`npm run server`): admin pages and REST on HOST:PORT.
import { loadConfig } from '../config';
import { logger } from '../logger';
import { createSql } from '../db/client';
import { migrate } from '../db/migrate';
import { deleteExpiredSessions } from '../db/sessions';
import { pruneLoginAttempts } from '../db/login-attempts';
import { createSearchClient } from '../search/client';
import { connectClient } from '../temporal/connect';
import { installTemporalLogging } from '../temporal/runtime';
import { listen } from './listen';
import { ensureFirstAdmin } from './bootstrap';

const log = logger.child({ process: 'server' });

async function main() {
  const config = loadConfig();
  installTemporalLogging(log, 'WARN');
  const sql = createSql(config.databaseUrl, config.databasePoolSize, config.databaseSchema);
  const applied = await migrate(sql);
  if (applied.length) log.info({ applied }, 'database migrated');
  await ensureFirstAdmin(sql, config, log);
  const es = config.elasticsearch.enabled ? createSearchClient(config.elasticsearch.url) : null;
  const temporal = await connectClient(config.temporal);
  const running = await listen({ config, sql, es, temporal, logger: log }, config.server.port, config.server.host);
  log.info({ url: `${running.url}/admin-dashboard/` }, 'admin server listening');

  const housekeeping = setInterval(() => {
    Promise.all([deleteExpiredSessions(sql, config.server.sessionIdleSeconds), pruneLoginAttempts(sql)]).catch((err) => log.warn({ err }, 'session clean-up failed'));
  }, 10 * 60_000);
  housekeeping.unref();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'admin server stopping');
    clearInterval(housekeeping);
    await running.close();
    await sql.end({ timeout: 5 });
    await es?.close();
    await temporal.connection.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  log.fatal({ err }, err instanceof Error ? err.message : 'server failed');
  process.exit(1);
});
