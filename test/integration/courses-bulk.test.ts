// Bulk actions on real PostgreSQL, Elasticsearch and Temporal: what an admin checks after each one is that
// the course list (searched in Elasticsearch) and the database agree.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/env';
import { course, importJson, query } from './courses-helpers';
import { searchCourses } from '../../src/search/queries';
import { startBulk } from '../../src/temporal/start-bulk';
import { getBulkAction } from '../../src/db/bulk-actions';
import type { Selection } from '../../src/courses/selection';
import type { BulkAction } from '../../src/contract';

let t: TestEnv;

before(async () => {
  // Batches of 2 and "large" above 3 courses, so a small catalogue exercises the paging and the progress page.
  t = await createTestEnv('coursesbulk', { BULK_INLINE_MAX: '3', BULK_BATCH_SIZE: '2' });
  await t.startWorker();
  const rows = [
    course('Alpha Python', { tags: ['python'], lessons: ['Un', 'Deux'] }),
    course('Beta Python', { tags: ['python'] }),
    course('Gamma Rust', { category: 'Systèmes', tags: ['rust'] }),
    ...Array.from({ length: 7 }, (_, i) => course(`Lot ${i + 1}`, { category: 'Lot', tags: ['lot'] })),
  ];
  const s = await importJson(t, rows);
  assert.equal(s.counts.created, rows.length);
});

after(async () => {
  await t?.close();
});

async function idOf(title: string): Promise<number> {
  const [row] = await t.sql<{ id: number }[]>`SELECT id FROM courses WHERE title = ${title}`;
  assert.ok(row, `course ${title}`);
  return row.id;
}

async function run(action: BulkAction, selection: Selection) {
  return startBulk(t.client, { config: t.config, waitMs: 60_000 }, action, selection, 'admin@example.com');
}

async function esHits(params: Record<string, string>) {
  return (await searchCourses(t.es, t.config.elasticsearch.alias, query({ ...params, per_page: '100' }))).hits;
}

describe('bulk actions', () => {
  test('deactivate a selection: PostgreSQL and the search both show the courses inactive', async () => {
    const ids = [await idOf('Alpha Python'), await idOf('Beta Python')];
    const r = await run('deactivate', { ids });
    assert.equal(r.finished?.status, 'succeeded');
    assert.equal(r.finished?.processed, 2);
    const rows = await t.sql<{ is_active: boolean }[]>`SELECT is_active FROM courses WHERE id = ANY(${ids}::bigint[])`;
    assert.deepEqual(rows.map((x) => x.is_active), [false, false]);
    const active = await esHits({ q: 'python', is_active: 'true' });
    assert.deepEqual(active, []);
    const inactive = await esHits({ q: 'python', is_active: 'false' });
    assert.deepEqual(inactive.map((h) => h.title).sort(), ['Alpha Python', 'Beta Python']);

    const back = await run('activate', { ids });
    assert.equal(back.finished?.status, 'succeeded');
    assert.equal((await esHits({ q: 'python', is_active: 'true' })).length, 2);
  });

  test('duplicate: an inactive "(copy)" with its lessons, searchable, a second copy numbered', async () => {
    const id = await idOf('Alpha Python');
    const r = await run('duplicate', { ids: [id] });
    assert.equal(r.finished?.status, 'succeeded');
    const copyId = r.finished?.created[0];
    assert.ok(copyId && copyId !== id);
    const [copy] = await t.sql`SELECT * FROM courses WHERE id = ${copyId}`;
    assert.equal(copy?.title, 'Alpha Python (copy)');
    assert.equal(copy?.is_active, false);
    assert.equal(copy?.natural_key, 'title:alpha python copy');
    const lessons = await t.sql`SELECT title FROM lessons WHERE course_id = ${copyId} ORDER BY position`;
    assert.deepEqual(lessons.map((l) => l.title), ['Un', 'Deux']);
    assert.deepEqual((await esHits({ q: 'alpha', is_active: 'false' })).map((h) => h.title), ['Alpha Python (copy)']);

    const again = await run('duplicate', { ids: [id] });
    const [second] = await t.sql`SELECT title FROM courses WHERE id = ${again.finished?.created[0] ?? 0}`;
    assert.equal(second?.title, 'Alpha Python (copy 2)');
  });

  test('delete every course matching the filters: gone from PostgreSQL and Elasticsearch', async () => {
    const before = (await esHits({ q: 'alpha' })).length;
    assert.equal(before, 3);
    const r = await run('delete', { filters: { ...query({ q: 'copy' }) } });
    assert.equal(r.finished?.status, 'succeeded');
    assert.equal(r.finished?.total, 2);
    const left = await t.sql`SELECT title FROM courses WHERE title LIKE 'Alpha%'`;
    assert.deepEqual(left.map((x) => x.title), ['Alpha Python']);
    assert.deepEqual((await esHits({ q: 'alpha' })).map((h) => h.title), ['Alpha Python']);
  });

  test('a large selection runs in the background with progress, and ends consistent', async () => {
    const r = await startBulk(t.client, { config: t.config, waitMs: 60_000 }, 'deactivate', { filters: query({ category: 'Lot' }) }, 'admin@example.com');
    assert.equal(r.finished, null, 'more than BULK_INLINE_MAX courses: not waited for');
    const result = await t.client.workflow.getHandle(r.workflowId).result();
    assert.equal(result.status, 'succeeded');
    assert.equal(result.total, 7);
    assert.equal(result.processed, 7);
    const rec = await getBulkAction(t.sql, r.bulkId);
    assert.equal(rec?.status, 'succeeded');
    assert.equal(rec?.processed, 7);
    assert.equal((await esHits({ category: 'Lot', is_active: 'false' })).length, 7);
    assert.equal((await esHits({ category: 'Lot', is_active: 'true' })).length, 0);
  });
});
