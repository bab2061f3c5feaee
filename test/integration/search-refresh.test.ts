// refreshEverywhere shares one refresh among callers asking at the same time (many small imports indexing at
// once): each caller must still find what it wrote before asking, as soon as its call returns.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { createSearchClient, type SearchClient } from '../../src/search/client';
import { REFRESH_MIN_INTERVAL_MS, refreshEverywhere } from '../../src/search/indexer';

let es: SearchClient;
const index = `refresh_t_${randomBytes(3).toString('hex')}`;

before(async () => {
  es = createSearchClient(loadConfig(process.env).elasticsearch.url);
  // Elasticsearch's periodic refresh off: only refreshEverywhere makes documents searchable here.
  await es.indices.create({ index, settings: { refresh_interval: '-1', number_of_replicas: 0 } });
});

after(async () => {
  await es.indices.delete({ index, ignore_unavailable: true });
  await es.close();
});

test('each of many concurrent writers finds its document once its refresh returns', async () => {
  const found = await Promise.all(
    Array.from({ length: 30 }, async (_, i) => {
      await es.index({ index, id: String(i), document: { n: i } });
      await refreshEverywhere(es, [index]);
      const res = await es.search({ index, query: { ids: { values: [String(i)] } }, size: 0, track_total_hits: true });
      return typeof res.hits.total === 'number' ? res.hits.total : res.hits.total?.value;
    }),
  );
  assert.deepEqual(found, found.map(() => 1));
});

test('a write made while a refresh runs is searchable after the caller’s own refresh', async () => {
  await es.index({ index, id: 'a', document: { n: -1 } });
  const first = refreshEverywhere(es, [index]);
  await es.index({ index, id: 'b', document: { n: -2 } });
  await refreshEverywhere(es, [index]);
  await first;
  const res = await es.search({ index, query: { ids: { values: ['a', 'b'] } }, size: 0, track_total_hits: true });
  assert.equal(typeof res.hits.total === 'number' ? res.hits.total : res.hits.total?.value, 2);
});

test('writers finishing together share refreshes: twenty callers cost at most two', async () => {
  const refreshes = async () => (await es.indices.stats({ index, metric: 'refresh' }))._all.primaries?.refresh?.external_total ?? 0;
  await refreshEverywhere(es, [index]);
  const before = await refreshes();
  await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      await es.index({ index, id: `s${i}`, document: { n: 1000 + i } });
      await refreshEverywhere(es, [index]);
    }),
  );
  const res = await es.search({ index, query: { range: { n: { gte: 1000 } } }, size: 0, track_total_hits: true });
  assert.equal(typeof res.hits.total === 'number' ? res.hits.total : res.hits.total?.value, 20);
  const used = (await refreshes()) - before;
  assert.ok(used >= 1 && used <= 2, `${used} refreshes for 20 callers`);
});

test('a refresh asked for right after another waits for the interval, then finds the write', async () => {
  await new Promise((resolve) => setTimeout(resolve, REFRESH_MIN_INTERVAL_MS));
  const startedAt = Date.now();
  await refreshEverywhere(es, [index]);
  await es.index({ index, id: 'late', document: { n: -3 } });
  await refreshEverywhere(es, [index]);
  // setTimeout may fire a millisecond early (timer rounding); the second refresh cannot have been sent sooner.
  assert.ok(Date.now() - startedAt >= REFRESH_MIN_INTERVAL_MS - 2, `${Date.now() - startedAt} ms`);
  const res = await es.search({ index, query: { ids: { values: ['late'] } }, size: 0, track_total_hits: true });
  assert.equal(typeof res.hits.total === 'number' ? res.hits.total : res.hits.total?.value, 1);
});
