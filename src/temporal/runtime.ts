import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logger';

const pinoLevel: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Sends the Temporal SDK's own logs (worker state, activity failures, workflow logs) through pino as JSON lines,
 * so one log stream carries everything. Must run before the first worker or connection is created.
 */
export function installTemporalLogging(logger: Logger, level: LogLevel = 'WARN', metricsPort = 0): void {
  const log = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    logger: new DefaultLogger(level, ({ level: l, message, meta }) => log[pinoLevel[l]](meta ?? {}, message)),
    // The worker's own metrics (task slots, latencies, polls) on a Prometheus endpoint of their own.
    ...(metricsPort > 0
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `${process.env.METRICS_HOST ?? '127.0.0.1'}:${metricsPort}` } } } }
      : {}),
  });
}
