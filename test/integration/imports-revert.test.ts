// Revert and cancel on the real stack: an import undone leaves courses, lessons and search documents exactly
// as they were before it; a cancelled import leaves nothing half-done.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { createTestEnv, type TestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { generateCourses } from '../support/generate';
import { startImport } from '../../src/temporal/start-import';
import { progressQuery, type ImportSummary } from '../../src/contract';
import { getImport } from '../../src/db/imports';
import { importDetail } from '../../src/db/import-history';
import { cancelImport, startRevert, ActionRefused } from '../../src/imports/actions';
import { revertWorkflowId, type RevertResult } from '../../src/workflows/revert-import';
import { toCsv, toJson } from '../../src/domain/templates';
import { importOutcome } from '../../src/temporal/import-outcome';

let t: TestEnv;
let n = 0;

before(async () => {
  // Small bulk requests make the index step last long enough to be cancelled in the middle of it.
  t = await createTestEnv('imprevert', { ELASTICSEARCH_BULK_SIZE: '25' });
  await t.startWorker();
});
after(async () => {
  await t?.close();
});

const deps = () => ({ sql: t.sql, temporal: t.client, config: t.config });

async function start(fileName: string, content: string, dryRun = false) {
  const incoming = path.join(t.folder('incoming'), `upload-${++n}`);
  await writeFile(incoming, content);
  const started = await startImport(t.client, t.config, { path: incoming, fileName, source: 'upload', mode: 'create_or_update', dryRun, startedBy: 'tester@example.com' });
  return { ...started, handle: t.client.workflow.getHandle(started.workflowId) };
}

async function runImport(fileName: string, content: string): Promise<ImportSummary> {
  const { handle } = await start(fileName, content);
  return await importOutcome(handle);
}

/** Everything a user could see of the catalogue: every course column and every lesson, and the search index. */
async function snapshot() {
  const courses = await t.sql`SELECT * FROM courses ORDER BY id`;
  const lessons = await t.sql`SELECT * FROM lessons ORDER BY course_id, position`;
  await t.es.indices.refresh({ index: t.config.elasticsearch.alias });
  const docs = await t.es.search<{ title: string; description: string }>({ index: t.config.elasticsearch.alias, size: 10_000, sort: [{ id: 'asc' }] });
  const search = docs.hits.hits.map((h) => ({ id: h._id, title: h._source?.title, description: h._source?.description }));
  return { courses, lessons, search };
}

async function revertAndWait(importId: string, force = false): Promise<RevertResult> {
  const { workflowId } = await startRevert(deps(), importId, { requestedBy: 'tester@example.com', force });
  assert.equal(workflowId, revertWorkflowId(importId));
  return (await t.client.workflow.getHandle(workflowId).result()) as RevertResult;
}

// Run-unique content: workflow ids derive from the content and are shared by every suite on this Temporal.
const RUN = Math.random().toString(36).slice(2, 8);
const base: Record<string, unknown>[] = [
  { title: 'Revert Alpha', description: `Alpha v1 ${RUN}`, difficulty: 'beginner', learning_mode: 'text', price: 10, is_free: false, lessons: ['A1', 'A2'], tags: ['alpha'] },
  { title: 'Revert Beta', description: `Beta v1 ${RUN}`, difficulty: 'advanced', learning_mode: 'video', price: 0, is_free: true, lessons: [{ title: 'B1', content: 'one', order: 1, video_url: 'https://example.com/b1' }], tags: ['beta'] },
];

describe('revert', () => {
  test('restores exactly the courses, lessons and documents of before the import, and refuses while a later import depends on it', async () => {
    const first = await runImport('base.json', toJson(base));
    assert.equal(first.status, 'succeeded');
    const beforeSecond = await snapshot();
    assert.equal(beforeSecond.courses.length, 2);

    // The second import changes Alpha (description, lessons), leaves Beta alone and creates Gamma.
    const second = await runImport('second.json', toJson([
      { ...base[0], description: `Alpha v2 ${RUN}`, lessons: ['A1', 'A2 revised', 'A3'] },
      base[1]!,
      { title: 'Revert Gamma', description: 'New', difficulty: 'intermediate', learning_mode: 'mixed', price: 5, is_free: false, lessons: ['G1'], tags: ['gamma'] },
    ]));
    assert.equal(second.status, 'succeeded');
    assert.deepEqual([second.counts.created, second.counts.updated, second.counts.unchanged], [1, 1, 1]);
    assert.notDeepEqual(await snapshot(), beforeSecond);

    // The first import's courses were changed since by the second: refused, naming it.
    await assert.rejects(startRevert(deps(), first.importId, { requestedBy: 'tester@example.com', force: false }), (err: unknown) => {
      assert.ok(err instanceof ActionRefused);
      assert.equal(err.status, 409);
      assert.match(err.message, /second\.json/);
      return true;
    });

    const result = await revertAndWait(second.importId);
    assert.deepEqual([result.deleted, result.restored], [1, 1]);
    assert.deepEqual(await snapshot(), beforeSecond);
    const rec = await importDetail(t.sql, second.importId);
    assert.ok(rec?.reverted_at);
    assert.equal(rec?.reverted_by, 'tester@example.com');
    assert.equal(rec?.status, 'succeeded', 'the import keeps what happened to its file');

    await assert.rejects(startRevert(deps(), second.importId, { requestedBy: 'x', force: false }), /already reverted/);

    // Once the later import is reverted, the first one can go too: the catalogue is empty again.
    const r1 = await revertAndWait(first.importId);
    assert.equal(r1.deleted, 2);
    const empty = await snapshot();
    assert.deepEqual([empty.courses.length, empty.lessons.length, empty.search.length], [0, 0, 0]);
  });

  test('a revert refused inside the workflow (a later import landed in between) fails with the reason', async () => {
    const a = await runImport('race-a.csv', toCsv([{ ...base[0], title: 'Race One' }]));
    const b = await runImport('race-b.csv', toCsv([{ ...base[0], title: 'Race One', description: `changed ${RUN}` }]));
    assert.equal(b.counts.updated, 1);
    // Started directly, skipping the route's early check, as if b had landed after the check.
    const handle = await t.client.workflow.start('revertImport', {
      taskQueue: t.config.temporal.taskQueue,
      workflowId: revertWorkflowId(a.importId),
      args: [{ importId: a.importId, requestedBy: 'x', force: false }],
    });
    await assert.rejects(handle.result(), (err: unknown) => err instanceof WorkflowFailedError && /later imports changed the same courses since: race-b\.csv/.test(String((err.cause?.cause as Error | undefined)?.message)));
    assert.equal((await importDetail(t.sql, a.importId))?.reverted_at, null);
    await revertAndWait(b.importId);
    await revertAndWait(a.importId);
  });
});

describe('cancel', () => {
  test('during a dry run wait: status cancelled, file in error/, nothing written', async () => {
    const before = await snapshot();
    const { handle, importId } = await start('cancel-preview.csv', toCsv([{ ...base[0], title: 'Never Written' }]), true);
    await eventually(async () => (await handle.query(progressQuery)).status === 'awaiting_confirmation', 'the preview');
    await cancelImport(deps(), importId);
    const summary = await importOutcome(handle);
    assert.equal(summary.status, 'cancelled');
    const rec = await getImport(t.sql, importId);
    assert.equal(rec?.status, 'cancelled');
    assert.ok((await t.list('error')).includes(path.basename(rec?.archived_to ?? '')), 'the file is archived to error/');
    assert.deepEqual(await snapshot(), before);
  });

  test('during a running import of thousands of rows, after the upsert committed: everything is undone', async () => {
    // 300 existing courses that the big file changes, so the undo restores as well as deletes.
    const existing = generateCourses(300, 7).map((c) => ({ ...c, description: `${c.description} ${RUN}` }));
    const seeded = await runImport('existing.json', toJson(existing as unknown as Record<string, unknown>[]));
    assert.equal(seeded.status, 'succeeded');
    const before = await snapshot();

    const big = [
      ...existing.map((c) => ({ ...c, description: `${c.description} (v2)`, lessons: [...c.lessons, 'Bonus'] })),
      ...generateCourses(3000, 8, 10_000),
    ];
    const { handle, importId } = await start('big.json', toJson(big as unknown as Record<string, unknown>[]));
    // Cancel once the upsert runs or has committed (during the index step, 25 documents per bulk request).
    await eventually(async () => ['upsert', 'index'].includes((await handle.query(progressQuery)).step), 'the upsert or index step', 120_000);
    await cancelImport(deps(), importId);
    const summary = await importOutcome(handle);
    assert.equal(summary.status, 'cancelled');

    const rec = await getImport(t.sql, importId);
    assert.equal(rec?.status, 'cancelled');
    assert.equal(rec?.error_code, 'cancelled');
    assert.match(rec?.error_message ?? '', /3000 created course\(s\) deleted, 300 restored/);
    assert.ok((await t.list('error')).includes(path.basename(rec?.archived_to ?? '')));
    const afterCancel = await snapshot();
    assert.equal(afterCancel.courses.length, before.courses.length);
    assert.deepEqual(afterCancel, before);
  });
});
