// A test environment removes everything it created when it closes: the schedules the worker creates at start
// (several per task queue, each starting a health check every minute), its open workflows, its schema, its
// indices and its ingest folder. Checked from outside, as an operator would list them, with a deadline
// (Temporal's visibility is eventually consistent).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import type { Client } from '@temporalio/client';
import { createTestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { runningOnQueries, sweepLeftovers, testTaskQueues } from '../support/cleanup';
import { ensureSchedules, scheduleIds } from '../../src/temporal/schedules';
import { connectClient } from '../../src/temporal/connect';
import { loadConfig } from '../../src/config';
import { createSql, type Sql } from '../../src/db/client';
import { createSearchClient, type SearchClient } from '../../src/search/client';

let observer: Client;
let sql: Sql;
let es: SearchClient;

before(async () => {
  const config = loadConfig();
  observer = await connectClient(config.temporal);
  sql = createSql(config.databaseUrl, 2, 'public');
  es = createSearchClient(config.elasticsearch.url);
});

after(async () => {
  await observer?.connection.close();
  await sql?.end({ timeout: 5 });
  await es?.close();
});

async function leftovers(name: string, schema: string, alias: string, ingestDir: string) {
  const queues = testTaskQueues(name);
  const schedules: string[] = [];
  for await (const s of observer.schedule.list()) if (queues.some((q) => s.scheduleId.startsWith(`${q}-`))) schedules.push(s.scheduleId);
  const workflows: string[] = [];
  for await (const wf of observer.workflow.list({ query: runningOnQueries(queues) })) workflows.push(wf.workflowId);
  const schemas = await sql`SELECT 1 FROM pg_namespace WHERE nspname = ${schema}`;
  const indices = await es.cat.indices({ index: `${alias}_*`, format: 'json' }).catch(() => []);
  const folder = await access(ingestDir).then(() => true, () => false);
  return { schedules, workflows, schema: schemas.length > 0, indices: indices.length, folder };
}

test('close() leaves no schedule, workflow, schema, index or folder of its prefix', { timeout: 120_000 }, async () => {
  const t = await createTestEnv('cleanup');
  // What the worker does at start, then a health check started by its schedule: no worker serves this queue,
  // so the run stays open, as the ones left behind did.
  await ensureSchedules(t.client, t.config);
  await t.client.schedule.getHandle(scheduleIds(t.config).healthByWorker).trigger();
  const before = await eventually(async () => {
    const l = await leftovers(t.name, t.config.databaseSchema, t.config.elasticsearch.alias, t.ingestDir);
    return l.schedules.length === Object.keys(scheduleIds(t.config)).length && l.workflows.length >= 1 ? l : undefined;
  }, 'the schedules and the triggered run to be listed');
  assert.ok(before.schema && before.indices > 0 && before.folder);

  await t.close();
  const after = await eventually(async () => {
    const l = await leftovers(t.name, t.config.databaseSchema, t.config.elasticsearch.alias, t.ingestDir);
    return l.schedules.length === 0 && l.workflows.length === 0 ? l : undefined;
  }, 'the schedules and workflows of the closed environment to be gone', 60_000);
  assert.deepEqual(after, { schedules: [], workflows: [], schema: false, indices: 0, folder: false });
});

test('an interrupted run (no close) is swept once older than the age given; a younger one is left alone', { timeout: 120_000 }, async () => {
  const t = await createTestEnv('cleanupsweep');
  await ensureSchedules(t.client, t.config);
  try {
    // Younger than an hour: another shell's run going on now. Nothing of it is touched.
    const young = await sweepLeftovers({ client: observer, sql, es }, 3_600_000, { name: t.name, ingestDir: t.ingestDir });
    assert.deepEqual(young, { schedules: [], workflows: 0, schemas: [], indices: [], folders: [] });
    assert.equal((await leftovers(t.name, t.config.databaseSchema, t.config.elasticsearch.alias, t.ingestDir)).schedules.length, Object.keys(scheduleIds(t.config)).length);
    // Interrupted before close(): everything of it older than "now" goes (only its own: other runs may be going on).
    const swept = await sweepLeftovers({ client: observer, sql, es }, -60_000, { name: t.name, ingestDir: t.ingestDir });
    assert.deepEqual(swept.schemas, [t.config.databaseSchema]);
    assert.equal(swept.schedules.length, Object.keys(scheduleIds(t.config)).length);
    assert.deepEqual(swept.folders, [t.ingestDir]);
    const after = await eventually(async () => {
      const l = await leftovers(t.name, t.config.databaseSchema, t.config.elasticsearch.alias, t.ingestDir);
      return l.schedules.length === 0 ? l : undefined;
    }, 'the swept schedules to be gone', 60_000);
    assert.deepEqual(after, { schedules: [], workflows: [], schema: false, indices: 0, folder: false });
  } finally {
    await t.close().catch(() => {});
  }
});
