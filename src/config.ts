import { z } from 'zod';
import { documented } from './config-docs';
import path from 'node:path';
import { NotificationConfigError, parseNotificationConfig, type NotificationConfig } from './notify/routing';
import { DEFAULT_READER_LIMITS, type ReaderLimits } from './domain/types';
import { DEFAULT_LANGUAGE, LANGUAGES, type Language } from './i18n/languages';
import { DEFAULT_FACET_COUNTING, type FacetCounting } from './courses/filters';

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

/** The default row limit per MB of `MAX_FILE_MB` (rows; see MAX_ROWS). */
export const ROWS_PER_MB = 12_000;

const schema = z.object({
  DATABASE_URL: documented(z.string().url('a postgres:// URL'), 'PostgreSQL URL', '(from the stack)'),
  DATABASE_POOL_SIZE: documented(positiveInt.default(10), 'connections per process', '`10`'),
  DATABASE_SCHEMA: documented(z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case SQL identifier').default('public'), 'schema of the tables (created when missing)', '`public`'),
  TEMPORAL_ADDRESS: documented(z.string().default('127.0.0.1:7233'), 'Temporal frontend', '`127.0.0.1:7233`'),
  TEMPORAL_NAMESPACE: documented(z.string().default('default'), 'namespace', '`default`'),
  TEMPORAL_TASK_QUEUE: documented(z.string().default('course-import'), 'task queue of the worker', '`course-import`'),
  WORKFLOW_ID_PREFIX: documented(z.string().regex(/^[A-Za-z0-9_.-]{1,60}$/).default('import'), 'import workflow ids are `<prefix>-<sha256>`; deployments sharing a namespace use distinct prefixes', '`import`'),
  TEMPORAL_UI_URL: documented(z.string().url().default('http://127.0.0.1:8233'), 'used for links to runs', '`http://127.0.0.1:8233`'),
  TEMPORAL_API_KEY: documented(z.string().optional(), 'API key (Temporal Cloud); implies TLS', '—'),
  TEMPORAL_TLS: documented(bool.default(false), 'TLS to the frontend', '`false`'),
  ELASTICSEARCH_URL: documented(z.string().url().default('http://127.0.0.1:9200'), 'Elasticsearch 8', '`http://127.0.0.1:9200`'),
  ELASTICSEARCH_ENABLED: documented(bool.default(true), '`false` skips indexing', '`true`'),
  ELASTICSEARCH_INDEX: documented(z.string().regex(/^[a-z0-9_-]+$/).default('courses'), 'alias; the index behind it is `<alias>_vN`', '`courses`'),
  ELASTICSEARCH_BULK_SIZE: documented(positiveInt.default(500), 'documents per `_bulk` request', '`500`'),
  ELASTICSEARCH_BULK_CONCURRENCY: documented(positiveInt.default(2), '`_bulk` requests in flight at once while indexing an import or reindexing (the next page is read meanwhile)', '`2`'),
  // A search or autocomplete request to Elasticsearch gives up after this long (the page then answers from PostgreSQL).
  ELASTICSEARCH_SEARCH_TIMEOUT: documented(durationMs.default(1500), 'a search or suggestion request to Elasticsearch gives up after this (`1500ms`, `1.5s`); the page answers from PostgreSQL', '`1.5s`'),
  // Facet counts read every matching course: beyond this many matches they are estimated from a random sample
  // (src/search/queries.ts facetCounts says what it costs). Bigger machines can count more exactly.
  ELASTICSEARCH_EXACT_FACETS_UP_TO: documented(positiveInt.default(DEFAULT_FACET_COUNTING.exactUpTo), 'matching courses up to which the course list counts its facets exactly; above, on a random sample (shown with ≈); the total is always exact', '`50000`'),
  ELASTICSEARCH_FACET_SAMPLE_SIZE: documented(positiveInt.default(DEFAULT_FACET_COUNTING.sampleSize), 'about how many matching courses an estimated facet count reads (a value holding 1 % of them: ±7 %)', '`20000`'),
  // After this many failed searches in a row, searches go straight to PostgreSQL for the cool-down, then try again.
  ELASTICSEARCH_BREAKER_FAILURES: documented(positiveInt.default(3), 'failed searches in a row after which searches go straight to PostgreSQL for the cool-down', '`3`'),
  ELASTICSEARCH_BREAKER_COOLDOWN: documented(durationSeconds.default(30), 'how long searches then skip Elasticsearch before trying it again', '`30s`'),
  INGEST_DIR: documented(z.string().default('ingest'), 'root of drop/, incoming/, processing/, processed/, error/', '`ingest`'),
  MAX_FILE_MB: documented(z.coerce.number().positive().default(10), 'files above are refused', '`10`'),
  // Unset, it follows MAX_FILE_MB: a deployment that raises the size for nightly feeds is not stopped by a row
  // count meant for 10 MB (a workbook packs about 10,400 courses per MB, the densest of the benchmark's files).
  MAX_ROWS: documented(positiveInt.optional(), 'rows per file above which the file is refused; unset, 12 000 per MB of `MAX_FILE_MB`', '`120000` (12 000 × `MAX_FILE_MB`)'),
  // Bounds on what a file expands to (ReaderLimits in src/domain/types.ts says why each default).
  MAX_NESTING_DEPTH: documented(positiveInt.default(DEFAULT_READER_LIMITS.maxNestingDepth), 'levels of arrays / objects: deeper JSON is refused, a deeper value in a row is a row error', '`32`'),
  MAX_VALUE_CHARS: documented(positiveInt.default(DEFAULT_READER_LIMITS.maxValueChars), 'characters per value / cell; a longer one is a row error', '`100000`'),
  MAX_ROW_KB: documented(positiveInt.default(DEFAULT_READER_LIMITS.maxRowBytes / 1024), 'KB of one row\'s raw record as staged (JSON); a larger row is a row error', '`1024`'),
  MAX_SHARED_STRINGS: documented(positiveInt.default(DEFAULT_READER_LIMITS.maxSharedStrings), 'texts of an .xlsx\'s shared strings table (held in memory)', '`1000000`'),
  MAX_SHARED_STRING_CHARS: documented(positiveInt.default(DEFAULT_READER_LIMITS.maxSharedStringChars), 'characters of an .xlsx\'s shared strings table (held in memory)', '`32000000`'),
  MAX_XLS_MB: documented(z.coerce.number().positive().default(DEFAULT_READER_LIMITS.maxXlsBytes / (1024 * 1024)), '.xls files above are refused (SheetJS reads them whole)', '`8`'),
  MAX_ODS_CONTENT_MB: documented(z.coerce.number().positive().default(DEFAULT_READER_LIMITS.maxOdsContentBytes / (1024 * 1024)), 'an .ods\'s content.xml, uncompressed', '`40`'),
  MAX_SHEET_CELLS: documented(positiveInt.default(DEFAULT_READER_LIMITS.maxSheetCells), 'cells with a value in a worksheet once repeats are expanded (.ods)', '`500000`'),
  IMPORT_BATCH_SIZE: documented(positiveInt.default(1000), 'rows per staging / normalisation batch', '`1000`'),
  DRY_RUN_TIMEOUT: documented(durationSeconds.default(86_400), 'a preview without decision is discarded after this (`90s`, `15m`, `24h`, `7d`)', '`24h`'),
  ACTIVITY_HEARTBEAT_TIMEOUT: documented(durationSeconds.default(30), 'a long step silent for this long is retried elsewhere', '`30s`'),
  // A file whose step ended with its worker (crashed, killed, stuck) this many times fails instead of being taken again.
  IMPORT_MAX_CRASHES: documented(positiveInt.default(3), 'a file whose parse / plan / upsert / index ended with its worker this many times (killed, out of memory, stuck) fails as "the file crashed the worker"', '`3`'),
  // The watcher takes a file once its size has not changed for this long and no process has it open for writing.
  WATCHER_STABLE_MS: documented(durationMs.default(500), 'a dropped file is taken once its size held still this long and no process has it open for writing', '`500`'),
  // Staged rows of finished imports are purged after this long (their counts, error sample and failed rows CSV stay).
  STAGING_RETENTION: documented(durationSeconds.default(7 * 86_400), 'staged rows that changed nothing are purged this long after their import finished (errors and applied rows are kept)', '`7d`'),
  // A file in incoming/ or processing/ that no import knows of and that is older than this is debris: removed by the janitor.
  ORPHAN_FILE_AGE: documented(durationSeconds.default(3600), 'a file in `incoming/` or `processing/` that no import owns is removed by the housekeeping Schedule once this old', '`1h`'),
  // 16: most steps wait on PostgreSQL and Elasticsearch; with 8, a burst of small files kept 1.3 of 2 cores busy (W2).
  WORKER_MAX_ACTIVITIES: documented(positiveInt.default(16), 'concurrent activities per worker (and as many local activities)', '`16`'),
  // The parse steps, which hold a file reader and a batch of rows in the worker's heap, are bounded on their own.
  WORKER_MAX_PARSES: documented(positiveInt.default(8), 'parse steps of large files reading at once per worker, within `WORKER_MAX_ACTIVITIES` (each holds a reader and a batch of rows in memory; the others wait their turn)', '`8`'),
  WORKER_MAX_WORKFLOWS: documented(positiveInt.default(40), 'concurrent workflow tasks per worker', '`40`'),
  WORKER_MAX_CACHED_WORKFLOWS: documented(positiveInt.default(1500), 'open workflows kept in the worker\'s cache (an evicted one is replayed from its history at its next step)', '`1500`'),
  PUBLIC_URL: documented(z.string().url().optional(), 'where the admin is reached: links in notifications', '`http://127.0.0.1:` followed by `PORT`'),
  DIGEST_TIME: documented(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM').default('08:00'), 'when the daily summary is sent (HH:MM)', '`08:00`'),
  DIGEST_TIMEZONE: documented(z.string().default('Europe/Paris'), 'the time zone of `DIGEST_TIME`', '`Europe/Paris`'),
  // Dates and times on admin pages, emails and chat messages are shown in this IANA zone.
  DISPLAY_TIMEZONE: documented(z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Paris or UTC').default('Europe/Paris'), 'the time zone of every date shown on pages, emails and chat messages', '`Europe/Paris`'),
  // Emails, chat messages and the daily summary go to channels, not people: they are written in this language.
  NOTIFICATION_LANGUAGE: documented(z.enum(LANGUAGES).default(DEFAULT_LANGUAGE), 'the language of emails, chat messages and the daily summary (`fr` or `en`)', '`fr`'),
  HEARTBEAT_INTERVAL: documented(durationSeconds.default(15), 'how often the watcher reports it is alive', '`15s`'),
  HEALTH_STALE_AFTER: documented(durationSeconds.default(45), 'a watcher silent for longer is reported down', '`45s`'),
  WORKER_STALE_AFTER: documented(durationSeconds.default(150), 'workers not polling for longer are reported down', '`150s`'),
  HEALTH_TASK_QUEUE: documented(z.string().default('course-import-health'), 'task queue of the watcher\'s health check (the worker runs its own on `TEMPORAL_TASK_QUEUE`)', '`course-import-health`'),
  WORKER_METRICS_PORT: documented(metricsPort.default(9464), 'Prometheus `/metrics` of the worker (`off`; `0`: any free port, logged; a busy port is a warning)', '`9464`'),
  TEMPORAL_METRICS_PORT: documented(metricsPort.default(9465), 'the Temporal worker\'s own Prometheus metrics (same values)', '`9465`'),
  METRICS_HOST: documented(z.string().min(1).default('127.0.0.1'), 'address the metrics endpoints bind to', '`127.0.0.1`'),
  PORT: documented(z.coerce.number().int().min(0).max(65535).default(8000), 'port of the admin web server (`npm run server`)', '`8000`'),
  HOST: documented(z.string().default('127.0.0.1'), 'address the admin web server listens on', '`127.0.0.1`'),
  SESSION_TTL: documented(durationSeconds.default(12 * 3600), 'a sign-in lasts at most this long', '`12h`'),
  SESSION_IDLE_TIMEOUT: documented(durationSeconds.default(3600), 'a session unused for this long is ended', '`1h`'),
  COOKIE_SECURE: documented(bool.optional(), 'cookies marked `Secure` (`__Host-sid`); set it behind an https proxy', '`true` when `PUBLIC_URL` is https'),
  TRUST_PROXY: documented(bool.default(false), 'trust `X-Forwarded-For` / `X-Forwarded-Proto` (client address in the audit log, HSTS) from a reverse proxy', '`false`'),
  ADMIN_EMAIL: documented(z.string().email().optional(), 'the first admin\'s email, created at server start only while no account exists', '—'),
  ADMIN_PASSWORD: documented(z.string().min(12, 'at least 12 characters').max(1024).optional(), 'the first admin\'s password (12 characters at least)', '—'),
  BULK_INLINE_MAX: documented(positiveInt.default(500), 'a bulk action on more courses runs in the background with a progress page; up to this many, the admin waits for the result', '`500`'),
  BULK_BATCH_SIZE: documented(positiveInt.default(500), 'courses per step of a bulk action (one PostgreSQL transaction, then the same ids in Elasticsearch)', '`500`'),
  LOG_LEVEL: documented(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), 'pino level; logs are JSON lines carrying `importId`', '`info`'),
  // Import from a URL and feeds (issue 12): the same address rules as webhooks, with their own exemptions.
  URL_IMPORT_ALLOW_HOSTS: documented(z.string().default('').transform((v) => v.split(',').map((h) => h.trim()).filter(Boolean)), 'hosts (`host` or `host:port`) an import from a URL or a feed may reach although they resolve to a loopback, private or link-local address', '—'),
  URL_IMPORT_ALLOW_INSECURE: documented(bool.default(false), 'allow plain http for those hosts (any other URL must be https)', '`false`'),
  URL_IMPORT_TIMEOUT: documented(durationSeconds.default(120), 'the whole download of a URL import or feed run, redirects included (at most 3 redirects, each checked again)', '`120s`'),
  URL_IMPORT_CA_FILE: documented(z.string().optional(), 'PEM file of certificate authorities trusted for those downloads besides Node\'s bundled roots (an internal CA)', '—'),
  // Category taxonomy (issue 14): what an import does with a category value no category matches, and the
  // confidence from which the auto-categoriser's suggestion is applied rather than left for review.
  UNKNOWN_CATEGORY_POLICY: documented(z.enum(['create', 'refuse', 'suggest']).default('suggest'), 'an imported category value no category matches: `create` it, `refuse` the row, or `suggest` one with the auto-categoriser', '`suggest`'),
  // 0.7: where cross-validation measured ≥ 0.90 accuracy on what is applied (test/fixtures/categorisation/README.md).
  AUTO_CATEGORY_THRESHOLD: documented(z.coerce.number().min(0).max(1).default(0.7), 'confidence (0 to 1) from which a suggested category is applied rather than left for review', '`0.7`'),
});

/** Every variable the configuration reads (deployment files are checked against this list). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

/** The schema of the process configuration (each variable with its check, default and documentation). */
export const configSchema = schema;

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
    /** Matching courses up to which facets are counted exactly, and the size of the sample beyond (courses). */
    facetCounting: FacetCounting;
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
  worker: { maxActivities: number; maxParses: number; maxWorkflows: number; maxCachedWorkflows: number };
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
  metrics: { workerPort: number | null; temporalPort: number | null; host: string };
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
  // Unset, the admin's own address on this machine: links in notifications and reports follow PORT.
  const publicUrl = (e.PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/+$/, '');
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
      facetCounting: { exactUpTo: e.ELASTICSEARCH_EXACT_FACETS_UP_TO, sampleSize: e.ELASTICSEARCH_FACET_SAMPLE_SIZE },
    },
    ingestDir: path.resolve(e.INGEST_DIR),
    // An xlsx is a zip of XML: 20x its size uncompressed is generous for real workbooks and stops bombs.
    limits: {
      maxFileBytes,
      maxRows: e.MAX_ROWS ?? Math.round(ROWS_PER_MB * e.MAX_FILE_MB),
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
    worker: { maxActivities: e.WORKER_MAX_ACTIVITIES, maxParses: e.WORKER_MAX_PARSES, maxWorkflows: e.WORKER_MAX_WORKFLOWS, maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS },
    logLevel: e.LOG_LEVEL,
    server: {
      port: e.PORT,
      host: e.HOST,
      trustProxy: e.TRUST_PROXY,
      cookieSecure: e.COOKIE_SECURE ?? publicUrl.startsWith('https:'),
      sessionTtlSeconds: e.SESSION_TTL,
      sessionIdleSeconds: e.SESSION_IDLE_TIMEOUT,
    },
    bootstrapAdmin: e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL.toLowerCase(), password: e.ADMIN_PASSWORD } : null,
    publicUrl,
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
    metrics: { workerPort: e.WORKER_METRICS_PORT, temporalPort: e.TEMPORAL_METRICS_PORT, host: e.METRICS_HOST },
  };
}
