// An infrastructure failure is waited out, not reported as a failed import: Elasticsearch goes down during an
// import, the index step retries with backoff and the import shows as still processing; when Elasticsearch is
// back, the import finishes and its courses are searchable.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTestEnv, type TestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { startFlakyProxy, type FlakyProxy } from '../support/flaky-proxy';
import { startImport } from '../../src/temporal/start-import';
import { progressQuery } from '../../src/contract';
import { importOutcome } from '../../src/temporal/import-outcome';
import { timelineFromEvents } from '../../src/imports/timeline';
import { LOCAL_STEPS_MAX_BYTES } from '../../src/workflows/import-file';
import { generateCourses } from '../support/generate';
import { onChildLines } from '../support/child-lines';

const root = path.join(import.meta.dirname, '..', '..');

let t: TestEnv;
let proxy: FlakyProxy;

before(async () => {
  proxy = await startFlakyProxy(new URL(process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200'));
  t = await createTestEnv('outage', { ELASTICSEARCH_URL: proxy.url });
  await t.startWorker();
});

after(async () => {
  proxy?.up();
  await t?.close();
  await proxy?.close();
});

/** A file over LOCAL_STEPS_MAX_BYTES, whose index step is an activity task: 600 generated courses as JSON. */
function largeFile(): string {
  const text = JSON.stringify(generateCourses(600, 23));
  assert.ok(text.length > LOCAL_STEPS_MAX_BYTES);
  return text;
}

test('Elasticsearch down during an import: the import waits, then finishes when it is back', { timeout: 120_000 }, async () => {
  proxy.down();
  const file = path.join(t.folder('incoming'), 'outage.json');
  await writeFile(file, largeFile());
  const started = await startImport(t.client, t.config, { path: file, fileName: 'outage.json', source: 'cli', mode: 'create_or_update', dryRun: false, startedBy: 'test' });
  const handle = t.client.workflow.getHandle(started.workflowId);

  const pending = await eventually(async () => {
    const d = await handle.describe();
    const index = d.raw.pendingActivities?.find((a) => a.activityType?.name === 'index');
    return index && (index.attempt ?? 0) >= 2 ? index : undefined;
  }, 'the index step to be retried', 60_000);
  assert.match(pending.lastFailure?.message ?? '', /ECONNRESET|ECONNREFUSED|socket|closed|Connection/i);
  const progress = await handle.query(progressQuery);
  assert.equal(progress.status, 'processing', 'waiting, not failed');
  assert.equal(progress.step, 'index');
  const [row] = await t.sql`SELECT status FROM imports WHERE id = ${started.importId}`;
  assert.equal(row!.status, 'processing');

  proxy.up();
  const summary = await importOutcome(handle);
  assert.equal(summary.status, 'succeeded');
  assert.equal(summary.counts.created, 600);
  const { count } = await t.es.count({ index: t.config.elasticsearch.alias });
  assert.equal(count, 600, 'every course searchable');
});

test('a small file during an outage, imported with the CLI: its local index step retries, the CLI and the timeline say why, and it finishes when Elasticsearch is back', { timeout: 150_000 }, async () => {
  proxy.down();
  const file = path.join(t.folder('processed'), '..', 'small-outage.csv');
  await writeFile(file, 'title,price\n"Outage course",10\n');
  const cli = spawn(process.execPath, ['bin/course-import.js', file, '--wait', '--json'], { cwd: root, env: t.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  onChildLines(cli, (line) => lines.push(line.raw));
  const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
  try {
    // After 10 s of retries inside the worker, the next waits are timers: the failure is in the history, which the
    // CLI and the import's timeline (admin and REST) read.
    const waiting = await eventually(async () => lines.find((l) => /^\s*waiting: index attempt \d+, last error: /.test(l)), 'the CLI to say the index step is waiting', 90_000);
    assert.match(waiting, /ECONNRESET|ECONNREFUSED|socket|closed|Connection/i);
    const importId = /import started: (\S+)/.exec(lines.join('\n'))?.[1];
    assert.ok(importId, lines.join('\n'));
    const [row] = await t.sql<{ status: string; workflow_id: string }[]>`SELECT status, workflow_id FROM imports WHERE id = ${importId}`;
    assert.equal(row!.status, 'processing', 'waiting, not failed');
    const handle = t.client.workflow.getHandle(row!.workflow_id);
    const { events } = await handle.fetchHistory();
    const retrying = timelineFromEvents(events ?? []).find((e) => e.step === 'index' && e.outcome === 'retrying');
    assert.match(retrying?.error ?? '', /ECONNRESET|ECONNREFUSED|socket|closed|Connection/i);
    const progress = await handle.query(progressQuery);
    assert.equal(progress.status, 'processing');
    assert.equal(progress.step, 'index');

    proxy.up();
    assert.equal(await exited, 0, lines.join('\n'));
    const summary = JSON.parse(lines.filter((l) => l.startsWith('{')).pop() ?? '{}') as { status?: string };
    assert.equal(summary.status, 'succeeded');
    const res = await t.es.search({ index: t.config.elasticsearch.alias, query: { match: { title: 'outage' } } });
    assert.equal(res.hits.hits.length, 1);
  } finally {
    proxy.up();
    cli.kill();
  }
});
