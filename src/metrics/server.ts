import { createServer } from 'node:http';
import type { Config } from '../config';
import type { Sql } from '../db/client';
import type { SearchClient } from '../search/client';
import type { Logger } from '../logger';
import { bindScrapeSources, registry } from './registry';
import { hostPort, isPortUnavailable, listenOn } from './ports';
import type { Client } from '@temporalio/client';
import { bindComponentSources } from './components';

export interface MetricsServer {
  url: string;
  /** The port actually bound (the OS's choice when asked for 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * `GET /metrics` in Prometheus format, on loopback unless METRICS_HOST says otherwise, on `port` (default
 * WORKER_METRICS_PORT; null: off; 0: any free port). A port that cannot be had (EADDRINUSE, EACCES: a second
 * worker on the same host) is logged as a warning and gives null: metrics are never worth a crash. Other
 * listen errors are thrown.
 */
export async function startMetricsServer(opts: {
  sql: Sql;
  es: SearchClient | null;
  config: Pick<Config, 'metrics' | 'elasticsearch' | 'ingestDir' | 'temporal' | 'health'>;
  logger: Logger;
  port?: number | null;
  /** For `course_import_component_up{component="worker"}` (the task queue's pollers); without it that series is left out. */
  temporal?: Client | null;
}): Promise<MetricsServer | null> {
  const wanted = opts.port === undefined ? opts.config.metrics.workerPort : opts.port;
  if (wanted === null) return null;
  bindScrapeSources({ sql: opts.sql, es: opts.es, alias: opts.config.elasticsearch.alias, ingestDir: opts.config.ingestDir });
  bindComponentSources({ sql: opts.sql, temporal: opts.temporal ?? null, config: opts.config });
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
  const host = opts.config.metrics.host;
  let port: number;
  try {
    port = await listenOn(server, wanted, host);
  } catch (err) {
    if (!isPortUnavailable(err)) throw err;
    opts.logger.warn(
      { err, port: wanted, host },
      `metrics port ${wanted} is busy (another worker on this host?): this process runs without /metrics (set WORKER_METRICS_PORT to another port, or 0 for any free one)`,
    );
    return null;
  }
  const url = `http://${hostPort(host, port)}/metrics`;
  opts.logger.info({ url, port }, 'metrics served');
  return {
    url,
    port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
