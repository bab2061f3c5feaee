// Input validated at the edge (issue 15, point 6), on the real stack: the OpenAPI document is generated from the
// routes' own declarations (every API route is in it, every documented operation is a route, its schemas are
// valid JSON Schema), a request that breaks a route's schema is refused with a 400 problem naming the field (a
// page in the reader's language for a browser), and an export "of every matching course" still works when
// Elasticsearch does not answer (the search's one fallback).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSilentPeer, type SilentPeer } from '../support/silent-peer';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { startAdmin, type TestAdmin } from '../e2e/support/app';
import { createUser, type TestUser } from '../e2e/support/users';
import { HttpSession } from '../support/http-session';
import { featureRouters } from '../../src/api/app';
import { ROUTE_DECLARATIONS } from '../../src/api/openapi';
import { koaPath } from '../../src/api/validate';
import { insertApiToken } from '../../src/db/api-tokens';
import { newApiToken } from '../../src/api/secrets';
import { listen } from '../../src/api/listen';
import { loadConfig } from '../../src/config';
import { createSearchClient } from '../../src/search/client';

interface Problem {
  status: number;
  title: string;
  detail: string;
  errors?: { in: string; name: string; pointer: string; detail: string }[];
}

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { summary?: string; parameters?: { name: string; in: string; schema: object }[]; requestBody?: { content: Record<string, { schema?: object }> } }>>;
  components: { schemas: Record<string, object> };
}

let a: TestAdmin;
let admin: TestUser;
let token: string;

const auth = (init: RequestInit = {}): RequestInit => ({ ...init, headers: { Accept: 'application/json', ...(init.headers as Record<string, string> | undefined), Authorization: `Bearer ${token}` } });

/** Every (method, Koa path) the admin's routers answer. */
function registered(): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  for (const router of featureRouters(a.deps)) {
    for (const layer of router.stack) {
      if (typeof layer.path !== 'string' || layer.methods.length === 0) continue;
      for (const method of layer.methods) if (method !== 'HEAD' && method !== 'OPTIONS') out.push({ method: method.toLowerCase(), path: layer.path });
    }
  }
  return out;
}

before(async () => {
  a = await startAdmin('apiinput');
  admin = await createUser(a.t.sql, 'admin');
  const made = newApiToken();
  await insertApiToken(a.t.sql, { name: 'input', tokenHash: made.hash, prefix: made.prefix, role: 'admin', createdBy: admin.id });
  token = made.token;
});

after(async () => {
  await a?.close();
});

describe('the OpenAPI document is generated from the route declarations', () => {
  test('every API route is documented, and every documented operation is a route', async () => {
    const doc = (await (await fetch(`${a.url}/api/openapi.json`)).json()) as OpenApiDoc;
    assert.equal(doc.openapi, '3.1.0');
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m} ${koaPath({ path: p })}`)));
    const routes = registered();
    const routeKeys = new Set(routes.map((r) => `${r.method} ${r.path}`));
    // The REST surface: /api/ and /graphql (GraphiQL's assets and page are for browsers).
    for (const r of routes) {
      if (!/^\/(api\/|graphql($|\/stream|\/schema))/.test(r.path)) continue;
      assert.ok(documented.has(`${r.method} ${r.path}`), `${r.method.toUpperCase()} ${r.path} is in the document`);
    }
    // The course format's schemas are served by a middleware, not a router.
    for (const key of documented) if (!key.includes(' /schemas/')) assert.ok(routeKeys.has(key), `${key} is a registered route`);
    // The document keeps what clients and the other tests read.
    assert.match(doc.paths['/api/imports/{id}']?.get?.summary ?? '', /An import/);
    assert.ok(doc.paths['/admin-dashboard/courses/']?.get?.parameters?.some((p) => p.name === 'difficulty'));
  });

  test("each documented route's input is its declaration's: the paths a declaration names are the router's", () => {
    const routeKeys = new Set(registered().map((r) => `${r.method} ${r.path}`));
    for (const spec of ROUTE_DECLARATIONS) {
      if (spec.path.startsWith('/schemas/')) continue;
      assert.ok(routeKeys.has(`${spec.method} ${koaPath(spec)}`), `${spec.method.toUpperCase()} ${spec.path} is declared and mounted under the same path`);
    }
  });

  test('every schema of the document is valid JSON Schema (2020-12, OpenAPI 3.1\'s dialect)', async () => {
    const doc = (await (await fetch(`${a.url}/api/openapi.json`)).json()) as OpenApiDoc;
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ $id: 'https://example.invalid/openapi.json', components: doc.components }, 'doc');
    const withRefs = (schema: object) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"https://example.invalid/openapi.json#/components/')) as object;
    let compiled = 0;
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(item)) {
        const schemas = [...(op.parameters ?? []).map((x) => x.schema), ...Object.values(op.requestBody?.content ?? {}).map((c) => c.schema).filter((s): s is object => !!s)];
        for (const s of schemas) {
          assert.doesNotThrow(() => ajv.compile(withRefs(s)), `${m} ${p}: ${JSON.stringify(s).slice(0, 200)}`);
          compiled += 1;
        }
      }
    }
    assert.ok(compiled > 40, `compiled ${compiled} schemas`);
    // A body schema accepts what the route accepts and refuses what it refuses.
    const exportBody = doc.paths['/admin-dashboard/mapping-profiles/import/']!.post!.requestBody!.content['application/json']!.schema!;
    const check = ajv.compile(withRefs(exportBody));
    assert.equal(check({ format: 'course-import/mapping-profile', formatVersion: 1, name: 'p', rules: { columns: {} } }), true);
    assert.equal(check({ format: 'other', formatVersion: 1, name: 'p', rules: { columns: {} } }), false);
  });
});

describe('a request that breaks its route\'s schema', () => {
  test('gets a 400 problem naming the field, and changes nothing', async () => {
    const page = await fetch(`${a.url}/api/audit?page=0`, auth());
    assert.equal(page.status, 400);
    assert.match(page.headers.get('content-type') ?? '', /application\/problem\+json/);
    const p = (await page.json()) as Problem;
    assert.match(p.detail, /query parameter "page"/);
    assert.deepEqual(p.errors?.map((e) => [e.in, e.name]), [['query', 'page']]);

    const long = await fetch(`${a.url}/api/courses/suggest?q=${'a'.repeat(101)}`, auth());
    assert.equal(long.status, 400);
    assert.equal(((await long.json()) as Problem).errors?.[0]?.name, 'q');

    // Over 1000 ids: refused before any workflow starts (no bulk action is recorded).
    const ids = Array.from({ length: 1001 }, (_, i) => i + 1);
    const bulk = await fetch(`${a.url}/admin-dashboard/courses/bulk/`, auth({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ action: 'activate', ids }) }));
    assert.equal(bulk.status, 400);
    const bp = (await bulk.json()) as Problem;
    assert.equal(bp.errors?.[0]?.name, 'ids', bp.detail);
    assert.equal((await a.t.sql`SELECT 1 FROM bulk_actions`).length, 0);

    // A feed whose name is missing: the field's own message, as before, and the refused field listed.
    const feed = await fetch(`${a.url}/admin-dashboard/feeds/`, auth({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ url: 'https://example.com/c.csv', schedule: '1d' }) }));
    assert.equal(feed.status, 400);
    const fp = (await feed.json()) as Problem;
    assert.match(fp.detail, /name is required/);
    assert.equal(fp.errors?.[0]?.name, 'name');
    assert.equal((await a.t.sql`SELECT 1 FROM feeds`).length, 0);
  });

  test('a path parameter that is not an id is a 404, as an unknown id is', async () => {
    const res = await fetch(`${a.url}/api/imports/not-a-uuid`, auth());
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as Problem).detail, 'There is no such import.');
  });

  test('a browser gets the error page in its language, naming the field', async () => {
    const s = new HttpSession(a.url, { 'Accept-Language': 'fr' });
    assert.equal((await s.login(admin.email, admin.password)).status, 303);
    const fr = await s.get('/admin-dashboard/audit/?page=0');
    assert.equal(fr.status, 400);
    assert.match(fr.text, /Le paramètre « page » de l’adresse n’est pas valide/);
    const en = await s.request('GET', '/admin-dashboard/imports/?file=' + 'x'.repeat(201), { headers: { 'Accept-Language': 'en', Accept: 'text/html' } });
    assert.equal(en.status, 400);
    assert.match(en.text, /The query parameter “file” is invalid/);
  });
});

describe("the pages' forms refuse a field over its bound", () => {
  let s: HttpSession;

  before(async () => {
    s = new HttpSession(a.url);
    await s.signIn(admin.email, admin.password);
  });

  const post = async (path: string, fields: Record<string, string>) => {
    const res = await s.postForm(path, fields);
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  };
  /** The flash a redirect left, read on the page it leads to. */
  const flashAfter = async (location: string | null) => (await s.get(location ?? '/admin-dashboard/')).text;

  test('admin-users: an overlong email is refused with the field named, no account created', async () => {
    const email = `${'u'.repeat(1_001)}@example.com`;
    const res = await post('/admin-dashboard/users/', { email, role: 'viewer', password: 'a long enough passphrase' });
    assert.equal(res.status, 400);
    assert.match(res.text, /The field “email” is invalid/);
    assert.equal((await a.t.sql`SELECT 1 FROM staff_users WHERE email LIKE 'uuuu%'`).length, 0);
  });

  test('auth: an overlong email on the login form is refused, no attempt recorded', async () => {
    const stranger = new HttpSession(a.url);
    const form = await stranger.get('/admin-dashboard/login/');
    const csrf = /name="_csrf" value="([^"]*)"/.exec(form.text)?.[1] ?? '';
    const email = `${'l'.repeat(10_001)}@example.com`;
    const res = await stranger.post('/admin-dashboard/login/', { _csrf: csrf, email, password: 'whatever it is', next: '' });
    assert.equal(res.status, 400);
    assert.match(res.text, /The field “email” is invalid/);
    assert.equal((await a.t.sql`SELECT 1 FROM login_attempts WHERE email LIKE 'llll%'`).length, 0);
  });

  test("categories: an overlong name gets the name's own message, nothing created", async () => {
    const res = await post('/admin-dashboard/categories/', { name_fr: 'n'.repeat(2_001), name_en: 'Overlong', synonyms: '', parent_id: '' });
    assert.equal(res.status, 400);
    assert.match(res.text, /A name has 200 characters at most/);
    assert.equal((await a.t.sql`SELECT 1 FROM categories WHERE name_en = 'Overlong'`).length, 0);
  });

  test('category-review: an overlong confidence is flashed, nothing accepted', async () => {
    const res = await post('/admin-dashboard/category-review/accept-above', { min_confidence: '0.'.padEnd(41, '9') });
    assert.equal(res.status, 303);
    assert.match(await flashAfter(res.location), /The field “min_confidence” is invalid/);
    assert.equal((await a.t.sql`SELECT 1 FROM audit_log WHERE action = 'category_suggestion.accept_above'`).length, 0);
  });

  test('course-edit: an overlong value is refused with the form kept, no course created', async () => {
    const before = Number((await a.t.sql`SELECT count(*) AS n FROM courses`)[0]!.n);
    const res = await post('/admin-dashboard/courses/new/', { title: 'Kept title', description: 'd'.repeat(100_001), difficulty: 'beginner', learning_mode: 'text', price: '0' });
    assert.equal(res.status, 400);
    assert.match(res.text, /The field “description” is invalid/);
    assert.match(res.text, /value="Kept title"/);
    assert.equal(Number((await a.t.sql`SELECT count(*) AS n FROM courses`)[0]!.n), before);
  });

  test('graphiql: an asset name over its bound is no asset (404)', async () => {
    const res = await s.get(`/graphql/assets/${'g'.repeat(201)}.js`);
    assert.equal(res.status, 404);
    assert.match(res.text, /There is no page at this address/);
  });
});

describe('the search fallback', () => {
  let frozen: SilentPeer;

  before(async () => {
    frozen = await startSilentPeer();
    await a.t.sql`
      INSERT INTO courses (natural_key, title, description, difficulty, learning_mode, price, is_free, tags, quality_score, content_hash)
      SELECT 'fallback-' || g, 'Fallback course ' || g, 'Only in PostgreSQL', 'beginner', 'text', 0, true, '{fallback}', 50, 'h' || g
      FROM generate_series(1, 3) g`;
  });

  after(async () => {
    await frozen?.close();
  });

  test('with Elasticsearch not answering, the list and an export of every matching course come from PostgreSQL', { timeout: 120_000 }, async () => {
    const config = loadConfig({ ...a.t.env, ELASTICSEARCH_URL: `http://127.0.0.1:${frozen.port}`, ELASTICSEARCH_SEARCH_TIMEOUT: '500ms', ELASTICSEARCH_BREAKER_COOLDOWN: '60s' });
    const server = await listen({ ...a.deps, config, es: createSearchClient(config.elasticsearch.url) }, 0, '127.0.0.1');
    try {
      const bearer = { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } };
      // The list's failures open the breaker (the same one the export asks).
      for (let i = 0; i < config.elasticsearch.breaker.failures; i++) {
        const list = (await (await fetch(`${server.url}/admin-dashboard/courses/?q=fallback&i=${i}`, bearer)).json()) as { backend: string; total: number };
        assert.equal(list.backend, 'postgresql');
        assert.equal(list.total, 3);
      }
      const started = Date.now();
      const res = await fetch(`${server.url}/admin-dashboard/courses/export/?format=json&q=fallback`, bearer);
      assert.equal(res.status, 200);
      const body = await res.text();
      assert.ok(Date.now() - started < 10_000, 'the export did not wait for Elasticsearch');
      for (let g = 1; g <= 3; g++) assert.ok(body.includes(`Fallback course ${g}`), `course ${g} is exported: ${body.slice(0, 300)}`);
    } finally {
      await server.close();
    }
  });
});
