// An infrastructure failure is waited out, not reported as a failed import: Elasticsearch goes down during an
// import, the index step retries with backoff and the import shows as still processing; when Elasticsearch is
// back, the import finishes and its courses are searchable.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTestEnv, type TestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { startFlakyProxy, type FlakyProxy } from '../support/flaky-proxy';
import { startImport } from '../../src/temporal/start-import';
import { progressQuery } from '../../src/contract';
import { importOutcome } from '../../src/temporal/import-outcome';

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

test('Elasticsearch down during an import: the import waits, then finishes when it is back', { timeout: 120_000 }, async () => {
  proxy.down();
  const file = path.join(t.folder('incoming'), 'outage.csv');
  await writeFile(file, 'title,price\n"Outage course",10\n');
  const started = await startImport(t.client, t.config, { path: file, fileName: 'outage.csv', source: 'cli', mode: 'create_or_update', dryRun: false, startedBy: 'test' });
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
  const res = await t.es.search({ index: t.config.elasticsearch.alias, query: { match: { title: 'outage' } } });
  assert.equal(res.hits.hits.length, 1);
});
