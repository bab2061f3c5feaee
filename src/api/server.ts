// The admin web server process (`npm run server`): admin pages and REST on HOST:PORT.
import { deleteExpiredSessions } from '../db/sessions';
import { pruneLoginAttempts } from '../db/login-attempts';
import { connectClient } from '../temporal/connect';
import { installTemporalLogging } from '../temporal/runtime';
import { runProcess } from '../process/boot';
import { listen } from './listen';
import { ensureFirstAdmin } from './bootstrap';

runProcess('server', async ({ config, log, sql, es }) => {
  installTemporalLogging(log, 'WARN');
  await ensureFirstAdmin(sql, config, log);
  const temporal = await connectClient(config.temporal);
  const running = await listen({ config, sql, es, temporal, logger: log }, config.server.port, config.server.host);
  log.info({ url: `${running.url}/admin-dashboard/` }, 'admin server listening');

  const housekeeping = setInterval(() => {
    Promise.all([deleteExpiredSessions(sql, config.server.sessionIdleSeconds), pruneLoginAttempts(sql)]).catch((err) => log.warn({ err }, 'session clean-up failed'));
  }, 10 * 60_000);
  housekeeping.unref();

  return async () => {
    clearInterval(housekeeping);
    await running.close();
    await temporal.connection.close();
  };
});
