// A full reindex from PostgreSQL: the alias moves to a new index atomically, searches never fail or come back
// empty meanwhile, and a course written during the reindex is in the new index.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/env';
import { course, importJson, query } from './courses-helpers';
import { generateCourses } from '../support/generate';
import { searchCourses } from '../../src/search/queries';
import { startReindex } from '../../src/temporal/start-reindex';
import { searchStatus } from '../../src/search/status';
import { aliasIndices, waitForTask } from '../../src/search/reindex';
import { reindexProgressQuery, type ReindexProgress } from '../../src/contract';
import { startBulk } from '../../src/temporal/start-bulk';
import { startFlakyProxy, type FlakyProxy } from '../support/flaky-proxy';

let t: TestEnv;
let slowEs: FlakyProxy;

before(async () => {
  // The copy must last long enough to search and write during it, however fast the machine: small pages, one
  // at a time, each through a proxy that adds 30 ms (75 pages: over two seconds of copying at the very least).
  slowEs = await startFlakyProxy(new URL(process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200'), { latencyMs: 30 });
  t = await createTestEnv('reindex', { ELASTICSEARCH_BULK_SIZE: '20', ELASTICSEARCH_BULK_CONCURRENCY: '1', ELASTICSEARCH_URL: slowEs.url });
  await t.startWorker();
  const rows = generateCourses(1500, 7);
  const s = await importJson(t, rows as unknown as Record<string, unknown>[], 'big.json');
  assert.equal(s.counts.created + s.counts.failed, 1500, JSON.stringify(s.counts));
});

after(async () => {
  await t?.close();
  await slowEs?.close();
});

describe('reindexCourses', () => {
  test('switches the alias to a new index while searches keep answering, and keeps writes made during it', async () => {
    const alias = t.config.elasticsearch.alias;
    const [oldIndex] = await aliasIndices(t.es, alias);
    assert.ok(oldIndex);
    const [{ n: total } = { n: 0 }] = await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM courses`;

    const started = await startReindex(t.client, t.config);
    assert.equal(started.started, true);
    const handle = t.client.workflow.getHandle(started.workflowId);

    // A second start while it runs starts nothing.
    assert.equal((await startReindex(t.client, t.config)).started, false);

    let searches = 0;
    let running = true;
    const failures: string[] = [];
    const loop = (async () => {
      while (running) {
        try {
          const r = await searchCourses(t.es, alias, query({ q: 'python' }));
          if (r.total === 0) failures.push('a search returned no hit');
        } catch (err) {
          failures.push(err instanceof Error ? err.message : String(err));
        }
        searches++;
      }
    })();

    let result: ReindexProgress;
    let first: { id: number } | undefined;
    try {
      // Writes while the copy runs: a new course imported, and a bulk deactivate.
      let sawCopy = false;
      for (let i = 0; i < 200 && !sawCopy; i++) {
        const p = await handle.query(reindexProgressQuery).catch(() => null);
        sawCopy = p?.step === 'copy' || p?.step === 'switch' || p?.step === 'done';
        if (!sawCopy) await new Promise((r) => setTimeout(r, 50));
      }
      await importJson(t, [course('Written during the reindex', { external_id: 'during-reindex' })], 'during.json');
      [first] = await t.sql<{ id: number }[]>`SELECT id FROM courses ORDER BY id LIMIT 1`;
      await startBulk(t.client, { config: t.config, waitMs: 60_000 }, 'deactivate', { ids: [first!.id] }, 'test');
      const [marker] = await t.sql`SELECT status FROM search_reindexes WHERE id = ${started.reindexId}`;
      assert.equal(marker?.status, 'running', 'the writes happened while the reindex was running');

      result = (await handle.result()) as ReindexProgress;
    } finally {
      // A failed assertion above must not leave the search loop spinning.
      running = false;
      await loop;
    }
    assert.equal(result.step, 'done', JSON.stringify(result));
    assert.deepEqual(failures, []);
    assert.ok(searches > 5, `searches ran during the reindex (${searches})`);

    const indices = await aliasIndices(t.es, alias);
    assert.deepEqual(indices, [result.target]);
    assert.notEqual(result.target, oldIndex);
    assert.equal(await t.es.indices.exists({ index: oldIndex! }), false, 'the old index is deleted');

    const status = await searchStatus(t.es, t.sql, alias);
    assert.equal(status.documents, total + 1);
    assert.equal(status.reindex?.status, 'succeeded');
    assert.equal(status.reindex?.running, false);

    const during = await searchCourses(t.es, alias, query({ q: 'written during the reindex' }));
    assert.deepEqual(during.hits.map((h) => h.title), ['Written during the reindex']);
    const doc = await t.es.get<{ is_active: boolean }>({ index: alias, id: String(first!.id) });
    assert.equal(doc._source?.is_active, false, 'the deactivation made during the copy is in the new index');

    // The switch started a background force merge of the new index: an operator sees its task end and the index
    // in one segment, every course still found.
    const merges = await t.es.tasks.list({ actions: 'indices:admin/forcemerge*', detailed: true });
    for (const task of Object.values(merges.nodes ?? {}).flatMap((n) => Object.entries(n.tasks ?? {}))) {
      if ((task[1].description ?? '').includes(result.target!)) await waitForTask(t.es, task[0], 120_000);
    }
    const segments = await t.es.cat.segments({ index: result.target!, format: 'json' });
    assert.equal(segments.length, 1, `one segment after the force merge: ${JSON.stringify(segments)}`);
    assert.equal((await searchStatus(t.es, t.sql, alias)).documents, total + 1);
  });
});
