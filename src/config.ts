import { z } from 'zod';
import path from 'node:path';
import { NotificationConfigError, parseNotificationConfig, type NotificationConfig } from './notify/routing';
import { DEFAULT_READER_LIMITS, type ReaderLimits } from './domain/types';
import { DEFAULT_LANGUAGE, LANGUAGES, type Language } from './i18n/languages';

// One parse of the environment at start-up: a wrong value stops the process with a message naming it.

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const durationSeconds = z
  .string()
  .regex(/^\d+(s|m|h|d)?$/, 'a duration like 90s, 15m, 24h or 7d')
  .transform((v) => {
    const n = Number.parseInt(v, 10);
    const unit = v.replace(/^\d+/, '') || 's';
    return n * { s: 1, m: 60, h: 3600, d: 86400 }[unit as 's' | 'm' | 'h' | 'd'];
  });

const positiveInt = z.coerce.number().int().positive();
/** A short duration in milliseconds: `1500`, `1500ms`, `1.5s`. */
const durationMs = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s)?$/, 'a duration like 1500ms or 1.5s')
  .transform((v) => Math.round(Number.parseFloat(v) * (v.endsWith('ms') || !v.endsWith('s') ? 1 : 1000)));
/** A metrics port: a number (0: any free port, the one bound is logged) or `off` (null). */
const metricsPort = z
  .union([z.literal('off'), z.coerce.number().int().min(0).max(65535)])
  .transform((v) => (v === 'off' ? null : v));

/** Whether Intl knows this IANA time zone (it throws a RangeError for an unknown one). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const schema = z.object({
  DATABASE_URL: z.string().url('a postgres:// URL'),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case SQL identifier').default('public'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('course-import'),
  WORKFLOW_ID_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]{1,60}$/).default('import'),
  TEMPORAL_UI_URL: z.string().url().default('http://127.0.0.1:8233'),
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_TLS: bool.default(false),
  ELASTICSEARCH_URL: z.string().url().default('http://127.0.0.1:9200'),
  ELASTICSEARCH_ENABLED: bool.default(true),
  ELASTICSEARCH_INDEX: z.string().regex(/^[a-z0-9_-]+$/).default('courses'),
  ELASTICSEARCH_BULK_SIZE: positiveInt.default(500),
  ELASTICSEARCH_BULK_CONCURRENCY: positiveInt.default(2),
  // A search or autocomplete request to Elasticsearch gives up after this long (the page then answers from PostgreSQL).
  ELASTICSEARCH_SEARCH_TIMEOUT: durationMs.default(1500),
  // After this many failed searches in a row, searches go straight to PostgreSQL for the cool-down, then try again.
  ELASTICSEARCH_BREAKER_FAILURES: positiveInt.default(3),
  ELASTICSEARCH_BREAKER_COOLDOWN: durationSeconds.default(30),
  INGEST_DIR: z.string().default('ingest'),
  MAX_FILE_MB: z.coerce.number().positive().default(10),
  MAX_ROWS: positiveInt.default(100_000),
  // Bounds on what a file expands to (ReaderLimits in src/domain/types.ts says why each default).
  MAX_NESTING_DEPTH: positiveInt.default(DEFAULT_READER_LIMITS.maxNestingDepth),
  MAX_VALUE_CHARS: positiveInt.default(DEFAULT_READER_LIMITS.maxValueChars),
  MAX_ROW_KB: positiveInt.default(DEFAULT_READER_LIMITS.maxRowBytes / 1024),
  MAX_SHARED_STRINGS: positiveInt.default(DEFAULT_READER_LIMITS.maxSharedStrings),
  MAX_SHARED_STRING_CHARS: positiveInt.default(DEFAULT_READER_LIMITS.maxSharedStringChars),
  MAX_XLS_MB: z.coerce.number().positive().default(DEFAULT_READER_LIMITS.maxXlsBytes / (1024 * 1024)),
  MAX_ODS_CONTENT_MB: z.coerce.number().positive().default(DEFAULT_READER_LIMITS.maxOdsContentBytes / (1024 * 1024)),
  MAX_SHEET_CELLS: positiveInt.default(DEFAULT_READER_LIMITS.maxSheetCells),
  IMPORT_BATCH_SIZE: positiveInt.default(1000),
  DRY_RUN_TIMEOUT: durationSeconds.default(86_400),
  ACTIVITY_HEARTBEAT_TIMEOUT: durationSeconds.default(30),
  // A file whose step ended with its worker (crashed, killed, stuck) this many times fails instead of being taken again.
  IMPORT_MAX_CRASHES: positiveInt.default(3),
  // The watcher takes a file once its size has not changed for this long and no process has it open for writing.
  WATCHER_STABLE_MS: durationMs.default(500),
  // Staged rows of finished imports are purged after this long (their counts, error sample and failed rows CSV stay).
  STAGING_RETENTION: durationSeconds.default(7 * 86_400),
  // A file in incoming/ or processing/ that no import knows of and that is older than this is debris: removed by the janitor.
  ORPHAN_FILE_AGE: durationSeconds.default(3600),
  WORKER_MAX_ACTIVITIES: positiveInt.default(8),
  WORKER_MAX_WORKFLOWS: positiveInt.default(40),
  WORKER_MAX_CACHED_WORKFLOWS: positiveInt.default(1500),
  PUBLIC_URL: z.string().url().default('http://127.0.0.1:8000'),
  DIGEST_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM').default('08:00'),
  DIGEST_TIMEZONE: z.string().default('Europe/Paris'),
  // Dates and times on admin pages, emails and chat messages are shown in this IANA zone.
  DISPLAY_TIMEZONE: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Paris or UTC').default('Europe/Paris'),
  // Emails, chat messages and the daily summary go to channels, not people: they are written in this language.
  NOTIFICATION_LANGUAGE: z.enum(LANGUAGES).default(DEFAULT_LANGUAGE),
  HEARTBEAT_INTERVAL: durationSeconds.default(15),
  HEALTH_STALE_AFTER: durationSeconds.default(45),
  WORKER_STALE_AFTER: durationSeconds.default(150),
  HEALTH_TASK_QUEUE: z.string().default('course-import-health'),
  WORKER_METRICS_PORT: metricsPort.default(9464),
  TEMPORAL_METRICS_PORT: metricsPort.default(9465),
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: z.string().default('127.0.0.1'),
  SESSION_TTL: durationSeconds.default(12 * 3600),
  SESSION_IDLE_TIMEOUT: durationSeconds.default(3600),
  COOKIE_SECURE: bool.optional(),
  TRUST_PROXY: bool.default(false),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(12, 'at least 12 characters').max(1024).optional(),
  BULK_INLINE_MAX: positiveInt.default(500),
  BULK_BATCH_SIZE: positiveInt.default(500),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Import from a URL and feeds (issue 12): the same address rules as webhooks, with their own exemptions.
  URL_IMPORT_ALLOW_HOSTS: z.string().default('').transform((v) => v.split(',').map((h) => h.trim()).filter(Boolean)),
  URL_IMPORT_ALLOW_INSECURE: bool.default(false),
  URL_IMPORT_TIMEOUT: durationSeconds.default(120),
  URL_IMPORT_CA_FILE: z.string().optional(),
  // Category taxonomy (issue 14): what an import does with a category value no category matches, and the
  // confidence from which the auto-categoriser's suggestion is applied rather than left for review.
  UNKNOWN_CATEGORY_POLICY: z.enum(['create', 'refuse', 'suggest']).default('suggest'),
  AUTO_CATEGORY_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
});

/** Every variable the configuration reads (deployment files are checked against this list). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

export interface Config {
  databaseUrl: string;
  databasePoolSize: number;
  databaseSchema: string;
  temporal: { address: string; namespace: string; taskQueue: string; workflowIdPrefix: string; uiUrl: string; apiKey?: string; tls: boolean };
  elasticsearch: {
    url: string; enabled: boolean; alias: string; bulkSize: number; bulkConcurrency: number;
    /** Milliseconds a search or autocomplete request may take before the PostgreSQL fallback answers. */
    searchTimeoutMs: number;
    /** Consecutive failed searches that open the circuit, and the seconds searches then skip Elasticsearch. */
    breaker: { failures: number; cooldownSeconds: number };
  };
  ingestDir: string;
  limits: ReaderLimits;
  batchSize: number;
  dryRunTimeoutSeconds: number;
  heartbeatTimeoutSeconds: number;
  /** Milliseconds a dropped file's size must stay the same (besides being closed by its writer) before it is taken. */
  watcherStableMs: number;
  /** Crashes of a step's worker on one import before the import fails ("the file crashed the worker"). */
  maxCrashes: number;
  /** Seconds: staged rows of finished imports kept; debris in incoming/ / processing/ older than orphanFileSeconds removed. */
  retention: { stagingSeconds: number; orphanFileSeconds: number };
  worker: { maxActivities: number; maxWorkflows: number; maxCachedWorkflows: number };
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  /** The admin web server (src/api). Cookies are Secure when COOKIE_SECURE says so, or by default when PUBLIC_URL is https. */
  server: { port: number; host: string; trustProxy: boolean; cookieSecure: boolean; sessionTtlSeconds: number; sessionIdleSeconds: number };
  /** The first admin, created at server start only while no staff account exists. */
  bootstrapAdmin: { email: string; password: string } | null;
  /** Where the admin is reached from a browser: links in notifications. */
  publicUrl: string;
  notifications: NotificationConfig;
  digest: { time: string; timezone: string };
  /** How people read dates (displayTimeZone, IANA) and in which language notifications are written. */
  i18n: { displayTimeZone: string; notificationLanguage: Language };
  health: { taskQueue: string; heartbeatIntervalSeconds: number; staleAfterSeconds: number; workerStaleAfterSeconds: number };
  /** null: off; 0: any free port. */
  metrics: { workerPort: number | null; temporalPort: number | null };
  /** Bulk actions on courses: up to inlineMax courses the admin waits for the result; batchSize per activity call. */
  bulk: { inlineMax: number; batchSize: number };
  /**
   * Downloads of "import from a URL" and feeds (src/imports/url-download.ts): hosts exempt from the address rules,
   * plain http for them, the whole download's time limit in seconds, and a PEM file of extra trusted CAs.
   */
  urlImport: { allowHosts: string[]; allowInsecure: boolean; timeoutSeconds: number; caFile: string | null };
  /**
   * Categories on import (issue 14): an unknown value is created as a category, refused (row error) or sent to the
   * auto-categoriser ('suggest'); a suggestion with a confidence in [0, 1] at or above autoThreshold is applied.
   */
  categories: { unknownPolicy: 'create' | 'refuse' | 'suggest'; autoThreshold: number };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}\n(run \`npm run stack -- env\` for the local stack's addresses)`);
  }
  const e = parsed.data;
  let notifications: NotificationConfig;
  try {
    notifications = parseNotificationConfig(env);
  } catch (err) {
    if (err instanceof NotificationConfigError) throw new ConfigError(err.message);
    throw err;
  }
  const maxFileBytes = Math.round(e.MAX_FILE_MB * 1024 * 1024);
  return {
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseSchema: e.DATABASE_SCHEMA,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      workflowIdPrefix: e.WORKFLOW_ID_PREFIX,
      uiUrl: e.TEMPORAL_UI_URL,
      apiKey: e.TEMPORAL_API_KEY,
      tls: e.TEMPORAL_TLS || Boolean(e.TEMPORAL_API_KEY),
    },
    elasticsearch: { url: e.ELASTICSEARCH_URL, enabled: e.ELASTICSEARCH_ENABLED, alias: e.ELASTICSEARCH_INDEX, bulkSize: e.ELASTICSEARCH_BULK_SIZE,
      bulkConcurrency: e.ELASTICSEARCH_BULK_CONCURRENCY,
      searchTimeoutMs: e.ELASTICSEARCH_SEARCH_TIMEOUT,
      breaker: { failures: e.ELASTICSEARCH_BREAKER_FAILURES, cooldownSeconds: e.ELASTICSEARCH_BREAKER_COOLDOWN },
    },
    ingestDir: path.resolve(e.INGEST_DIR),
    // An xlsx is a zip of XML: 20x its size uncompressed is generous for real workbooks and stops bombs.
    limits: {
      maxFileBytes,
      maxRows: e.MAX_ROWS,
      maxUncompressedBytes: maxFileBytes * 20,
      maxNestingDepth: e.MAX_NESTING_DEPTH,
      maxValueChars: e.MAX_VALUE_CHARS,
      maxRowBytes: e.MAX_ROW_KB * 1024,
      maxSharedStrings: e.MAX_SHARED_STRINGS,
      maxSharedStringChars: e.MAX_SHARED_STRING_CHARS,
      maxXlsBytes: Math.round(e.MAX_XLS_MB * 1024 * 1024),
      maxOdsContentBytes: Math.round(e.MAX_ODS_CONTENT_MB * 1024 * 1024),
      maxSheetCells: e.MAX_SHEET_CELLS,
    },
    batchSize: e.IMPORT_BATCH_SIZE,
    dryRunTimeoutSeconds: e.DRY_RUN_TIMEOUT,
    heartbeatTimeoutSeconds: e.ACTIVITY_HEARTBEAT_TIMEOUT,
    maxCrashes: e.IMPORT_MAX_CRASHES,
    watcherStableMs: e.WATCHER_STABLE_MS,
    retention: { stagingSeconds: e.STAGING_RETENTION, orphanFileSeconds: e.ORPHAN_FILE_AGE },
    worker: { maxActivities: e.WORKER_MAX_ACTIVITIES, maxWorkflows: e.WORKER_MAX_WORKFLOWS, maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS },
    logLevel: e.LOG_LEVEL,
    server: {
      port: e.PORT,
      host: e.HOST,
      trustProxy: e.TRUST_PROXY,
      cookieSecure: e.COOKIE_SECURE ?? e.PUBLIC_URL.startsWith('https:'),
      sessionTtlSeconds: e.SESSION_TTL,
      sessionIdleSeconds: e.SESSION_IDLE_TIMEOUT,
    },
    bootstrapAdmin: e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL.toLowerCase(), password: e.ADMIN_PASSWORD } : null,
    publicUrl: e.PUBLIC_URL.replace(/\/+$/, ''),
    notifications: { ...notifications, locale: { language: e.NOTIFICATION_LANGUAGE, timeZone: e.DISPLAY_TIMEZONE } },
    digest: { time: e.DIGEST_TIME, timezone: e.DIGEST_TIMEZONE },
    i18n: { displayTimeZone: e.DISPLAY_TIMEZONE, notificationLanguage: e.NOTIFICATION_LANGUAGE },
    bulk: { inlineMax: e.BULK_INLINE_MAX, batchSize: e.BULK_BATCH_SIZE },
    categories: { unknownPolicy: e.UNKNOWN_CATEGORY_POLICY, autoThreshold: e.AUTO_CATEGORY_THRESHOLD },
    urlImport: { allowHosts: e.URL_IMPORT_ALLOW_HOSTS, allowInsecure: e.URL_IMPORT_ALLOW_INSECURE, timeoutSeconds: e.URL_IMPORT_TIMEOUT, caFile: e.URL_IMPORT_CA_FILE ? path.resolve(e.URL_IMPORT_CA_FILE) : null },
    health: {
      taskQueue: e.HEALTH_TASK_QUEUE,
      heartbeatIntervalSeconds: e.HEARTBEAT_INTERVAL,
      staleAfterSeconds: e.HEALTH_STALE_AFTER,
      workerStaleAfterSeconds: e.WORKER_STALE_AFTER,
    },
    metrics: { workerPort: e.WORKER_METRICS_PORT, temporalPort: e.TEMPORAL_METRICS_PORT },
  };
}
