import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config';
import type { Sql } from '../db/client';
import type { SearchClient } from '../search/client';
import type { Logger } from '../logger';
import { bindScrapeSources, registry } from './registry';

/** `GET /metrics` in Prometheus format, on loopback unless METRICS_HOST says otherwise. */
export async function startMetricsServer(opts: {
  sql: Sql;
  es: SearchClient | null;
  config: Pick<Config, 'metrics' | 'elasticsearch' | 'ingestDir'>;
  logger: Logger;
  port?: number;
}): Promise<{ url: string; close(): Promise<void> }> {
  bindScrapeSources({ sql: opts.sql, es: opts.es, alias: opts.config.elasticsearch.alias, ingestDir: opts.config.ingestDir });
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end('not found\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: unknown) => {
        opts.logger.error({ err }, 'metrics scrape failed');
        res.writeHead(500).end('scrape failed\n');
      },
    );
  });
  const host = process.env.METRICS_HOST ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(opts.port ?? opts.config.metrics.workerPort, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
