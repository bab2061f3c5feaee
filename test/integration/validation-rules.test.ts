// Validation rules set by an admin (issue 12), over HTTP against the real stack: the page (viewers read, admins
// write, validated input), the rules on the import form, and an import refused / warned by them, whose rules are
// the snapshot taken when its rows were first read.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpSession } from '../support/http-session';
import { createTestEnv, type TestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { createApp } from '../../src/api/app';
import { authRoutes } from '../../src/api/routes/auth';
import { importRoutes } from '../../src/api/routes/imports';
import { validationRuleRoutes } from '../../src/api/routes/validation-rules';
import { insertUser } from '../../src/db/users';
import { hashPassword } from '../../src/api/passwords';
import { logger } from '../../src/logger';
import { toCsv } from '../../src/domain/templates';

let t: TestEnv;
let server: Server;
let base: string;
const PASSWORD = 'correct horse battery staple 42';
const RUN = Math.random().toString(36).slice(2, 8);

class Session extends HttpSession {
  constructor() {
    super(() => base);
  }

  override signIn(email: string, password = PASSWORD, csrfPage = '/admin-dashboard/import-rules/'): Promise<void> {
    return super.signIn(email, password, csrfPage);
  }

  postFields(path: string, fields: Record<string, string | string[]>): Promise<Response> {
    const body = new URLSearchParams({ _csrf: this.csrf });
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    return this.fetch(path, { method: 'POST', body });
  }

  upload(name: string, content: string, fields: Record<string, string> = {}): Promise<Response> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    form.set('file', new Blob([content]), name);
    return this.fetch(`/admin-dashboard/courses/import/?_csrf=${encodeURIComponent(this.csrf)}`, { method: 'POST', body: form });
  }
}

before(async () => {
  t = await createTestEnv('valrules');
  await t.startWorker();
  const deps = { config: t.config, sql: t.sql, es: t.es, temporal: t.client, logger: logger.child({ test: 'validation-rules' }) };
  const app = createApp(deps, [authRoutes(deps), importRoutes(deps), validationRuleRoutes(deps)]);
  server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const hash = await hashPassword(PASSWORD);
  await insertUser(t.sql, { email: 'admin@example.com', role: 'admin', passwordHash: hash, createdBy: null });
  await insertUser(t.sql, { email: 'viewer@example.com', role: 'viewer', passwordHash: hash, createdBy: null });
});

after(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await t?.close();
});

const RULES = { scope: '', categories: 'Data\nDéveloppement web', unknownCategory: 'warning', priceMin: '', priceMax: '100', durationMin: '', durationMax: '', minQuality: '', required: ['category'] };

describe('validation rules', () => {
  test('a viewer reads the rules but cannot change them; bad input comes back with its errors and the form as typed', async () => {
    const viewer = new Session();
    await viewer.signIn('viewer@example.com');
    assert.equal((await viewer.fetch('/admin-dashboard/import-rules/')).status, 200);
    assert.equal((await viewer.postFields('/admin-dashboard/import-rules/', RULES)).status, 403);

    const admin = new Session();
    await admin.signIn('admin@example.com');
    const bad = await admin.postFields('/admin-dashboard/import-rules/', { ...RULES, priceMin: '200', durationMax: 'abc' });
    assert.equal(bad.status, 400);
    const html = await bad.text();
    assert.match(html, /id="rules-errors"/);
    assert.match(html, /id="priceMin"[^>]*value="200"/, 'the form keeps what was typed');
    assert.equal((await t.sql`SELECT count(*)::int AS n FROM validation_rules`)[0]!.n, 0, 'nothing saved');
  });

  test('an import is refused and warned by the rules in force when it started, which the form shows', async () => {
    const admin = new Session();
    await admin.signIn('admin@example.com');
    const saved = await admin.postFields('/admin-dashboard/import-rules/', RULES);
    assert.equal(saved.status, 303);
    const form = await (await admin.fetch('/admin-dashboard/courses/import/')).text();
    assert.match(form, /id="upload-rules"[\s\S]*data-scope=""[\s\S]*Data, Développement web/);

    const file = toCsv([
      { title: `Règles OK ${RUN}`, category: 'data', price: 10, is_free: false },
      { title: `Trop cher ${RUN}`, category: 'Data', price: 500, is_free: false },
      { title: `Autre catégorie ${RUN}`, category: 'Cuisine', price: 10, is_free: false },
      { title: `Sans catégorie ${RUN}`, price: 10, is_free: false },
    ]);
    const res = await admin.upload(`regles-${RUN}.csv`, file, { mode: 'create_or_update' });
    assert.equal(res.status, 303);
    const id = /imports\/([0-9a-f-]{36})\//.exec(res.headers.get('location') ?? '')![1]!;
    // Changed while the import runs: the import keeps the rules it started with.
    await eventually(async () => {
      const [r] = await t.sql`SELECT validation_rules FROM imports WHERE id = ${id}`;
      return r?.validation_rules ? true : undefined;
    }, 'the rules snapshot');
    assert.equal((await admin.postFields('/admin-dashboard/import-rules/', { ...RULES, priceMax: '1000' })).status, 303);
    const done = await eventually(async () => {
      const [r] = await t.sql`SELECT status FROM imports WHERE id = ${id}`;
      return r && ['succeeded', 'succeeded_with_errors', 'failed'].includes(String(r.status)) ? r : undefined;
    }, 'the import to finish');
    assert.equal(done.status, 'succeeded_with_errors');
    const rows = await t.sql`SELECT row_number, action, errors, warnings FROM import_rows WHERE import_id = ${id} ORDER BY row_number`;
    const codes = rows.map((r) => [r.row_number, (r.errors as { code: string }[] | null)?.map((e) => e.code) ?? [], (r.warnings as { code: string }[] | null)?.map((w) => w.code) ?? []]);
    assert.deepEqual(codes, [
      [2, [], []],
      [3, ['rule_price_above'], []],
      [4, [], ['rule_category_not_allowed']],
      [5, ['rule_required'], []],
    ]);
    const [snap] = await t.sql`SELECT validation_rules FROM imports WHERE id = ${id}`;
    assert.equal((snap!.validation_rules as { priceMax: number }).priceMax, 100);
    // The import's page shows the rule's problem in the reader's language.
    const page = await (await admin.fetch(`/admin-dashboard/imports/${id}/`, { headers: { 'Accept-Language': 'fr' } })).text();
    assert.match(page, /data-code="rule_price_above"/);
  });
});
