// The index step resumes where a failed attempt stopped (issue 17): a 1M-course file indexed on a busy machine
// can outlast one attempt, and an attempt that started again from the first course would never get further.
// Elasticsearch is reached through an HTTP proxy that counts the `_bulk` requests and breaks one connection.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestEnv, type TestEnv } from '../support/env';
import { importJson } from './courses-helpers';
import { generateCourses } from '../support/generate';
import { LOCAL_STEPS_MAX_BYTES } from '../../src/workflows/import-file';

// Over LOCAL_STEPS_MAX_BYTES (about 330 KB of JSON): the index step of a smaller file is a local activity, which has
// no heartbeat to resume from and indexes its few hundred courses again.
const COURSES = 600;
const PAGE = 100;
/** The `_bulk` request that fails (1-based): pages 1 to 4 are indexed before it. */
const FAILING_BULK = 5;

let t: TestEnv;
let proxy: Server;
let bulks = 0;

before(async () => {
  const target = new URL(process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200');
  proxy = createServer((req, res) => {
    if (req.method === 'POST' && /\/_bulk(\?|$)/.test(req.url ?? '') && ++bulks === FAILING_BULK) {
      // An outage in the middle of the step: the connection drops, the attempt fails and is retried.
      req.socket.destroy();
      return;
    }
    // A connection of its own per request (agent: false): a kept-alive one that Elasticsearch has just closed would
    // fail a request this test did not mean to fail.
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent: false }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  t = await createTestEnv('index_resume', {
    ELASTICSEARCH_URL: `http://127.0.0.1:${port}`,
    ELASTICSEARCH_BULK_SIZE: String(PAGE),
    ELASTICSEARCH_BULK_CONCURRENCY: '1',
  });
  await t.startWorker();
});

after(async () => {
  await t?.close();
  await new Promise<void>((resolve) => proxy?.close(() => resolve()));
});

test('a retried index step goes on after the pages already indexed, and every course is searchable', async () => {
  const courses = generateCourses(COURSES, 11) as unknown as Record<string, unknown>[];
  assert.ok(JSON.stringify(courses).length > LOCAL_STEPS_MAX_BYTES, 'the file must be indexed by an activity task');
  const summary = await importJson(t, courses, 'resume.json');
  assert.equal(summary.status, 'succeeded', JSON.stringify(summary));
  assert.equal(summary.counts.created, COURSES);

  // Every course is in the index, and the ledger says so.
  const { count } = await t.es.count({ index: t.config.elasticsearch.alias });
  assert.equal(count, COURSES);
  const [ledger] = await t.sql<{ rows_indexed: number }[]>`SELECT rows_indexed FROM imports WHERE id = ${summary.importId}`;
  assert.equal(ledger?.rows_indexed, COURSES);

  // A retry from the first course would send all 6 pages again after the failed one; resuming sends fewer (the
  // first heartbeat, after page 1, always reaches the server; later ones may still be waiting to be sent).
  const pages = COURSES / PAGE;
  const afterFailure = bulks - FAILING_BULK;
  assert.ok(bulks >= FAILING_BULK, `the failing _bulk was never sent (${bulks} bulks)`);
  assert.ok(afterFailure < pages, `the retry sent ${afterFailure} pages of ${pages}: it started again from the first course`);
});
