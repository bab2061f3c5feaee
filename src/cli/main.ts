import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { loadConfig, type Config } from '../config';
import { applyLocalStackEnv } from '../local-stack-env';
import {
  confirmSignal,
  discardSignal,
  previewQuery,
  progressQuery,
  stepOfActivityType,
  type ImportSummary,
  type Progress,
} from '../contract';
import { IMPORT_MODES, isImportMode, type ImportMode } from '../domain/types';
import { ingestPath } from '../ingest/paths';
import { connectClient } from '../temporal/connect';
import { startImport } from '../temporal/start-import';
import { importOutcome } from '../temporal/import-outcome';
import { scheduleIds } from '../temporal/schedules';
import { createSql } from '../db/client';
import { resolveProfile, UnknownMappingProfileError, type ProfileRef } from '../db/mapping-profiles';
import { downloadSettings, downloadToIncoming, UrlImportRefused } from '../imports/url-download';
import { stepProgressReporter } from './wait-progress';
import { workflowWebUiUrl } from '../temporal/web-ui';
import { timelineFromEvents } from '../imports/timeline';

const usage = `usage:
  course-import FILE|https://URL [--dry-run] [--mode create_only|update_only|create_or_update] [--mapping PROFILE] [--wait] [--json]
  course-import confirm WORKFLOW_ID      apply a dry run exactly as previewed
  course-import discard WORKFLOW_ID      drop a dry run; nothing is written
  course-import digest                   send the daily summary now (triggers its schedule)`;

class UsageError extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function describeProgress(p: Progress): string {
  return `${p.status} · ${p.step} · parsed ${p.parsed} · normalised ${p.normalized} · upserted ${p.upserted} · indexed ${p.indexed}`;
}

/** Polls the progress query until the dry run waits for a decision, then returns the preview as a summary. */
async function waitForPreview(handle: WorkflowHandle, workflowId: string, onProgress: (p: Progress) => void): Promise<ImportSummary | null> {
  for (;;) {
    const p = await handle.query(progressQuery).catch(() => null);
    if (p) onProgress(p);
    if (p?.status === 'awaiting_confirmation') {
      const preview = await handle.query(previewQuery);
      if (!preview) return null;
      const { skipped, ...rest } = preview.counts;
      return { importId: p.importId, workflowId, status: 'preview', counts: { ...rest, skipped }, errors: preview.errors, warnings: preview.warnings ?? [], archivedTo: null };
    }
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') return null;
    await sleep(500);
  }
}

/**
 * Seconds without any change of progress after which the CLI also reads the workflow's history for a retried local
 * activity. Temporal records a local activity's retries only after its first 10 s of retries inside the worker
 * (a marker, then a timer), so a stall shorter than that has nothing to show; reading the history at every poll of
 * a long, moving import was a needless request each second.
 */
const STALLED_BEFORE_HISTORY_SECONDS = 10;

/**
 * The step being retried, if any: a pending activity task past its first attempt, or else, when `readHistory`, a
 * local activity (a small file's steps, every file's move, notify and archive) that the history shows retrying.
 * Null when nothing is retried or Temporal cannot be asked.
 */
async function retryingStep(handle: WorkflowHandle, readHistory: boolean): Promise<{ step: string; attempt: number; error: string } | null> {
  const pending = (await handle.describe().catch(() => null))?.raw.pendingActivities?.find((a) => (a.attempt ?? 0) > 1);
  if (pending) return { step: stepOfActivityType(pending.activityType?.name ?? '?'), attempt: pending.attempt ?? 2, error: pending.lastFailure?.message ?? '?' };
  if (!readHistory) return null;
  const history = await handle.fetchHistory().catch(() => null);
  const local = history ? timelineFromEvents(history.events ?? []).find((e) => e.outcome === 'retrying') : undefined;
  return local ? { step: local.step, attempt: local.attempts + 1, error: local.error ?? '?' } : null;
}

async function waitForResult(handle: WorkflowHandle, onProgress: (p: Progress) => void): Promise<ImportSummary> {
  // A failed import ends as a Failed run, a cancelled one as Cancelled: the summary comes with either end.
  const result = importOutcome(handle);
  let done = false;
  void result.finally(() => (done = true)).catch(() => {});
  let lastProgress = '';
  let changedAt = Date.now();
  while (!done) {
    const p = await handle.query(progressQuery).catch(() => null);
    if (p && !done) onProgress(p);
    const seen = JSON.stringify(p);
    if (seen !== lastProgress) [lastProgress, changedAt] = [seen, Date.now()];
    // A step retried because a service is down shows as waiting, with the reason, not as a failure.
    const retrying = await retryingStep(handle, Date.now() - changedAt >= STALLED_BEFORE_HISTORY_SECONDS * 1000);
    if (retrying && !done) process.stderr.write(`  waiting: ${retrying.step} attempt ${retrying.attempt}, last error: ${retrying.error}\n`);
    await Promise.race([result.catch(() => {}), sleep(1000)]);
  }
  return result;
}

async function importCommand(client: Client, config: Config, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      mode: { type: 'string', default: 'create_or_update' },
      wait: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      mapping: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('give exactly one FILE');
  if (!isImportMode(values.mode)) throw new UsageError(`--mode must be one of ${IMPORT_MODES.join(', ')}`);
  // An https:// URL instead of a file (issue 12): downloaded into incoming/ under the outgoing-request policy.
  const isUrl = /^https?:\/\//i.test(file);
  const st = isUrl ? null : await stat(file).catch(() => null);
  if (!isUrl && !st?.isFile()) throw new UsageError(`${file}: no such file`);
  // The profile is looked up before anything is copied: an unknown name leaves nothing behind.
  let profile: ProfileRef | undefined;
  if (values.mapping !== undefined) {
    const found = await lookUpProfile(config, values.mapping);
    if (found instanceof UnknownMappingProfileError) {
      process.stderr.write(`course-import: ${found.message}\n`);
      return 2;
    }
    profile = found;
  }

  let incoming: string;
  let fileName: string;
  if (isUrl) {
    try {
      const got = await downloadToIncoming(file, config.ingestDir, await downloadSettings(config));
      if (got.kind !== 'downloaded') throw new UrlImportRefused(502, 'the server answered 304 Not Modified', 'http_status');
      incoming = got.path;
      fileName = got.fileName;
    } catch (err) {
      if (!(err instanceof UrlImportRefused)) throw err;
      process.stderr.write(`course-import: ${err.message}\n`);
      return 2;
    }
  } else {
    // The worker may run elsewhere: the file is copied into the shared ingest area, never read in place.
    incoming = ingestPath(config.ingestDir, 'incoming', `${randomUUID()}${path.extname(file).toLowerCase().slice(0, 10)}`);
    fileName = path.basename(file);
    await mkdir(path.dirname(incoming), { recursive: true });
    await copyFile(file, incoming);
  }
  const started = await startImport(client, config, {
    path: incoming,
    fileName,
    source: 'cli',
    mode: values.mode as ImportMode,
    dryRun: values['dry-run'] ?? false,
    startedBy: `cli:${process.env.USER ?? 'unknown'}`,
    ...(profile ? { mappingProfile: profile.name, mappingProfileVersion: profile.version } : {}),
  });
  if (!started.started) await unlink(incoming).catch(() => {});
  const ui = workflowWebUiUrl(config.temporal, started.workflowId);
  process.stderr.write(`${started.started ? 'import started' : 'this content is already being imported'}: ${started.importId}\n  Temporal Web UI: ${ui}\n`);
  if (!values.wait) {
    if (values.json) process.stdout.write(JSON.stringify(started) + '\n');
    return 0;
  }

  const handle = client.workflow.getHandle(started.workflowId);
  let last = '';
  // Progress inside a step (issue 11), from the import's ledger row: "  progress: parse 12000/~20000 (60%)".
  const steps = stepProgressReporter({ databaseUrl: config.databaseUrl, schema: config.databaseSchema, importId: started.importId, out: process.stderr, tty: Boolean(process.stderr.isTTY) });
  const onProgress = (p: Progress) => {
    const line = describeProgress(p);
    if (line !== last) process.stderr.write(`  ${line}\n`);
    last = line;
    steps.update(p);
  };
  let summary: ImportSummary;
  try {
    summary = values['dry-run']
      ? ((await waitForPreview(handle, started.workflowId, onProgress)) ?? (await waitForResult(handle, onProgress)))
      : await waitForResult(handle, onProgress);
  } finally {
    await steps.close();
  }
  printSummary(summary, values.json ?? false);
  if (summary.status === 'preview') process.stderr.write(`confirm with: course-import confirm ${started.workflowId}\ndiscard with: course-import discard ${started.workflowId}\n`);
  return summary.status === 'failed' ? 1 : 0;
}

/** The latest version of a mapping profile (issue 12), or the error saying it does not exist. */
async function lookUpProfile(config: Config, name: string): Promise<ProfileRef | UnknownMappingProfileError> {
  const sql = createSql(config.databaseUrl, 1, config.databaseSchema);
  try {
    return await resolveProfile(sql, name);
  } catch (err) {
    if (err instanceof UnknownMappingProfileError) return err;
    throw err;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function printSummary(s: ImportSummary, json: boolean): void {
  const c = s.counts;
  process.stderr.write(
    `${s.status}: ${c.rows} rows · ${c.created} created · ${c.updated} updated · ${c.unchanged} unchanged · ${c.skipped} skipped · ${c.failed} failed\n`,
  );
  if (s.error) process.stderr.write(`  ${s.error.message} (${s.error.code})\n`);
  for (const e of s.errors.slice(0, 20)) process.stderr.write(`  row ${e.row}, ${e.field}: ${e.message}\n`);
  // Summaries of runs started before warnings existed have none.
  const warnings = s.warnings ?? [];
  for (const w of warnings.slice(0, 20)) process.stderr.write(`  warning${w.row !== undefined ? `, row ${w.row}` : ''}: ${w.message}\n`);
  if (s.archivedTo) process.stderr.write(`archived to ${s.archivedTo}\n`);
  if (json) {
    const { importId, workflowId, status, counts, errors, archivedTo } = s;
    const { rows, created, updated, unchanged, failed } = counts;
    const error = s.error ?? null;
    process.stdout.write(JSON.stringify({ importId, workflowId, status, counts: { rows, created, updated, unchanged, failed }, error, errors, warnings, archivedTo }) + '\n');
  }
}

async function decide(client: Client, decision: 'confirm' | 'discard', workflowId: string | undefined): Promise<number> {
  if (!workflowId) throw new UsageError(`${decision} needs the WORKFLOW_ID that the dry run printed`);
  const handle = client.workflow.getHandle(workflowId);
  await handle.signal(decision === 'confirm' ? confirmSignal : discardSignal);
  const summary = await importOutcome(handle);
  printSummary(summary, false);
  return summary.status === 'failed' ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    process.stderr.write(usage + '\n');
    return argv.length === 0 ? 2 : 0;
  }
  applyLocalStackEnv();
  const config = loadConfig();
  const client = await connectClient(config.temporal);
  try {
    if (argv[0] === 'confirm' || argv[0] === 'discard') return await decide(client, argv[0], argv[1]);
    if (argv[0] === 'digest') {
      await client.schedule.getHandle(scheduleIds(config).digest).trigger();
      process.stderr.write('daily summary triggered: it is sent to the configured email addresses and webhooks\n');
      return 0;
    }
    return await importCommand(client, config, argv);
  } finally {
    await client.connection.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`course-import: ${err instanceof Error ? err.message : String(err)}\n`);
    if (err instanceof UsageError) process.stderr.write(usage + '\n');
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
