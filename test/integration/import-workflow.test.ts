// importFile on its own: the real workflow code on the Temporal dev server, with stub activities that play each
// branch (no PostgreSQL, Elasticsearch or files). What is asserted is the workflow's own logic: the steps it runs
// in which order, the summary it returns, what notify and archive are told, and how the run ends.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { heartbeat, sleep as activitySleep, ApplicationFailure } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { importOutcome } from '../../src/temporal/import-outcome';
import { Worker } from '@temporalio/worker';
import { createTestEnv, workflowBundle, type TestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { connectWorker } from '../../src/temporal/connect-worker';
import { importFile } from '../../src/workflows';
import { confirmSignal, discardSignal, progressQuery, type ActionCounts, type ImportInput, type ImportSummary, type Preview } from '../../src/contract';
import type { ArchiveArgs } from '../../src/activities/archive';

let t: TestEnv;
let worker: Worker;
let running: Promise<void>;

/** Every stub call, by import: the step names in the order the workflow ran them, and what notify / archive got. */
const calls = new Map<string, { steps: string[]; notified?: ImportSummary; archived?: ArchiveArgs }>();
const record = (importId: string, step: string) => {
  const c = calls.get(importId) ?? { steps: [] };
  c.steps.push(step);
  calls.set(importId, c);
  return c;
};
/** The file name of each import: the stubs play the branch it names. */
const scenarioOf = new Map<string, string>();

const counts = (rows: number, failed: number): ActionCounts => ({ rows, created: rows - failed, updated: 0, unchanged: 0, skipped: 0, failed });

/** Waits, heartbeating, until the workflow cancels the activity (CancelledFailure is thrown then). */
async function untilCancelled(): Promise<never> {
  for (;;) {
    heartbeat();
    await activitySleep(100);
  }
}

const stubs = {
  async moveToProcessing(input: ImportInput) {
    scenarioOf.set(input.importId, input.fileName);
    record(input.importId, 'moveToProcessing');
    if (input.fileName === 'not-really.xlsx') {
      throw ApplicationFailure.create({ type: 'FileValidationError', message: 'the file is named .xlsx but its content is text', nonRetryable: true, details: [{ code: 'format_mismatch' }] });
    }
    return { storedPath: `/stub/processing/${input.fileName}`, format: 'csv' as const };
  },
  async parse(args: { importId: string }) {
    record(args.importId, 'parse');
    const scenario = scenarioOf.get(args.importId);
    if (scenario === 'malformed.json') {
      throw ApplicationFailure.create({ type: 'FileValidationError', message: 'invalid JSON at line 1, column 24', nonRetryable: true, details: [{ code: 'malformed' }] });
    }
    if (scenario === 'cancel-before-upsert.csv') await untilCancelled();
    return { rows: 3 };
  },
  async plan(args: { importId: string; dryRun: boolean }): Promise<Preview> {
    record(args.importId, 'plan');
    const scenario = scenarioOf.get(args.importId);
    const failed = scenario === 'row-errors.csv' ? 1 : scenario === 'every-row-failed.csv' ? 3 : 0;
    return { importId: args.importId, counts: counts(3, failed), errors: failed ? [{ row: 2, field: 'price', message: 'price: not a number' }] : [], changes: [], warnings: [{ code: 'unknown_column', column: 'couleur', message: "the column 'couleur' matches no course field" }] };
  },
  async upsert(args: { importId: string }) {
    record(args.importId, 'upsert');
    const scenario = scenarioOf.get(args.importId);
    return counts(3, scenario === 'row-errors.csv' ? 1 : 0);
  },
  async index(args: { importId: string }) {
    record(args.importId, 'index');
    if (scenarioOf.get(args.importId) === 'cancel-after-upsert.csv') await untilCancelled();
    return { indexed: 3 };
  },
  async notify(summary: ImportSummary) {
    record(summary.importId, 'notify').notified = summary;
    return null;
  },
  async archive(args: ArchiveArgs) {
    record(args.importId, 'archive').archived = args;
    return { archivedTo: `/stub/${args.status === 'failed' || args.status === 'cancelled' ? 'error' : 'processed'}/x` };
  },
  async restoreCourses(args: { importId: string }) {
    record(args.importId, 'restoreCourses');
    return { deleted: 3, restored: 0 };
  },
  async syncRevertedCourses(args: { importId: string }) {
    record(args.importId, 'syncRevertedCourses');
    return { indexed: 0 };
  },
};

before(async () => {
  t = await createTestEnv('wf');
  const connection = await connectWorker(t.config.temporal);
  worker = await Worker.create({ connection, namespace: t.config.temporal.namespace, taskQueue: t.config.temporal.taskQueue, workflowBundle: await workflowBundle(), activities: stubs });
  running = worker.run().finally(() => connection.close());
});

after(async () => {
  worker?.shutdown();
  await running;
  await t?.close();
});

function start(fileName: string, opts: { dryRun?: boolean; dryRunSeconds?: number } = {}) {
  const input: ImportInput = {
    importId: randomUUID(),
    path: `/stub/drop/${fileName}`,
    fileName,
    sha256: randomUUID().replace(/-/g, ''),
    sizeBytes: 100,
    source: 'api',
    mode: 'create_or_update',
    dryRun: opts.dryRun ?? false,
    startedBy: 'test',
    timeouts: { dryRunSeconds: opts.dryRunSeconds ?? 3600, heartbeatSeconds: 5 },
  };
  return t.client.workflow.start(importFile, { taskQueue: t.config.temporal.taskQueue, workflowId: `wf-${t.name}-${input.importId}`, args: [input] }).then((handle) => ({ handle, importId: input.importId }));
}

async function awaitingDecision(handle: Awaited<ReturnType<typeof start>>['handle']): Promise<void> {
  await eventually(async () => (await handle.query(progressQuery)).status === 'awaiting_confirmation', 'the preview to wait for a decision', 30_000);
}

/** The run's end as an operator sees it: a Failed run gives its reason, a Cancelled one says so. */
async function outcome(handle: Awaited<ReturnType<typeof start>>['handle']): Promise<ImportSummary> {
  return importOutcome(handle);
}

/** How the run ended, as the Web UI lists it (COMPLETED, FAILED, CANCELLED), and its failure message if any. */
async function runEnd(handle: Awaited<ReturnType<typeof start>>['handle']): Promise<{ status: string; message: string | null }> {
  const message = await handle.result().then(
    () => null,
    (err: unknown) => (err instanceof WorkflowFailedError ? (err.cause?.message ?? '') : Promise.reject(err)),
  );
  return { status: (await handle.describe()).status.name, message };
}

describe('importFile with stub activities', () => {
  test('success: the seven steps in order; notify and archive are told the result', async () => {
    const { handle, importId } = await start('ok.csv');
    const summary = await outcome(handle);
    assert.equal(summary.status, 'succeeded');
    assert.deepEqual(calls.get(importId)!.steps, ['moveToProcessing', 'parse', 'plan', 'upsert', 'index', 'notify', 'archive']);
    assert.equal(calls.get(importId)!.archived!.status, 'succeeded');
    assert.deepEqual(summary.warnings.map((w) => w.code), ['unknown_column']);
    assert.deepEqual(await runEnd(handle), { status: 'COMPLETED', message: null });
  });

  test('row errors: succeeded_with_errors, the errors in the summary', async () => {
    const { handle, importId } = await start('row-errors.csv');
    const summary = await outcome(handle);
    assert.equal(summary.status, 'succeeded_with_errors');
    assert.equal(summary.errors.length, 1);
    assert.equal(calls.get(importId)!.notified!.status, 'succeeded_with_errors');
  });

  test('every row failed: failed without upsert or index, with its reason to notify and archive', async () => {
    const { handle, importId } = await start('every-row-failed.csv');
    const summary = await outcome(handle);
    assert.equal(summary.status, 'failed');
    assert.deepEqual(calls.get(importId)!.steps, ['moveToProcessing', 'parse', 'plan', 'notify', 'archive']);
    assert.equal(calls.get(importId)!.notified!.error?.code, 'all_rows_failed');
    assert.equal(calls.get(importId)!.archived!.error?.code, 'all_rows_failed');
    assert.deepEqual(await runEnd(handle), { status: 'FAILED', message: 'every row of the file has errors (3 of 3): nothing was imported' });
    assert.equal(summary.archivedTo, '/stub/error/x', 'the run fails only after the archive step');
  });

  test('a file that fails as a whole: straight to notify and archive, the reason travels with the summary', async () => {
    const { handle, importId } = await start('malformed.json');
    const summary = await outcome(handle);
    assert.equal(summary.status, 'failed');
    assert.deepEqual(calls.get(importId)!.steps, ['moveToProcessing', 'parse', 'notify', 'archive']);
    assert.deepEqual(calls.get(importId)!.notified!.error, { code: 'malformed', message: 'invalid JSON at line 1, column 24' });
    assert.deepEqual(summary.error, { code: 'malformed', message: 'invalid JSON at line 1, column 24' });
    assert.deepEqual(await runEnd(handle), { status: 'FAILED', message: 'invalid JSON at line 1, column 24' });
  });

  test('a file refused by the first step (a local activity): notify and archive get its reason', async () => {
    const { handle, importId } = await start('not-really.xlsx');
    const summary = await outcome(handle);
    assert.equal(summary.status, 'failed');
    assert.deepEqual(calls.get(importId)!.steps, ['moveToProcessing', 'notify', 'archive']);
    assert.deepEqual(calls.get(importId)!.archived!.error, { code: 'format_mismatch', message: 'the file is named .xlsx but its content is text' });
    assert.deepEqual(await runEnd(handle), { status: 'FAILED', message: 'the file is named .xlsx but its content is text' });
  });

  test('dry run confirmed: waits for the decision, then writes', async () => {
    const { handle, importId } = await start('dry-confirm.csv', { dryRun: true });
    await awaitingDecision(handle);
    assert.deepEqual(calls.get(importId)!.steps, ['moveToProcessing', 'parse', 'plan']);
    await handle.signal(confirmSignal);
    assert.equal((await outcome(handle)).status, 'succeeded');
    assert.deepEqual(calls.get(importId)!.steps.slice(3), ['upsert', 'index', 'notify', 'archive']);
  });

  test('dry run discarded: nothing written', async () => {
    const { handle, importId } = await start('dry-discard.csv', { dryRun: true });
    await awaitingDecision(handle);
    await handle.signal(discardSignal);
    assert.equal((await outcome(handle)).status, 'discarded');
    assert.ok(!calls.get(importId)!.steps.includes('upsert'));
    assert.equal((await runEnd(handle)).status, 'COMPLETED', 'a discarded preview is no failure');
  });

  test('dry run with no decision before its timeout: discarded by itself', async () => {
    const { handle, importId } = await start('dry-timeout.csv', { dryRun: true, dryRunSeconds: 2 });
    assert.equal((await outcome(handle)).status, 'discarded');
    assert.deepEqual(calls.get(importId)!.steps, ['moveToProcessing', 'parse', 'plan', 'notify', 'archive']);
  });

  test('cancelled before the upsert: nothing to undo, archived as cancelled', async () => {
    const { handle, importId } = await start('cancel-before-upsert.csv');
    await eventually(async () => calls.get(importId)?.steps.includes('parse'), 'the parse to start', 30_000);
    await handle.cancel();
    const summary = await outcome(handle);
    const c = calls.get(importId)!;
    assert.ok(!c.steps.includes('restoreCourses'), 'nothing was written, nothing is undone');
    assert.equal(c.archived!.status, 'cancelled');
    assert.equal(summary.status, 'cancelled');
    assert.deepEqual(summary.error, { code: 'cancelled', message: 'cancelled before any course was written', params: {} });
    assert.equal((await runEnd(handle)).status, 'CANCELLED');
  });

  test('cancelled after the upsert: what it wrote is undone, then archived as cancelled', async () => {
    const { handle, importId } = await start('cancel-after-upsert.csv');
    await eventually(async () => calls.get(importId)?.steps.includes('index'), 'the index step to start', 30_000);
    await handle.cancel();
    const summary = await outcome(handle);
    assert.equal(summary.status, 'cancelled');
    assert.equal((await runEnd(handle)).status, 'CANCELLED');
    const c = calls.get(importId)!;
    assert.deepEqual(c.steps.slice(-4), ['restoreCourses', 'syncRevertedCourses', 'notify', 'archive']);
    assert.equal(c.archived!.status, 'cancelled');
    assert.match(c.archived!.error?.message ?? '', /cancelled after the upsert: 3 created course\(s\) deleted/);
  });
});
