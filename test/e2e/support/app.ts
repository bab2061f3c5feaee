// The admin app in-process on a free port, over a createTestEnv() corner of the real stack.
import type Router from '@koa/router';
import { createTestEnv, type TestEnv } from '../../support/env';
import { createApp, featureRouters } from '../../../src/api/app';
import type { ApiDeps } from '../../../src/api/deps';
import { logger } from '../../../src/logger';

export interface TestAdmin {
  t: TestEnv;
  deps: ApiDeps;
  url: string;
  close(): Promise<void>;
}

/**
 * `extraRouters` lets a test mount a probe route beside the real ones (e.g. to watch what an upload writes);
 * the real routers are always all there.
 */
export async function startAdmin(label: string, opts: { env?: Record<string, string>; worker?: boolean; extraRouters?: (deps: ApiDeps) => Router[] } = {}): Promise<TestAdmin> {
  const t = await createTestEnv(label, opts.env ?? {});
  if (opts.worker) await t.startWorker();
  const deps: ApiDeps = { config: t.config, sql: t.sql, es: t.es, temporal: t.client, logger: logger.child({ test: t.name }) };
  const app = createApp(deps, [...featureRouters(deps), ...(opts.extraRouters?.(deps) ?? [])]);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    t,
    deps,
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await t.close();
    },
  };
}
