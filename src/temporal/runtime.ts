import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logger';
import { freePort, hostPort } from '../metrics/ports';

const pinoLevel: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

function install(logger: Logger, level: LogLevel, bindAddress: string | null): void {
  const log = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    logger: new DefaultLogger(level, ({ level: l, message, meta }) => log[pinoLevel[l]](meta ?? {}, message)),
    // The worker's own metrics (task slots, latencies, polls) on a Prometheus endpoint of their own.
    ...(bindAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress } } } } : {}),
  });
  // The runtime is created lazily; creating it now makes a busy metrics port fail here, where it is handled.
  Runtime.instance();
}

/**
 * Sends the Temporal SDK's own logs (worker state, activity failures, workflow logs) through pino as JSON lines,
 * so one log stream carries everything. Must run before the first worker or connection is created. No metrics
 * endpoint: see installTemporalRuntime.
 */
export function installTemporalLogging(logger: Logger, level: LogLevel = 'WARN'): void {
  install(logger, level, null);
}

/**
 * As installTemporalLogging, with the Temporal worker's Prometheus endpoint on `metricsPort` (null: none; 0: any
 * free port). A busy port is a warning, never a crash (a second worker on the same host): the runtime is
 * installed without the endpoint. Returns the port actually bound, or null.
 */
export async function installTemporalRuntime(logger: Logger, level: LogLevel, metricsPort: number | null, host = '127.0.0.1'): Promise<number | null> {
  if (metricsPort === null) {
    install(logger, level, null);
    return null;
  }
  // The SDK's exporter does not tell which port it bound: port 0 is resolved here to a port that was free.
  const port = metricsPort === 0 ? await freePort(host) : metricsPort;
  try {
    install(logger, level, hostPort(host, port));
    return port;
  } catch (err) {
    if (!/in use|EADDRINUSE|os error 98/i.test(err instanceof Error ? err.message : String(err))) throw err;
    logger.warn({ port, host, err }, `Temporal metrics port ${port} is busy (another worker on this host?): this worker runs without its Temporal metrics (TEMPORAL_METRICS_PORT)`);
    install(logger, level, null);
    return null;
  }
}
