import pino from 'pino';

// JSON lines on stdout; child loggers carry importId / workflowId so one import can be followed across processes.
export const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: process.env.SERVICE_NAME ?? 'course-import' } });
export type Logger = pino.Logger;
