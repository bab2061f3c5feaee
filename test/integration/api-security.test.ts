// The admin's security on the real stack: deny by default, roles, CSRF (before any upload byte is stored),
// login throttling, sessions, API tokens, headers and escaping. Routes are enumerated from the routers at run
// time, so a page added later is covered without touching this file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import Router from '@koa/router';
import { startAdmin, type TestAdmin } from '../e2e/support/app';
import { createUser, type TestUser } from '../e2e/support/users';
import { HttpSession, sessionCookie } from '../support/http-session';
import { featureRouters } from '../../src/api/app';
import { isPublic, viewerMayWrite } from '../../src/api/middleware/auth';
import { uploadBody } from '../../src/api/middleware/body';
import type { ApiDeps } from '../../src/api/deps';
import { sha256Hex } from '../../src/api/secrets';
import { listen } from '../../src/api/listen';
import { ipDelaySeconds, lockSeconds, MAX_FAILURES_PER_EMAIL, MAX_FAILURES_PER_IP, MAX_IP_DELAY_SECONDS } from '../../src/api/login-throttle';

const PROBE = '/admin-dashboard/__probe/upload/';
const PARAM_VALUE = '00000000-0000-4000-8000-000000000001';

let a: TestAdmin;
let admin: TestUser;
let viewer: TestUser;

/** The probe only parses an upload (no workflow, no clean-up), so the test sees exactly what reached the disk. */
function probeRouter(deps: ApiDeps): Router[] {
  const r = new Router();
  r.post(PROBE, uploadBody(deps.config), (ctx) => {
    const files = ctx.request.files ?? {};
    ctx.body = { files: Object.keys(files) };
  });
  return [r];
}

interface RouteRef {
  method: string;
  path: string;
  template: string;
}

/** Every (method, path) the real routers answer, with parameters filled in. */
function registeredRoutes(): RouteRef[] {
  const routes: RouteRef[] = [];
  for (const router of featureRouters(a.deps)) {
    for (const layer of router.stack) {
      if (typeof layer.path !== 'string' || layer.methods.length === 0) continue;
      const path = layer.path
        .replace(/\{[^}]*\}/g, '')
        .replace(/:[A-Za-z_]\w*/g, PARAM_VALUE)
        .replace(/\*[A-Za-z_]\w*/g, 'x');
      for (const method of layer.methods) if (method !== 'HEAD' && method !== 'OPTIONS') routes.push({ method, path, template: layer.path });
    }
  }
  return routes;
}

async function incomingFiles(): Promise<string[]> {
  return (await readdir(a.t.folder('incoming'))).filter((f) => !f.startsWith('.'));
}

function multipart(fileName: string, content: Buffer): { body: Buffer; type: string } {
  const boundary = `----probe${Date.now()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: text/csv\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { body: Buffer.concat([head, content, tail]), type: `multipart/form-data; boundary=${boundary}` };
}

async function signedIn(user: TestUser): Promise<HttpSession> {
  const s = new HttpSession(a.url);
  const res = await s.login(user.email, user.password);
  assert.equal(res.status, 303, `login of ${user.email}: ${res.text.slice(0, 300)}`);
  return s;
}

async function newToken(as: HttpSession, name: string, role: 'admin' | 'viewer'): Promise<string> {
  const res = await as.post('/admin-dashboard/users/tokens/', { _csrf: await as.csrfToken(), name, role });
  assert.equal(res.status, 201);
  const m = /value="(cit_[A-Za-z0-9_-]+)"/.exec(res.text);
  assert.ok(m?.[1], 'the new token is shown once');
  return m[1];
}

before(async () => {
  a = await startAdmin('apisec', { env: { MAX_FILE_MB: '0.05' }, extraRouters: probeRouter });
  admin = await createUser(a.t.sql, 'admin');
  viewer = await createUser(a.t.sql, 'viewer');
});

after(async () => {
  await a?.close();
});

describe('deny by default', () => {
  test('the routers register the pages and endpoints of every feature mounted so far', () => {
    const templates = new Set(registeredRoutes().map((r) => `${r.method} ${r.template}`));
    for (const expected of ['GET /admin-dashboard/login/', 'POST /admin-dashboard/logout/', 'GET /admin-dashboard/users/', 'GET /admin-dashboard/audit/', 'GET /api/me']) {
      assert.ok(templates.has(expected), `${expected} is registered`);
    }
  });

  test('without a session, every admin page redirects to the login page and every API answers 401', async () => {
    const anonymous = new HttpSession(a.url);
    const checked: string[] = [];
    for (const r of registeredRoutes()) {
      if (isPublic(r.method, r.path)) continue;
      const body = r.method === 'GET' ? undefined : 'x=1';
      const headers: Record<string, string> = r.method === 'GET' ? {} : { 'Content-Type': 'application/x-www-form-urlencoded' };
      const page = await anonymous.request(r.method, r.path, { headers: { ...headers, Accept: 'text/html' }, body });
      if (r.path.startsWith('/api/')) {
        assert.equal(page.status, 401, `${r.method} ${r.path} answers 401`);
        assert.match(page.headers.get('content-type') ?? '', /application\/problem\+json/);
      } else {
        assert.ok(page.status === 302 || page.status === 303, `${r.method} ${r.path} redirects (got ${page.status})`);
        assert.match(page.location ?? '', /^\/admin-dashboard\/login\/\?next=/, `${r.method} ${r.path} redirects to the login page`);
        const json = await anonymous.request(r.method, r.path, { headers: { ...headers, Accept: 'application/json' }, body });
        assert.equal(json.status, 401, `${r.method} ${r.path} answers 401 to a JSON client`);
      }
      checked.push(`${r.method} ${r.path}`);
    }
    assert.ok(checked.length >= 10, `checked ${checked.length} routes`);
    // Deny by default: a path no router knows is refused too, not answered 404 to strangers.
    const unknown = await anonymous.get('/admin-dashboard/no-such-page/');
    assert.equal(unknown.status, 303);
    assert.equal((await anonymous.get('/api/no-such-endpoint')).status, 401);
  });

  test('the login page and the OpenAPI document are public, and the document lists the REST endpoints', async () => {
    const anonymous = new HttpSession(a.url);
    assert.equal((await anonymous.get('/admin-dashboard/login/')).status, 200);
    const doc = await anonymous.get('/api/openapi.json');
    assert.equal(doc.status, 200);
    const paths = Object.keys(doc.json<{ paths: Record<string, unknown> }>().paths);
    for (const p of ['/admin-dashboard/pipeline/consumer/status/', '/admin-dashboard/elasticsearch/status/', '/admin-dashboard/courses/import/', '/admin-dashboard/elasticsearch/reindex/', '/admin-dashboard/courses/template/', '/api/imports/{id}']) {
      assert.ok(paths.includes(p), `${p} is documented`);
    }
  });

  test('the course format\'s schemas are public at stable URLs: the committed JSON Schema and the XSD', async () => {
    const anonymous = new HttpSession(a.url);
    const { readFileSync } = await import('node:fs');
    const { schemaFile } = await import('../../src/cli/write-schemas');
    const json = await anonymous.get('/schemas/course.schema.json');
    assert.equal(json.status, 200);
    assert.match(json.headers.get('content-type') ?? '', /^application\/schema\+json/);
    assert.equal(json.text, readFileSync(schemaFile, 'utf8'));
    const xsd = await anonymous.get('/schemas/courses.xsd');
    assert.equal(xsd.status, 200);
    assert.match(xsd.headers.get('content-type') ?? '', /^application\/xml/);
    assert.match(xsd.text, /<xs:element name="courses">/);
    assert.equal((await anonymous.get('/schemas/other.json')).status, 404);
  });

  test('a viewer is refused every state-changing route (403), even with a valid CSRF token', async () => {
    const s = await signedIn(viewer);
    const csrf = await s.csrfToken();
    const refused: string[] = [];
    for (const r of registeredRoutes()) {
      if (r.method === 'GET' || isPublic(r.method, r.path)) continue;
      // Signing out, one's own password, and what features declared read-only (e.g. a template download).
      if (viewerMayWrite(r.path)) continue;
      const res = await s.request(r.method, r.path, { form: { _csrf: csrf }, headers: { 'X-CSRF-Token': csrf, Accept: 'text/html' } });
      assert.equal(res.status, 403, `${r.method} ${r.path} is refused to a viewer (got ${res.status})`);
      refused.push(r.path);
    }
    assert.ok(refused.length >= 5, `checked ${refused.length} routes`);
    assert.ok(viewerMayWrite('/admin-dashboard/logout/') && !viewerMayWrite('/admin-dashboard/users/'), 'the exemptions are few and named');
    // The viewer still reads.
    assert.equal((await s.get('/admin-dashboard/audit/')).status, 200);
    // And does not see admin-only pages.
    assert.equal((await s.get('/admin-dashboard/users/')).status, 403);
  });
});

describe('CSRF', () => {
  test('a form post without the token, or with a wrong one, is refused and changes nothing', async () => {
    const s = await signedIn(admin);
    const email = `csrf-${Date.now()}@example.com`;
    const form = { email, role: 'viewer', password: 'a long enough password' };
    const missing = await s.post('/admin-dashboard/users/', form);
    assert.equal(missing.status, 403);
    const wrong = await s.post('/admin-dashboard/users/', { ...form, _csrf: 'x'.repeat(43) });
    assert.equal(wrong.status, 403);
    const header = await s.post('/admin-dashboard/users/', form, { 'X-CSRF-Token': 'nope' });
    assert.equal(header.status, 403);
    assert.equal((await a.t.sql`SELECT 1 FROM staff_users WHERE email = ${email}`).length, 0);
    // The same form with the session's token goes through: the refusals above were about the token.
    const ok = await s.post('/admin-dashboard/users/', { ...form, _csrf: await s.csrfToken() });
    assert.equal(ok.status, 303);
    assert.equal((await a.t.sql`SELECT 1 FROM staff_users WHERE email = ${email}`).length, 1);
  });

  test('a multipart upload without the token is refused before any byte is written to ingest/incoming', async () => {
    const s = await signedIn(admin);
    const { body, type } = multipart('courses.csv', Buffer.alloc(30_000, 'a'));
    for (const path of [PROBE, '/admin-dashboard/courses/import/']) {
      const res = await s.request('POST', path, { body, headers: { 'Content-Type': type } });
      assert.equal(res.status, 403, `${path} refuses the upload`);
      assert.deepEqual(await incomingFiles(), [], `${path}: nothing reached incoming/`);
    }
    // With the token in the query string the same upload is parsed and stored (so the empty folder above meant something).
    const csrf = await s.csrfToken();
    const accepted = await s.request('POST', `${PROBE}?_csrf=${encodeURIComponent(csrf)}`, { body, headers: { 'Content-Type': type } });
    assert.equal(accepted.status, 200, accepted.text);
    const stored = await incomingFiles();
    assert.equal(stored.length, 1);
    assert.ok(!stored[0]!.includes('courses'), 'the client file name is never the stored name');
  });

  test('an upload over MAX_FILE_MB gets a 413 with a clear message (not a reset connection) and leaves no partial file', async () => {
    const s = await signedIn(admin);
    const before = await incomingFiles();
    const csrf = await s.csrfToken();
    const url = `${PROBE}?_csrf=${encodeURIComponent(csrf)}`;
    // Declared too large (Content-Length): refused before reading.
    const { body, type } = multipart('big.csv', Buffer.alloc(400_000, 'b'));
    const declared = await s.request('POST', url, { body, headers: { 'Content-Type': type, Accept: 'application/json' } });
    assert.equal(declared.status, 413);
    assert.match(declared.json<{ detail: string }>().detail, /larger than the 0\.1 MB limit \(MAX_FILE_MB\)/);
    // Sent chunked (no length): found too large while streaming to disk; the partial file is removed.
    const chunked = multipart('big.csv', Buffer.alloc(400_000, 'c'));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < chunked.body.length; i += 16_384) controller.enqueue(chunked.body.subarray(i, i + 16_384));
        controller.close();
      },
    });
    const streamed = await s.request('POST', url, { body: stream, headers: { 'Content-Type': chunked.type, Accept: 'application/json' } });
    assert.equal(streamed.status, 413);
    assert.match(streamed.json<{ detail: string }>().detail, /larger than the 0\.1 MB limit/);
    assert.deepEqual(await incomingFiles(), before);
    // The connection was not torn down: the same client goes on.
    assert.equal((await s.get('/api/me')).status, 200);
  });
});

describe('sign-in', () => {
  test('five wrong passwords lock the email: even the right one is then refused, with the same message', async () => {
    const victim = await createUser(a.t.sql, 'viewer');
    const s = new HttpSession(a.url);
    const messages = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await s.login(victim.email, 'wrong password!!');
      assert.equal(res.status, 401);
      messages.add(/role="alert" id="login-error">([^<]*)</.exec(res.text)?.[1] ?? '');
    }
    const locked = await s.login(victim.email, victim.password);
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.headers.get('retry-after')) > 800, 'retry after about 15 minutes');
    assert.equal(sessionCookie(s), undefined, 'no session while locked');
    messages.add(/role="alert" id="login-error">([^<]*)</.exec(locked.text)?.[1] ?? '');
    // An unknown email gets the very same answer: nothing tells which accounts exist.
    const unknown = await s.login('nobody@example.com', 'whatever password');
    messages.add(/role="alert" id="login-error">([^<]*)</.exec(unknown.text)?.[1] ?? '');
    assert.equal(messages.size, 1, `one generic message, got ${[...messages].join(' | ')}`);
    // Another account from the same address still signs in.
    assert.equal((await new HttpSession(a.url).login(admin.email, admin.password)).status, 303);
    const failed = await a.t.sql`SELECT 1 FROM audit_log WHERE action = 'login_failed' AND actor = ${victim.email}`;
    assert.equal(failed.length, 5);
  });

  test('an address spraying many emails is refused even for a right password; other addresses are not', async () => {
    // The failures are inserted rather than made (each real one costs a 128 MiB scrypt); the policy reads the same table.
    const sprayer = '198.51.100.9';
    await a.t.sql`INSERT INTO login_attempts (email, ip, succeeded) SELECT 'spray' || g || '@example.com', ${sprayer}, false FROM generate_series(1, ${MAX_FAILURES_PER_IP}) g`;
    const config = { ...a.deps.config, server: { ...a.deps.config.server, trustProxy: true } };
    const proxied = await listen({ ...a.deps, config }, 0, '127.0.0.1');
    try {
      const refused = await new HttpSession(proxied.url, { 'X-Forwarded-For': sprayer }).login(admin.email, admin.password);
      assert.equal(refused.status, 429);
      const fine = await new HttpSession(proxied.url, { 'X-Forwarded-For': '198.51.100.10' }).login(admin.email, admin.password);
      assert.equal(fine.status, 303);
    } finally {
      await proxied.close();
    }
    // And the account lock doubles with each failure after the fifth, up to a day.
    assert.deepEqual([4, 5, 6, 7, 20].map(lockSeconds), [0, 900, 1800, 3600, 86_400]);
  });

  test('an office NAT: an address spraying 50 emails is slowed, a colleague behind it still signs in; a brute force stays locked', async () => {
    const office = '192.0.2.44'; // addresses of this test only: the failures it leaves must not slow another test
    const stranger = '198.51.100.77';
    const colleague = await createUser(a.t.sql, 'viewer');
    const config = { ...a.deps.config, server: { ...a.deps.config.server, trustProxy: true } };
    const proxied = await listen({ ...a.deps, config }, 0, '127.0.0.1');
    const from = (ip: string) => new HttpSession(proxied.url, { 'X-Forwarded-For': ip });
    try {
      // The colleague signed in from the office before: the office address is known for that account.
      assert.equal((await from(office).login(colleague.email, colleague.password)).status, 303);
      // Someone in the office sprays 50 emails (inserted: each real failure costs a 128 MiB scrypt).
      await a.t.sql`INSERT INTO login_attempts (email, ip, succeeded) SELECT 'office-spray' || g || '@example.com', ${office}, false FROM generate_series(1, 50) g`;
      const slowed = await from(office).login('office-spray-next@example.com', 'guessing password');
      assert.equal(slowed.status, 429, 'the sprayer is slowed');
      const wait = Number(slowed.headers.get('retry-after'));
      assert.ok(wait >= 1 && wait <= MAX_IP_DELAY_SECONDS, `slowed for at most a minute, not locked: ${wait} s`);
      const [audit] = await a.t.sql<{ rule: string }[]>`
        SELECT detail->>'rule' AS rule FROM audit_log WHERE action = 'login_throttled' AND actor = 'office-spray-next@example.com'`;
      assert.equal(audit?.rule, 'address');
      assert.equal((await from(office).login(colleague.email, colleague.password)).status, 303, 'the colleague signs in at once');

      // A stranger brute-forces the colleague's account: locked for every address the account was not used from...
      await a.t.sql`INSERT INTO login_attempts (email, ip, succeeded) SELECT ${colleague.email}, ${stranger}, false FROM generate_series(1, ${MAX_FAILURES_PER_EMAIL})`;
      const locked = await from(stranger).login(colleague.email, colleague.password);
      assert.equal(locked.status, 429, 'the brute force is locked, right password or not');
      assert.ok(Number(locked.headers.get('retry-after')) > 800, 'for about 15 minutes');
      assert.equal((await from('198.51.100.78').login(colleague.email, colleague.password)).status, 429, 'another unknown address shares the lock');
      // ...while the owner, from the office, is not locked out by it.
      assert.equal((await from(office).login(colleague.email, colleague.password)).status, 303);
      // Five wrong passwords from the known address lock it there too.
      await a.t.sql`INSERT INTO login_attempts (email, ip, succeeded) SELECT ${colleague.email}, ${office}, false FROM generate_series(1, ${MAX_FAILURES_PER_EMAIL})`;
      assert.equal((await from(office).login(colleague.email, colleague.password)).status, 429);
    } finally {
      await proxied.close();
    }
    assert.deepEqual([19, 20, 21, 26, 50].map(ipDelaySeconds), [0, 1, 2, 60, 60]);
  });

  test('the session id is renewed at sign-in: a planted or previous cookie never becomes the session', async () => {
    const s = new HttpSession(a.url);
    const planted = 'p'.repeat(43);
    s.cookies.set('sid', planted);
    assert.equal((await s.login(admin.email, admin.password)).status, 303);
    const first = sessionCookie(s);
    assert.ok(first && first !== planted);
    assert.equal((await s.login(admin.email, admin.password)).status, 303);
    const second = sessionCookie(s);
    assert.ok(second && second !== first, 'signing in again gives a new id');
    const stale = new HttpSession(a.url);
    stale.cookies.set('sid', first);
    assert.equal((await stale.get('/api/me')).status, 401, 'the previous id no longer works');
    assert.equal((await s.get('/api/me')).json<{ email: string }>().email, admin.email);
  });

  test('cookies are HttpOnly and SameSite', async () => {
    const s = new HttpSession(a.url);
    const form = await s.get('/admin-dashboard/login/');
    const m = /name="_csrf" value="([^"]*)"/.exec(form.text);
    const res = await s.post('/admin-dashboard/login/', { _csrf: m?.[1] ?? '', email: admin.email, password: admin.password });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('sid='));
    assert.ok(cookie, 'a session cookie is set');
    assert.match(cookie, /httponly/i);
    assert.match(cookie, /samesite=lax/i);
  });

  test('the login form refuses a post without its own token (login CSRF)', async () => {
    const s = new HttpSession(a.url);
    const res = await s.post('/admin-dashboard/login/', { email: admin.email, password: admin.password });
    assert.equal(res.status, 403);
    assert.equal(sessionCookie(s), undefined);
  });

  test('after sign-in, next= only leads inside the admin', async () => {
    const s = new HttpSession(a.url);
    const res = await s.login(admin.email, admin.password, '//evil.example.com/admin-dashboard/');
    assert.equal(res.status, 303);
    assert.equal(res.location, '/admin-dashboard/');
    const good = await new HttpSession(a.url).login(admin.email, admin.password, '/admin-dashboard/audit/?action=login');
    assert.equal(good.location, '/admin-dashboard/audit/?action=login');
  });

  test('logging out ends the session on the server, not only in the browser', async () => {
    const s = await signedIn(admin);
    const id = sessionCookie(s)!;
    assert.equal((await a.t.sql`SELECT 1 FROM sessions WHERE id_hash = ${sha256Hex(id)}`).length, 1);
    const out = await s.post('/admin-dashboard/logout/', { _csrf: await s.csrfToken() });
    assert.equal(out.status, 303);
    assert.equal((await a.t.sql`SELECT 1 FROM sessions WHERE id_hash = ${sha256Hex(id)}`).length, 0);
    const replay = new HttpSession(a.url);
    replay.cookies.set('sid', id);
    const page = await replay.get('/admin-dashboard/audit/');
    assert.equal(page.status, 303, 'the old cookie no longer opens pages');
  });

  test('a viewer changes their own password: the old one stops working and their other sessions end', async () => {
    const me = await createUser(a.t.sql, 'viewer');
    const here = await signedIn(me);
    const elsewhere = await signedIn(me);
    const wrong = await here.post('/admin-dashboard/account/password/', { _csrf: await here.csrfToken(), current_password: 'not it at all', new_password: 'brand new passphrase', confirm_password: 'brand new passphrase' });
    assert.equal(wrong.status, 400);
    const res = await here.post('/admin-dashboard/account/password/', { _csrf: await here.csrfToken(), current_password: me.password, new_password: 'brand new passphrase', confirm_password: 'brand new passphrase' });
    assert.equal(res.status, 303);
    assert.equal((await here.get('/api/me')).status, 200, 'this browser stays signed in');
    assert.equal((await elsewhere.get('/api/me')).status, 401, 'the other one is signed out');
    assert.equal((await new HttpSession(a.url).login(me.email, me.password)).status, 401);
    assert.equal((await new HttpSession(a.url).login(me.email, 'brand new passphrase')).status, 303);
  });

  test('an idle session expires, and disabling an account signs it out at once', async () => {
    const s = await signedIn(admin);
    const id = sessionCookie(s)!;
    await a.t.sql`UPDATE sessions SET last_seen_at = now() - interval '2 hours' WHERE id_hash = ${sha256Hex(id)}`;
    assert.equal((await s.get('/api/me')).status, 401);

    const target = await createUser(a.t.sql, 'viewer');
    const victim = await signedIn(target);
    assert.equal((await victim.get('/api/me')).status, 200);
    const boss = await signedIn(admin);
    const res = await boss.post(`/admin-dashboard/users/${target.id}/disable/`, { _csrf: await boss.csrfToken() });
    assert.equal(res.status, 303);
    assert.equal((await victim.get('/api/me')).status, 401);
    assert.equal((await new HttpSession(a.url).login(target.email, target.password)).status, 401, 'a disabled account cannot sign in');
  });
});

describe('API tokens', () => {
  test('a token reads the API, acts with its role, is recorded as used, and stops working once revoked', async () => {
    const s = await signedIn(admin);
    const token = await newToken(s, 'reporting', 'viewer');
    const bearer = { Authorization: `Bearer ${token}` };
    const anon = new HttpSession(a.url);
    const me = await anon.get('/api/me', bearer);
    assert.equal(me.status, 200);
    assert.deepEqual(me.json(), { email: 'token:reporting', role: 'viewer', via: 'token' });
    assert.equal((await anon.get('/api/audit?action=token.create', bearer)).status, 200);
    // A viewer token cannot change anything, CSRF exemption or not.
    assert.equal((await anon.post('/admin-dashboard/users/tokens/', { name: 'x', role: 'admin' }, bearer)).status, 403);
    const [row] = await a.t.sql<{ id: number; last_used_at: Date | null; token_hash: string }[]>`SELECT id, last_used_at, token_hash FROM api_tokens WHERE name = 'reporting'`;
    assert.ok(row?.last_used_at, 'last use recorded');
    assert.notEqual(row.token_hash, token, 'stored hashed');
    assert.equal(row.token_hash, sha256Hex(token));

    const revoke = await s.post(`/admin-dashboard/users/tokens/${row.id}/revoke/`, { _csrf: await s.csrfToken() });
    assert.equal(revoke.status, 303);
    const refused = await anon.get('/api/me', bearer);
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate') ?? '', /invalid_token/);
  });

  test('an admin token may post without a CSRF token (no browser adds Authorization on its own)', async () => {
    const s = await signedIn(admin);
    const token = await newToken(s, 'automation', 'admin');
    const res = await new HttpSession(a.url).post('/admin-dashboard/users/tokens/', { name: 'made-by-script', role: 'viewer' }, { Authorization: `Bearer ${token}`, Accept: 'application/json' });
    assert.equal(res.status, 201);
    const audit = await a.t.sql`SELECT actor FROM audit_log WHERE action = 'token.create' AND target = 'token:made-by-script'`;
    assert.deepEqual(audit.map((r) => r.actor), ['token:automation']);
  });

  test('a malformed or unknown bearer token is refused, never ignored in favour of the cookie', async () => {
    const s = await signedIn(admin);
    assert.equal((await s.get('/api/me', { Authorization: 'Bearer cit_unknown_token_value' })).status, 401);
    assert.equal((await s.get('/api/me', { Authorization: 'Basic YTpi' })).status, 401);
  });
});

describe('responses', () => {
  test('pages, API answers and static files carry the security headers', async () => {
    const s = await signedIn(admin);
    const page = await s.get('/admin-dashboard/audit/');
    const api = await s.get('/api/me');
    const login = await new HttpSession(a.url).get('/admin-dashboard/login/');
    const asset = await new HttpSession(a.url).get('/static/app.css');
    for (const [what, res] of [['page', page], ['api', api], ['login', login], ['static', asset]] as const) {
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/, `${what}: CSP`);
      assert.match(csp, /frame-ancestors 'none'/, `${what}: frame-ancestors`);
      assert.doesNotMatch(csp, /unsafe-inline/, `${what}: no inline script`);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${what}: nosniff`);
      assert.ok(res.headers.get('referrer-policy'), `${what}: referrer policy`);
      assert.ok(res.headers.get('x-request-id'), `${what}: request id`);
    }
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.match(asset.headers.get('cache-control') ?? '', /public/);
    assert.equal(page.headers.get('strict-transport-security'), null, 'no HSTS over plain http');
    // Pages load only same-origin scripts: no inline <script> body anywhere.
    assert.doesNotMatch(page.text, /<script(?![^>]*\bsrc=)[^>]*>/);
  });

  test('what users type is escaped: a token name and a typed email containing <script> render as text', async () => {
    const s = await signedIn(admin);
    const evil = '<script>alert(1)</script>';
    await newToken(s, evil, 'viewer');
    const users = await s.get('/admin-dashboard/users/');
    assert.ok(!users.text.includes(evil), 'not raw on the users page');
    assert.ok(users.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'shown escaped');
    // A flash message carrying it (revoking the token names it) is escaped too.
    const [row] = await a.t.sql<{ id: number }[]>`SELECT id FROM api_tokens WHERE name = ${evil}`;
    await s.post(`/admin-dashboard/users/tokens/${row!.id}/revoke/`, { _csrf: await s.csrfToken() });
    const after = await s.get('/admin-dashboard/users/');
    assert.match(after.text, /class="flash flash--success"[^>]*>Token “&lt;script&gt;alert\(1\)&lt;\/script&gt;” revoked/);
    assert.ok(!after.text.includes(evil));
    // A failed login with a hostile "email" lands in the audit log; the audit page escapes it.
    await new HttpSession(a.url).login(`${evil}@x.io`, 'whatever password');
    const audit = await s.get('/admin-dashboard/audit/?action=login_failed');
    assert.ok(audit.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;@x.io'));
    assert.ok(!audit.text.includes(evil));
  });

  test('behind an https proxy (TRUST_PROXY, COOKIE_SECURE): HSTS, a Secure __Host- cookie, the client address from X-Forwarded-For', async () => {
    const config = { ...a.deps.config, server: { ...a.deps.config.server, trustProxy: true, cookieSecure: true } };
    const proxied = await listen({ ...a.deps, config }, 0, '127.0.0.1');
    try {
      const s = new HttpSession(proxied.url, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.7' });
      const form = await s.get('/admin-dashboard/login/');
      assert.match(form.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
      const m = /name="_csrf" value="([^"]*)"/.exec(form.text);
      const res = await s.post('/admin-dashboard/login/', { _csrf: m?.[1] ?? '', email: admin.email, password: admin.password });
      assert.equal(res.status, 303);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-sid='));
      assert.ok(cookie, 'the session cookie is __Host-sid');
      assert.match(cookie, /;\s*secure/i);
      assert.equal((await s.get('/api/me')).status, 200);
      const [entry] = await a.t.sql<{ ip: string }[]>`SELECT ip FROM audit_log WHERE action = 'login' AND actor = ${admin.email} ORDER BY id DESC LIMIT 1`;
      assert.equal(entry?.ip, '203.0.113.7');
    } finally {
      await proxied.close();
    }
  });

  test('errors: an unknown page is a 404 page for a signed-in user, JSON problem for the API', async () => {
    const s = await signedIn(admin);
    const page = await s.get('/admin-dashboard/no-such-page/');
    assert.equal(page.status, 404);
    assert.match(page.text, /404/);
    const api = await s.get('/api/no-such-endpoint');
    assert.equal(api.status, 404);
    assert.equal(api.json<{ status: number }>().status, 404);
  });

  test('the audit page filters by action and actor and records sign-ins with the address', async () => {
    const s = await signedIn(admin);
    const res = await s.get(`/admin-dashboard/audit/?action=login&actor=${encodeURIComponent(admin.email)}`);
    assert.equal(res.status, 200);
    assert.ok(res.text.includes(admin.email));
    assert.ok(res.text.includes('127.0.0.1'));
    const api = await s.get(`/api/audit?action=login&actor=${encodeURIComponent(admin.email)}`);
    const entries = api.json<{ entries: { action: string; actor: string; ip: string }[] }>().entries;
    assert.ok(entries.length > 0);
    assert.ok(entries.every((e) => e.action === 'login' && e.actor === admin.email));
    assert.equal(entries[0]?.ip, '127.0.0.1', 'the newest sign-in (this test) came from loopback');
  });
});
