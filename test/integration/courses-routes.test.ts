// The courses and operations pages and REST endpoints over HTTP, on the real stack: the list with safe
// highlights, suggestions, bulk actions with the delete confirmation, exports, the dashboard, search analytics,
// monitoring, the consumer and Elasticsearch status (with an API token, as the seed's curl example), reindex.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpSession } from '../support/http-session';
import { createTestEnv, type TestEnv } from '../support/env';
import { course, importJson } from './courses-helpers';
import { createApp } from '../../src/api/app';
import { authRoutes } from '../../src/api/routes/auth';
import { courseRoutes } from '../../src/api/routes/courses';
import { monitoringRoutes } from '../../src/api/routes/monitoring';
import { dashboardRoutes } from '../../src/api/routes/dashboard';
import { searchAnalyticsRoutes } from '../../src/api/routes/search-analytics';
import { insertUser } from '../../src/db/users';
import { insertApiToken } from '../../src/db/api-tokens';
import { hashPassword } from '../../src/api/passwords';
import { newApiToken } from '../../src/api/secrets';
import { logger } from '../../src/logger';
import { DropWatcher } from '../../src/watcher/drop-watcher';

let t: TestEnv;
let server: Server;
let base: string;
let adminToken: string;
let viewerToken: string;
let watcher: DropWatcher;
const PASSWORD = 'correct horse battery staple 42';

class Session extends HttpSession {
  constructor() {
    super(() => base);
  }

  override signIn(email: string, password = PASSWORD, csrfPage = '/admin-dashboard/courses/'): Promise<void> {
    return super.signIn(email, password, csrfPage);
  }

}

const bearer = (token: string, init: RequestInit = {}): RequestInit => ({ ...init, headers: { ...(init.headers as Record<string, string> | undefined), Authorization: `Bearer ${token}` } });

async function idOf(title: string): Promise<number> {
  const [row] = await t.sql<{ id: number }[]>`SELECT id FROM courses WHERE title = ${title}`;
  assert.ok(row, title);
  return row.id;
}

before(async () => {
  t = await createTestEnv('coursesroutes');
  await t.startWorker();
  watcher = new DropWatcher({ client: t.client, sql: t.sql, config: t.config, logger: logger.child({ test: 'watcher' }) });
  await watcher.start();
  const deps = { config: t.config, sql: t.sql, es: t.es, temporal: t.client, logger: logger.child({ test: 'courses-routes' }) };
  const app = createApp(deps, [authRoutes(deps), courseRoutes(deps), monitoringRoutes(deps), dashboardRoutes(deps), searchAnalyticsRoutes(deps)]);
  server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const hash = await hashPassword(PASSWORD);
  const admin = await insertUser(t.sql, { email: 'admin@example.com', role: 'admin', passwordHash: hash, createdBy: null });
  await insertUser(t.sql, { email: 'viewer@example.com', role: 'viewer', passwordHash: hash, createdBy: null });
  const a = newApiToken();
  await insertApiToken(t.sql, { name: 'ci', tokenHash: a.hash, prefix: a.prefix, role: 'admin', createdBy: admin.id });
  adminToken = a.token;
  const v = newApiToken();
  await insertApiToken(t.sql, { name: 'reader', tokenHash: v.hash, prefix: v.prefix, role: 'viewer', createdBy: admin.id });
  viewerToken = v.token;
  await importJson(t, [
    course('Python pour débutants', { description: 'Apprendre <em>vite</em> & bien', tags: ['python'] }),
    course('Rust avancé', { difficulty: 'advanced', price: 30, is_free: false, category: 'Systèmes' }),
    course('Cours de cuisine', { category: 'Cuisine' }),
  ]);
});

after(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await watcher?.close();
  await t?.close();
});

describe('course list', () => {
  test('search shows escaped highlights and facet counts, and is recorded', async () => {
    const s = new Session();
    await s.signIn('admin@example.com');
    const html = await (await s.fetch('/admin-dashboard/courses/?q=debutant')).text();
    assert.match(html, /<mark>débutants<\/mark>/);
    assert.match(html, /1 course matching “debutant”/);
    assert.ok(!html.includes('<em>vite</em>'));
    // The field a highlight was found in is named in the reader's language.
    const described = await (await s.fetch('/admin-dashboard/courses/?q=apprendre', { headers: { 'Accept-Language': 'fr' } })).text();
    assert.match(described, /data-highlight="description"><span class="muted">Description :<\/span> <mark>Apprendre<\/mark>/);
    const english = await (await s.fetch('/admin-dashboard/courses/?q=apprendre', { headers: { 'Accept-Language': 'en' } })).text();
    assert.match(english, /data-highlight="description"><span class="muted">Description:<\/span>/);
    const taught = await (await s.fetch('/admin-dashboard/courses/?q=dupont', { headers: { 'Accept-Language': 'fr' } })).text();
    assert.match(taught, /data-highlight="instructor"><span class="muted">Formateur :<\/span> Jean <mark>Dupont<\/mark>/);
    assert.doesNotMatch(taught, /instructor:/);
    const json = (await (await fetch(`${base}/admin-dashboard/courses/?category=Cuisine`, bearer(viewerToken))).json()) as { total: number; hits: { title: string }[]; facets: { category: { value: string; count: number }[] } };
    assert.equal(json.total, 1);
    assert.deepEqual(json.hits.map((h) => h.title), ['Cours de cuisine']);
    assert.equal(json.facets.category.length, 3, 'the category facet ignores its own filter');
    const [logged] = await t.sql`SELECT query, user_id, result_count FROM search_log WHERE query = 'debutant'`;
    assert.deepEqual({ ...logged }, { query: 'debutant', user_id: 'admin@example.com', result_count: 1 });
  });

  test('suggestions as JSON', async () => {
    const res = await fetch(`${base}/api/courses/suggest?q=ru`, bearer(viewerToken));
    const body = (await res.json()) as { suggestions: { title: string; url: string }[] };
    assert.deepEqual(body.suggestions.map((x) => x.title), ['Rust avancé']);
    assert.match(body.suggestions[0]!.url, /^\/admin-dashboard\/courses\/\d+\/$/);
  });

  test("a course's page shows its fields, lessons and the import that created it", async () => {
    const s = new Session();
    await s.signIn('viewer@example.com');
    const html = await (await s.fetch(`/admin-dashboard/courses/${await idOf('Rust avancé')}/`)).text();
    assert.match(html, /<h1>Rust avancé<\/h1>/);
    assert.match(html, /courses\.json/);
    assert.match(html, /Intro/);
    assert.equal((await s.fetch('/admin-dashboard/courses/999999/')).status, 404);
  });
});

describe('bulk actions over HTTP', () => {
  test('a viewer cannot run one; an admin deactivates ticked courses and the list shows it', async () => {
    const viewer = new Session();
    await viewer.signIn('viewer@example.com');
    const id = await idOf('Cours de cuisine');
    assert.equal((await viewer.postForm('/admin-dashboard/courses/bulk/', [['action', 'deactivate'], ['ids', String(id)]])).status, 403);

    const s = new Session();
    await s.signIn('admin@example.com');
    const res = await s.postForm('/admin-dashboard/courses/bulk/', [['action', 'deactivate'], ['scope', 'ids'], ['ids', String(id)]]);
    assert.equal(res.status, 303);
    const html = await (await s.fetch(res.headers.get('location') ?? '/admin-dashboard/courses/')).text();
    assert.match(html, /1 course deactivated/);
    const list = await (await s.fetch('/admin-dashboard/courses/?is_active=false')).text();
    assert.match(list, /Cours de cuisine/);
    const [audit] = await t.sql`SELECT actor, action FROM audit_log WHERE action = 'bulk.deactivate'`;
    assert.equal(audit?.actor, 'admin@example.com');
  });

  test('delete asks for confirmation first, then removes the courses', async () => {
    const s = new Session();
    await s.signIn('admin@example.com');
    const first = await s.postForm('/admin-dashboard/courses/bulk/', [['action', 'delete'], ['scope', 'all'], ['q', 'rust']]);
    assert.equal(first.status, 200);
    const page = await first.text();
    assert.match(page, /Delete 1 course\?/);
    assert.equal((await t.sql`SELECT 1 FROM courses WHERE title = 'Rust avancé'`).length, 1, 'nothing deleted yet');
    const confirmed = await s.postForm('/admin-dashboard/courses/bulk/', [['action', 'delete'], ['confirm', 'yes'], ['scope', 'all'], ['q', 'rust']]);
    assert.equal(confirmed.status, 303);
    assert.equal((await t.sql`SELECT 1 FROM courses WHERE title = 'Rust avancé'`).length, 0);
    const after = (await (await fetch(`${base}/admin-dashboard/courses/?q=rust`, bearer(adminToken))).json()) as { total: number };
    assert.equal(after.total, 0);
  });

  test('the JSON API runs a bulk action with a token and reports its progress', async () => {
    const id = await idOf('Cours de cuisine');
    const res = await fetch(`${base}/admin-dashboard/courses/bulk/`, bearer(adminToken, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ action: 'activate', ids: [id] }) }));
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: string; processed: number; progressUrl: string };
    assert.equal(body.status, 'succeeded');
    assert.equal(body.processed, 1);
    const progress = (await (await fetch(`${base}${body.progressUrl}`, bearer(viewerToken))).json()) as { done: boolean; message: string };
    assert.equal(progress.done, true);
    assert.match(progress.message, /1 course activated/);
  });

  test('exports download as CSV with the import columns, for viewers too', async () => {
    const viewer = new Session();
    await viewer.signIn('viewer@example.com');
    const res = await viewer.postForm('/admin-dashboard/courses/export/', [['format', 'csv'], ['scope', 'all'], ['q', 'python']]);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="courses-.*\.csv"/);
    const text = await res.text();
    const lines = text.replace(/^\uFEFF/, '').trim().split('\r\n');
    // is_active last (issue 11: the status goes through an export → import round trip).
    assert.equal(lines[0], 'title,description,category,instructor,duration,difficulty,learning_mode,price,is_free,lessons,tags,external_id,is_active');
    assert.equal(lines.length, 2);
    const xlsx = await fetch(`${base}/admin-dashboard/courses/export/?format=xlsx`, bearer(viewerToken));
    assert.equal(xlsx.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.equal(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString(), 'PK');
  });
});

describe('operations', () => {
  test('consumer status with an API token: watcher alive, workers polling, folders counted', async () => {
    await t.drop('waiting.txt.part', 'not yet');
    const res = await fetch(`${base}/admin-dashboard/pipeline/consumer/status/`, bearer(viewerToken));
    assert.equal(res.status, 200);
    const s = (await res.json()) as { status: string; watcher: { healthy: boolean }; workers: { healthy: boolean; workflowPollers: unknown[]; activityPollers: unknown[] }; folders: { name: string; count: number }[] };
    assert.equal(s.watcher.healthy, true);
    assert.equal(s.workers.healthy, true);
    assert.ok(s.workers.workflowPollers.length > 0 && s.workers.activityPollers.length > 0);
    assert.equal(s.status, 'ok');
    assert.deepEqual(s.folders.map((f) => f.name), ['drop', 'processing', 'processed', 'error']);
    assert.equal(s.folders.find((f) => f.name === 'processed')?.count, 1);
    assert.equal((await fetch(`${base}/admin-dashboard/pipeline/consumer/status/`, { redirect: 'manual' })).status, 303, 'not without a session or a token');
  });

  test('Elasticsearch status, and a reindex started over the API', async () => {
    const res = await fetch(`${base}/admin-dashboard/elasticsearch/status/`, bearer(viewerToken));
    const s = (await res.json()) as { cluster: { status: string }; alias: string; indices: string[]; documents: number };
    assert.ok(['green', 'yellow'].includes(s.cluster.status));
    assert.equal(s.alias, t.config.elasticsearch.alias);
    assert.equal(s.documents, 2);
    assert.equal((await fetch(`${base}/admin-dashboard/elasticsearch/reindex/`, bearer(viewerToken, { method: 'POST' }))).status, 403);
    const started = await fetch(`${base}/admin-dashboard/elasticsearch/reindex/`, bearer(adminToken, { method: 'POST' }));
    assert.equal(started.status, 202);
    const { workflowId } = (await started.json()) as { workflowId: string };
    await t.client.workflow.getHandle(workflowId).result();
    const after = (await (await fetch(`${base}/admin-dashboard/elasticsearch/status/`, bearer(viewerToken))).json()) as { indices: string[]; documents: number; reindex: { status: string } };
    assert.notDeepEqual(after.indices, s.indices);
    assert.equal(after.documents, 2);
    assert.equal(after.reindex.status, 'succeeded');
  });

  test('the dashboard, the monitoring page and search analytics render their figures', async () => {
    const s = new Session();
    await s.signIn('viewer@example.com');
    const dash = await (await s.fetch('/admin-dashboard/')).text();
    assert.match(dash, /data-figure="imports-today">1</);
    assert.match(dash, /data-figure="courses">2</);
    assert.match(dash, /<svg class="chart"/);
    assert.match(dash, /courses\.json/);
    const mon = await (await s.fetch('/admin-dashboard/pipeline/monitoring/')).text();
    assert.match(mon, /data-mon="workers">polling</);
    assert.match(mon, /data-mon="watcher">alive</);
    const analytics = await (await s.fetch('/admin-dashboard/search-analytics/')).text();
    assert.match(analytics, /debutant/);
    assert.match(analytics, /<svg class="chart"/);
  });
});
