// Elasticsearch frozen (it accepts connections and never answers, as a paused or GC-bound node does): the
// course list and the autocomplete answer from PostgreSQL within what a user accepts, say so, and after a
// few failures stop waiting for Elasticsearch at all (the circuit breaker) until its cool-down has passed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSilentPeer, type SilentPeer } from '../support/silent-peer';
import { startAdmin, type TestAdmin } from '../e2e/support/app';
import { createUser, type TestUser } from '../e2e/support/users';
import { HttpSession } from '../support/http-session';
import { listen } from '../../src/api/listen';
import { loadConfig } from '../../src/config';
import { createSearchClient } from '../../src/search/client';

let a: TestAdmin;
let admin: TestUser;
let frozen: SilentPeer;

before(async () => {
  frozen = await startSilentPeer();
  a = await startAdmin('searchfrozen');
  admin = await createUser(a.t.sql, 'admin');
  await a.t.sql`
    INSERT INTO courses (natural_key, title, description, difficulty, learning_mode, price, is_free, tags, quality_score, content_hash)
    SELECT 'frozen-' || g, 'Python frozen course ' || g, 'Found in PostgreSQL', 'beginner', 'text', 0, true, '{python}', 50, 'h' || g
    FROM generate_series(1, 30) g`;
});

after(async () => {
  await frozen?.close();
  await a?.close();
});

test('with Elasticsearch frozen, the course list answers from PostgreSQL in seconds, then without waiting at all', { timeout: 120_000 }, async () => {
  // The admin's configuration as a deployment would have it, Elasticsearch's address pointing at the frozen node.
  const config = loadConfig({ ...a.t.env, ELASTICSEARCH_URL: `http://127.0.0.1:${frozen.port}`, ELASTICSEARCH_BREAKER_COOLDOWN: '60s' });
  const es = createSearchClient(config.elasticsearch.url);
  const server = await listen({ ...a.deps, config, es }, 0, '127.0.0.1');
  try {
    const s = new HttpSession(server.url);
    assert.equal((await s.login(admin.email, admin.password)).status, 303);
    const timed = async (path: string) => {
      const started = Date.now();
      const res = await s.get(path);
      return { res, ms: Date.now() - started };
    };
    // The first searches each wait for the short timeout (1.5 s by default), never Elasticsearch's own 30 s.
    for (let i = 0; i < config.elasticsearch.breaker.failures; i++) {
      const { res, ms } = await timed(`/admin-dashboard/courses/?q=python&page=1&i=${i}`);
      assert.equal(res.status, 200);
      assert.ok(ms < 5000, `answered in ${ms} ms`);
      assert.match(res.text, /these results come from PostgreSQL/);
      assert.match(res.text, /Python frozen course/);
    }
    assert.ok(frozen.accepted() >= 1, 'the frozen node was really asked');
    // The circuit is open: the next pages and the autocomplete go straight to PostgreSQL.
    const before = frozen.accepted();
    const page = await timed('/admin-dashboard/courses/?q=frozen');
    assert.equal(page.res.status, 200);
    assert.match(page.res.text, /these results come from PostgreSQL/);
    assert.ok(page.ms < 1000, `answered in ${page.ms} ms with the circuit open`);
    const suggest = await timed('/api/courses/suggest?q=pyth');
    assert.equal(suggest.res.status, 200);
    assert.ok(suggest.ms < 1000, `suggestions in ${suggest.ms} ms`);
    assert.ok(suggest.res.json<{ suggestions: { title: string }[] }>().suggestions.some((x) => /Python frozen course/.test(x.title)));
    const json = await s.request('GET', '/admin-dashboard/courses/?q=python', { headers: { Accept: 'application/json' } });
    assert.equal(json.json<{ backend: string; total: number }>().backend, 'postgresql');
    assert.equal(json.json<{ total: number }>().total, 30);
    assert.equal(frozen.accepted(), before, 'no request went to Elasticsearch while the circuit is open');
  } finally {
    await server.close();
    await es.close();
  }
});
