// The imports pages and REST endpoints over HTTP, against the app on port 0 and the real stack: upload
// (413, 415, success), preview confirm / discard, history filters, failed rows CSV, templates, tokens.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { HttpSession } from '../support/http-session';
import { createTestEnv, type TestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { createApp } from '../../src/api/app';
import { authRoutes } from '../../src/api/routes/auth';
import { importRoutes } from '../../src/api/routes/imports';
import { auditRoutes } from '../../src/api/routes/audit';
import { insertUser } from '../../src/db/users';
import { insertApiToken } from '../../src/db/api-tokens';
import { hashPassword } from '../../src/api/passwords';
import { newApiToken } from '../../src/api/secrets';
import { logger } from '../../src/logger';
import { toCsv } from '../../src/domain/templates';
import type { ImportStatusView } from '../../src/imports/status';
import { WorkflowFailedError } from '@temporalio/client';
import { workflowMetadataQuery } from '@temporalio/workflow';
import { importOutcome } from '../../src/temporal/import-outcome';
import { escapeHtml } from '../../src/search/queries';

let t: TestEnv;
let server: Server;
let base: string;
let adminToken: string;
let viewerToken: string;
const PASSWORD = 'correct horse battery staple 42';

/** A browser-like session: cookies kept, redirects not followed (the tests look at them). */
class Session extends HttpSession {
  constructor(headers: Record<string, string> = {}) {
    super(() => base, headers);
  }

  override signIn(email: string, password = PASSWORD, csrfPage = '/admin-dashboard/courses/import/'): Promise<void> {
    return super.signIn(email, password, csrfPage);
  }

  /** The upload form, as a browser sends it. */
  upload(name: string, content: string | Buffer, fields: Record<string, string> = {}, csrf = this.csrf): Promise<Response> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    form.set('file', new Blob([content]), name);
    return this.fetch(`/admin-dashboard/courses/import/?_csrf=${encodeURIComponent(csrf)}`, { method: 'POST', body: form });
  }

}

/** The upload page a refused plain-form upload leads to: its address has no token; the page states the reason. */
async function refusedPage(s: Session, res: Response): Promise<Response> {
  const location = res.headers.get('Location') ?? '';
  assert.match(location, /^\/admin-dashboard\/courses\/import\/\?refused=1/);
  assert.doesNotMatch(location, /_csrf/);
  const page = await s.fetch(location);
  assert.equal(page.status, 200);
  return page;
}

function bearer(token: string, init: RequestInit = {}): RequestInit {
  return { ...init, headers: { ...(init.headers as Record<string, string> | undefined), Authorization: `Bearer ${token}` } };
}

async function apiUpload(name: string, content: string | Buffer, fields: Record<string, string> = {}, token = adminToken): Promise<Response> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new Blob([content]), name);
  return fetch(`${base}/admin-dashboard/courses/import/`, bearer(token, { method: 'POST', body: form }));
}

async function statusOf(id: string): Promise<ImportStatusView> {
  const res = await fetch(`${base}/api/imports/${id}`, bearer(adminToken));
  assert.equal(res.status, 200);
  return (await res.json()) as ImportStatusView;
}

async function finished(id: string): Promise<ImportStatusView> {
  return eventually(async () => {
    const s = await statusOf(id);
    return s.finishedAt ? s : undefined;
  }, `import ${id} to finish`);
}

function importIdFrom(location: string | null): string {
  const id = /\/admin-dashboard\/imports\/([0-9a-f-]{36})\/$/.exec(location ?? '')?.[1];
  assert.ok(id, `redirected to an import's page, got ${location}`);
  return id;
}

const csv = (rows: Record<string, unknown>[]) => toCsv(rows);
// Run-unique content: workflow ids derive from the content, and a leftover run of an interrupted test must not match.
const RUN = Math.random().toString(36).slice(2, 8);
const course = (title: string, extra: Record<string, unknown> = {}) => ({ title, description: `About ${title} ${RUN}`, difficulty: 'beginner', learning_mode: 'text', price: 0, is_free: true, ...extra });

before(async () => {
  t = await createTestEnv('improutes', { MAX_FILE_MB: '0.05' });
  await t.startWorker();
  const deps = { config: t.config, sql: t.sql, es: t.es, temporal: t.client, logger: logger.child({ test: 'imports-routes' }) };
  // The app's own middleware list with only the routers these tests use: sign-in, imports and the audit trail.
  const app = createApp(deps, [authRoutes(deps), importRoutes(deps), auditRoutes(deps)]);
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
});

after(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await t?.close();
});

describe('upload form', () => {
  test('a test-mode upload shows the preview; Confirm applies it without a new upload', async () => {
    const s = new Session();
    await s.signIn('admin@example.com');
    const res = await s.upload('catalogue.csv', csv([course('Route One'), course('Route Two'), course('Bad Level', { difficulty: 'expertissime' })]), { mode: 'create_or_update', dry_run: 'true' });
    assert.equal(res.status, 303);
    const id = importIdFrom(res.headers.get('location'));
    await eventually(async () => (await statusOf(id)).status === 'awaiting_confirmation', 'the preview');

    const page = await (await s.fetch(`/admin-dashboard/imports/${id}/`)).text();
    assert.match(page, /Preview: nothing has been written yet/);
    assert.match(page, /<strong>2<\/strong> to create/);
    assert.match(page, /data-action="create"[\s\S]*Route One/);
    assert.match(page, /data-row="4"[\s\S]*?data-action="error"[\s\S]*?difficulty/);
    assert.equal((await t.sql`SELECT count(*)::int AS n FROM courses WHERE title LIKE 'Route %'`)[0]!.n, 0);

    const confirm = await s.postForm(`/admin-dashboard/imports/${id}/confirm/`);
    assert.equal(confirm.status, 303);
    const done = await finished(id);
    assert.equal(done.status, 'succeeded_with_errors');
    assert.deepEqual([done.counts?.created, done.counts?.failed], [2, 1]);
    assert.equal(done.source, 'upload');
    assert.equal(done.startedBy, 'admin@example.com');
    const audit = await t.sql`SELECT action FROM audit_log WHERE target = ${id} ORDER BY id`;
    assert.deepEqual(audit.map((r) => r.action), ['import.start', 'import.confirm']);

    // The failed rows, ready to fix: the original columns plus the error; once fixed they import cleanly.
    const failed = await s.fetch(`/admin-dashboard/imports/${id}/failed-rows.csv`);
    assert.equal(failed.status, 200);
    const text = await failed.text();
    const [header, row] = text.replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(header, 'title,description,category,instructor,duration,difficulty,learning_mode,price,is_free,lessons,tags,error');
    assert.match(row ?? '', /^Bad Level,About Bad Level \w+,,,,expertissime,text,0,true,,,"?row 4: difficulty: /);
    const fixed = text.replace('expertissime', 'advanced');
    const again = await s.upload('fixed.csv', fixed, { mode: 'create_or_update' });
    const fixedImport = await finished(importIdFrom(again.headers.get('location')));
    assert.equal(fixedImport.status, 'succeeded');
    assert.equal(fixedImport.counts?.created, 1);
  });

  test('Discard writes nothing; a second decision is refused with a message', async () => {
    const s = new Session();
    await s.signIn('admin@example.com');
    const res = await s.upload('discard-me.json', JSON.stringify([course('Never Here')]), { dry_run: 'true' });
    const id = importIdFrom(res.headers.get('location'));
    await eventually(async () => (await statusOf(id)).status === 'awaiting_confirmation', 'the preview');
    assert.equal((await s.postForm(`/admin-dashboard/imports/${id}/discard/`)).status, 303);
    const done = await finished(id);
    assert.equal(done.status, 'discarded');
    assert.equal((await t.sql`SELECT count(*)::int AS n FROM courses WHERE title = 'Never Here'`)[0]!.n, 0);
    const again = await fetch(`${base}/admin-dashboard/imports/${id}/confirm/`, bearer(adminToken, { method: 'POST' }));
    assert.equal(again.status, 409);
    assert.match(((await again.json()) as { detail: string }).detail, /no preview waiting/);
  });

  test('over the size limit: 413 with a clear message, and nothing left in incoming/', async () => {
    const s = new Session();
    await s.signIn('admin@example.com');
    // The plain form (scripts off) carries its token in the address: it is sent back to the form (303), which says why.
    const res = await s.upload('big.csv', Buffer.alloc(80 * 1024, 'a'));
    assert.equal(res.status, 303);
    assert.match(await (await refusedPage(s, res)).text(), /larger than the 0\.1 MB limit|larger than the [\d.]+ MB limit/);
    const api = await apiUpload('big.csv', 'x'.repeat(80 * 1024));
    assert.equal(api.status, 413);
    assert.match(((await api.json()) as { detail: string }).detail, /limit/);
    assert.deepEqual(await readdir(t.folder('incoming')), []);
  });

  test('an upload refused after it was stored (a wrong mode, two files in one form) leaves nothing in incoming/', async () => {
    const wrongMode = await apiUpload('modes.csv', 'title,price\nA,1\n', { mode: 'sometimes' });
    assert.equal(wrongMode.status, 400);
    assert.match(((await wrongMode.json()) as { detail: string }).detail, /mode must be one of/);
    const two = new FormData();
    two.append('file', new Blob(['title,price\nA,1\n']), 'one.csv');
    two.append('other', new Blob(['title,price\nB,1\n']), 'two.csv');
    const twoFiles = await fetch(`${base}/admin-dashboard/courses/import/`, bearer(adminToken, { method: 'POST', body: two }));
    assert.equal(twoFiles.status, 400);
    assert.match(((await twoFiles.json()) as { detail: string }).detail, /one file at a time/);
    assert.deepEqual(await readdir(t.folder('incoming')), []);
  });

  test('unknown types are 415: by extension, and by content that contradicts it', async () => {
    const api = await apiUpload('notes.txt', 'hello');
    assert.equal(api.status, 415);
    assert.match(((await api.json()) as { detail: string }).detail, /notes\.txt has the extension \.txt; accepted: \.csv, \.tsv, \.json, \.xlsx/);
    const lying = await apiUpload('sheet.xlsx', 'title,description\nA,B\n');
    assert.equal(lying.status, 415);
    assert.match(((await lying.json()) as { detail: string }).detail, /named \.xlsx but its content is text/);
    const s = new Session();
    await s.signIn('admin@example.com');
    const form = await s.upload('../../etc/passwd.exe', 'x');
    assert.equal(form.status, 303);
    assert.match(await (await refusedPage(s, form)).text(), /passwd\.exe has the extension \.exe/);
    assert.deepEqual(await readdir(t.folder('incoming')), []);
  });

  test('a refused upload is explained in the reader\'s language, with what to do; JSON clients keep the English sentence', async () => {
    const s = new Session({ 'Accept-Language': 'fr' });
    await s.signIn('admin@example.com');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
    const binary = await (await refusedPage(s, await s.upload('catalogue.csv', png))).text();
    assert.match(binary, /Le fichier porte l&#39;extension \.csv mais contient des données binaires ; vérifiez que c&#39;est le bon fichier/);
    assert.doesNotMatch(binary, /binary data/);
    const renamed = await (await refusedPage(s, await s.upload('catalogue.xlsx', 'title,description\nA,B\n'))).text();
    assert.match(renamed, /Le fichier porte l&#39;extension \.xlsx mais contient du texte commençant par « title,description/);
    const empty = await (await refusedPage(s, await s.upload('vide.csv', ''))).text();
    assert.match(empty, /Le fichier est vide \(0 octet\)/);
    const api = await apiUpload('catalogue.csv', '\u0000\u0001\u0002PNG\u0000\u0000\u0007\u0008\u0000\u0000');
    assert.equal(api.status, 415);
    assert.match(((await api.json()) as { detail: string }).detail, /named \.csv but its content is binary data/);
    assert.deepEqual(await readdir(t.folder('incoming')), []);
  });

  test('an upload without the CSRF token is refused before anything is stored; viewers cannot upload', async () => {
    const s = new Session();
    await s.signIn('admin@example.com');
    const res = await s.upload('x.csv', csv([course('No Csrf')]), {}, 'wrong');
    assert.equal(res.status, 403);
    const viewer = new Session();
    await viewer.signIn('viewer@example.com');
    const v = await viewer.upload('x.csv', csv([course('Viewer')]));
    assert.equal(v.status, 403);
    assert.equal((await apiUpload('x.csv', csv([course('Viewer')]), {}, viewerToken)).status, 403);
    assert.deepEqual(await readdir(t.folder('incoming')), []);
  });
});

describe('REST with an API token', () => {
  test('POST returns 202 with the import id and status URL; GET /api/imports/:id follows it', async () => {
    const res = await apiUpload('api.csv', csv([course('Api One'), course('Api Two')]), { mode: 'create_only' });
    assert.equal(res.status, 202);
    const body = (await res.json()) as { importId: string; workflowId: string; statusUrl: string };
    assert.match(body.workflowId, new RegExp(`^${t.config.temporal.workflowIdPrefix}-[0-9a-f]{64}$`));
    assert.equal(body.statusUrl, `/api/imports/${body.importId}`);
    assert.equal(res.headers.get('location'), body.statusUrl);
    const done = await finished(body.importId);
    assert.equal(done.status, 'succeeded');
    assert.equal(done.source, 'api');
    assert.equal(done.mode, 'create_only');
    assert.equal(done.startedBy, 'token:ci');
    assert.deepEqual(done.progress, { parsed: 2, normalized: 2, upserted: 2, indexed: 2 });
    assert.match(done.links.temporal ?? '', new RegExp(`/namespaces/default/workflows/${body.workflowId}$`));
    // A viewer token reads.
    assert.equal((await fetch(`${base}${body.statusUrl}`, bearer(viewerToken))).status, 200);
    assert.equal((await fetch(`${base}${body.statusUrl}`)).status, 401);
    assert.equal((await fetch(`${base}/api/imports/00000000-0000-0000-0000-000000000000`, bearer(adminToken))).status, 404);
  });

  test('the same content while the first run waits: 409 naming the running import', async () => {
    const content = csv([course('Twice Sent')]);
    const first = (await (await apiUpload('twice.csv', content, { dry_run: 'true' })).json()) as { importId: string };
    const second = await apiUpload('twice-again.csv', content);
    assert.equal(second.status, 409);
    const p = (await second.json()) as { importId: string; statusUrl: string; detail: string };
    assert.equal(p.importId, first.importId);
    assert.match(p.detail, /already being imported/);
    await eventually(async () => (await statusOf(first.importId)).status === 'awaiting_confirmation', 'the preview');
    assert.equal((await fetch(`${base}/admin-dashboard/imports/${first.importId}/discard/`, bearer(adminToken, { method: 'POST' }))).status, 202);
    await finished(first.importId);
  });

  test("the seed's template curl works with a token: bulk JSON", async () => {
    const res = await fetch(`${base}/admin-dashboard/courses/template/`, bearer(adminToken, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'template_type=bulk&format_type=json',
    }));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="courses-bulk-template\.json"/);
    const rows = (await res.json()) as { title: string }[];
    assert.equal(rows.length, 20);
    const bad = await fetch(`${base}/admin-dashboard/courses/template/`, bearer(adminToken, { method: 'POST', body: new URLSearchParams({ template_type: 'huge', format_type: 'json' }) }));
    assert.equal(bad.status, 400);
  });
});

describe('history', () => {
  test('filters by status, source, date and file name, and paginates', async () => {
    const s = new Session();
    await s.signIn('viewer@example.com');
    const page = async (q: string) => (await s.fetch(`/admin-dashboard/imports/?${q}`)).text();
    const rowsOf = (html: string) => [...html.matchAll(/<a href="\/admin-dashboard\/imports\/[0-9a-f-]{36}\/">([^<]+)<\/a>/g)].map((m) => m[1]);

    assert.deepEqual(rowsOf(await page('source=api&status=succeeded')), ['api.csv']);
    assert.deepEqual(rowsOf(await page('file=DISCARD')), ['discard-me.json']);
    assert.deepEqual(rowsOf(await page('status=discarded&source=upload')), ['discard-me.json']);
    const today = new Date().toISOString().slice(0, 10);
    const todays = rowsOf(await page(`from=${today}&to=${today}`));
    assert.ok(todays.includes('api.csv') && todays.includes('discard-me.json'), `today's imports: ${todays.join(', ')}`);
    assert.deepEqual(rowsOf(await page('from=2001-01-01&to=2001-01-02')), []);
    assert.match(await page('from=2001-01-01&to=2001-01-02'), /No import matches these filters/);
    // Filters reach JSON too; an invalid filter is ignored rather than an error.
    const json = (await (await fetch(`${base}/admin-dashboard/imports/?status=nonsense&source=api`, bearer(viewerToken))).json()) as { total: number; imports: { file_name: string }[] };
    assert.deepEqual(json.imports.map((i) => i.file_name), ['twice.csv', 'api.csv']);
    assert.equal(json.total, 2);

    // 55 refused drops: two pages of 50.
    await t.sql`
      INSERT INTO imports (id, workflow_id, sha256, file_name, source, mode, status, created_at)
      SELECT gen_random_uuid(), '', repeat('a', 64), 'paged-' || n || '.csv', 'drop', 'create_or_update', 'failed', now() - n * interval '1 second'
      FROM generate_series(1, 55) n`;
    const first = await page('file=paged-');
    assert.equal(rowsOf(first).length, 50);
    assert.match(first, /1–50 of 55/);
    const second = rowsOf(await page('file=paged-&page=2'));
    assert.deepEqual(second, ['paged-51.csv', 'paged-52.csv', 'paged-53.csv', 'paged-54.csv', 'paged-55.csv']);
  });

  test("an import's page shows options, who, counts, the timeline from Temporal and the Web UI link", async () => {
    const [imp] = await t.sql<{ id: string; workflow_id: string }[]>`SELECT id, workflow_id FROM imports WHERE file_name = 'api.csv'`;
    const s = new Session();
    await s.signIn('viewer@example.com');
    const html = await (await s.fetch(`/admin-dashboard/imports/${imp!.id}/`)).text();
    assert.match(html, /Create only/);
    assert.match(html, /API token &#39;ci&#39;/);
    assert.match(html, /From the run&#39;s Temporal history|From the run's Temporal history/);
    for (const step of ['moveToProcessing', 'parse', 'normalize', 'upsert', 'index', 'archive']) assert.match(html, new RegExp(`<td>${step}</td>`));
    assert.ok(html.includes(`/namespaces/default/workflows/${imp!.workflow_id}`));
    assert.doesNotMatch(html, /Revert this import/, 'a viewer sees no revert button');
    assert.equal((await s.postForm(`/admin-dashboard/imports/${imp!.id}/revert/`)).status, 403);

    // An import Temporal knows nothing of (refused before any run, or past retention): the ledger tells the steps.
    const [old] = await t.sql<{ id: string }[]>`SELECT id FROM imports WHERE file_name = 'paged-1.csv'`;
    const oldPage = await (await s.fetch(`/admin-dashboard/imports/${old!.id}/`)).text();
    assert.match(oldPage, /From the imports ledger/);
    assert.match(oldPage, /<td>finished: failed<\/td>|<td>moveToProcessing<\/td>/);
  });
});

describe('cancel and revert over REST', () => {
  const post = (path: string, body: Record<string, string> = {}) =>
    fetch(`${base}${path}`, bearer(adminToken, { method: 'POST', body: new URLSearchParams(body) }));

  test('Cancel during a preview: 202, then cancelled; a second cancel is a 409', async () => {
    const started = (await (await apiUpload('cancel-me.csv', csv([course('Cancel Me')]), { dry_run: 'true' })).json()) as { importId: string };
    await eventually(async () => (await statusOf(started.importId)).status === 'awaiting_confirmation', 'the preview');
    assert.equal((await post(`/admin-dashboard/imports/${started.importId}/cancel/`)).status, 202);
    const done = await finished(started.importId);
    assert.equal(done.status, 'cancelled');
    assert.match(done.archivedTo ?? '', /\/error\//);
    const again = await post(`/admin-dashboard/imports/${started.importId}/cancel/`);
    assert.equal(again.status, 409);
  });

  test('Revert is refused while a later import wrote the same courses, naming it; allowed once that one is reverted', async () => {
    const a = (await (await apiUpload('rev-a.csv', csv([course('Rev Shared')]))).json()) as { importId: string };
    await finished(a.importId);
    const b = (await (await apiUpload('rev-b.csv', csv([course('Rev Shared', { description: 'changed by b' })]))).json()) as { importId: string };
    assert.equal((await finished(b.importId)).counts?.updated, 1);
    const refused = await post(`/admin-dashboard/imports/${a.importId}/revert/`);
    assert.equal(refused.status, 409);
    assert.match(((await refused.json()) as { detail: string }).detail, /later imports changed the same courses since: rev-b\.csv/);

    assert.equal((await post(`/admin-dashboard/imports/${b.importId}/revert/`)).status, 202);
    const reverted = await eventually(async () => (await statusOf(b.importId)).reverted ?? undefined, 'the revert of b');
    assert.deepEqual(reverted.counts, { deleted: 0, restored: 1 });
    const [shared] = await t.sql`SELECT description FROM courses WHERE title = 'Rev Shared'`;
    assert.match(shared!.description, /^About Rev Shared/);
    assert.equal((await post(`/admin-dashboard/imports/${a.importId}/revert/`)).status, 202);
    await eventually(async () => (await statusOf(a.importId)).reverted ?? undefined, 'the revert of a');
    assert.equal((await t.sql`SELECT count(*)::int AS n FROM courses WHERE title = 'Rev Shared'`)[0]!.n, 0);
    const audit = await t.sql`SELECT action, actor FROM audit_log WHERE action = 'import.revert' ORDER BY id`;
    assert.deepEqual(audit.map((r) => [r.action, r.actor]), [['import.revert', 'token:ci'], ['import.revert', 'token:ci']]);
  });
});

describe("the run as the Temporal Web UI shows it, and the same summary over REST and in the admin", () => {
  /** How the Web UI lists the run: its status, its failure message, and the file it is about (user metadata). */
  async function runInWebUi(workflowId: string): Promise<{ status: string; message: string | null; summary: string | undefined; details: string | undefined }> {
    const handle = t.client.workflow.getHandle(workflowId);
    const message = await handle.result().then(
      () => null,
      (err: unknown) => (err instanceof WorkflowFailedError ? (err.cause?.message ?? '') : Promise.reject(err)),
    );
    const d = await handle.describe();
    return { status: d.status.name, message, summary: await d.staticSummary(), details: await d.staticDetails() };
  }

  test('a failed import is a Failed run whose message is the reason, found by ExecutionStatus; REST, admin and clients keep the summary', async () => {
    const res = await apiUpload('run_status-broken.json', `{"courses": [ {"title": "${RUN}`);
    assert.equal(res.status, 202);
    const { importId, workflowId } = (await res.json()) as { importId: string; workflowId: string };
    const done = await finished(importId);
    assert.equal(done.status, 'failed');
    assert.ok(done.error?.message, 'REST tells the reason');
    assert.match(done.archivedTo ?? '', /\/error\//, 'archived before the run failed');

    const run = await runInWebUi(workflowId);
    assert.equal(run.status, 'FAILED');
    assert.equal(run.message, done.error!.message, 'the failure message is the reason REST gives');
    assert.equal(run.summary, 'run\\_status-broken.json · api · create or update', 'the file, source and mode at a glance');
    assert.match(run.details ?? '', new RegExp(`\\*\\*Import id:\\*\\* ${importId}`));
    // Its current details (the Web UI asks the worker): the status, and the reason.
    const current = (await t.client.workflow.getHandle(workflowId).query(workflowMetadataQuery)).currentDetails ?? '';
    assert.ok(current.startsWith('**failed** · done'), current);
    assert.ok(current.includes('run\\_status-broken.json'), current);
    // The Web UI's filter finds it (visibility catches up within a moment).
    await eventually(async () => {
      for await (const wf of t.client.workflow.list({ query: `ExecutionStatus = 'Failed' AND WorkflowId = '${workflowId}'` })) return wf.status.name === 'FAILED';
      return false;
    }, "ExecutionStatus = 'Failed' to list the run");

    // Clients awaiting the run still get the summary, the same as REST.
    const summary = await importOutcome(t.client.workflow.getHandle(workflowId));
    assert.equal(summary.status, 'failed');
    assert.equal(summary.importId, importId);
    assert.deepEqual(summary.error, done.error);
    assert.equal(summary.archivedTo, done.archivedTo);

    const s = new Session();
    await s.signIn('viewer@example.com');
    const page = await (await s.fetch(`/admin-dashboard/imports/${importId}/`)).text();
    assert.ok(page.includes(escapeHtml(done.error!.message)), 'the admin page shows the same reason');
  });

  test('a cancelled import is a Cancelled run; the summary stays readable', async () => {
    const res = await apiUpload('run-status-cancel.csv', csv([course('Run Status Cancel')]), { dry_run: 'true' });
    const { importId, workflowId } = (await res.json()) as { importId: string; workflowId: string };
    await eventually(async () => (await statusOf(importId)).status === 'awaiting_confirmation', 'the preview');
    const cancel = await fetch(`${base}/admin-dashboard/imports/${importId}/cancel/`, bearer(adminToken, { method: 'POST', body: new URLSearchParams() }));
    assert.equal(cancel.status, 202);
    const done = await finished(importId);
    assert.equal(done.status, 'cancelled');

    const run = await runInWebUi(workflowId);
    assert.equal(run.status, 'CANCELLED');
    assert.equal(run.summary, 'run-status-cancel.csv · api · create or update, dry run');
    const summary = await importOutcome(t.client.workflow.getHandle(workflowId));
    assert.equal(summary.status, 'cancelled');
    assert.deepEqual(summary.error, done.error);
    assert.equal(summary.archivedTo, done.archivedTo);

    // Its page: the rows were not created, and nothing of the file is in the catalogue.
    const s = new Session();
    await s.signIn('viewer@example.com');
    const page = await (await s.fetch(`/admin-dashboard/imports/${importId}/`)).text();
    assert.match(page, /id="nothing-written">Cancelled before any course was written/);
    assert.match(page, /data-action="create" data-not-applied>not created</);
    assert.doesNotMatch(page, />create<\/span>/, 'no row reads "create"');
    // The audit trail links the cancellation to the import.
    const audit = await (await s.fetch('/admin-dashboard/audit/?action=import.cancel')).text();
    assert.ok(audit.includes(`<a href="/admin-dashboard/imports/${importId}/"`), 'the audit target is a link to the import');
  });
});

describe("an import's page says one thing", () => {
  /** The page as a content admin reads it: everything before the technical details disclosure. */
  const visible = (html: string) => html.slice(0, html.indexOf('<details class="card" id="technical">'));

  test('a preview offers Discard, not Cancel; once confirmed it loses its Test mode badge and shows what it did', async () => {
    const s = new Session();
    await s.signIn('admin@example.com');
    const res = await s.upload('page-state.csv', csv([course('Page State One')]), { dry_run: 'true' });
    const id = importIdFrom(res.headers.get('location'));
    await eventually(async () => (await statusOf(id)).status === 'awaiting_confirmation', 'the preview');
    const preview = await (await s.fetch(`/admin-dashboard/imports/${id}/`)).text();
    assert.match(preview, /id="test-mode-badge"/);
    assert.ok(preview.includes(`action="/admin-dashboard/imports/${id}/discard/"`), 'Discard is offered');
    assert.ok(!preview.includes(`action="/admin-dashboard/imports/${id}/cancel/"`), 'Cancel is not offered beside it');

    assert.equal((await s.postForm(`/admin-dashboard/imports/${id}/confirm/`)).status, 303);
    assert.equal((await finished(id)).status, 'succeeded');
    const page = await (await s.fetch(`/admin-dashboard/imports/${id}/`)).text();
    assert.doesNotMatch(page, /id="test-mode-badge"/, 'a confirmed import is no longer a test');
    assert.match(page, /<dt>Created<\/dt><dd>1<\/dd>/);
    assert.doesNotMatch(page, /id="nothing-written"/);
    // Internal names and server paths only under Technical details.
    const top = visible(page);
    assert.match(top, /data-live="step"[^>]*>Finished</);
    assert.match(top, /id="archived-to">processed\/[0-9a-f-]{36}__page-state\.csv</);
    assert.ok(!top.includes(t.config.ingestDir), 'no absolute server path above the technical details');
    assert.doesNotMatch(top, /moveToProcessing/);
    const technical = page.slice(page.indexOf('<details class="card" id="technical">'));
    assert.ok(technical.includes(t.config.ingestDir), 'operators still find the server path');
    assert.match(technical, /<td>moveToProcessing<\/td>/);
  });

  test('a discarded preview does not read "Created 1": its counts and rows are what it would have done', async () => {
    const s = new Session();
    await s.signIn('admin@example.com');
    const res = await s.upload('page-discard.csv', csv([course('Page Discard One')]), { dry_run: 'true' });
    const id = importIdFrom(res.headers.get('location'));
    await eventually(async () => (await statusOf(id)).status === 'awaiting_confirmation', 'the preview');
    assert.equal((await s.postForm(`/admin-dashboard/imports/${id}/discard/`)).status, 303);
    assert.equal((await finished(id)).status, 'discarded');
    const page = await (await s.fetch(`/admin-dashboard/imports/${id}/`)).text();
    assert.doesNotMatch(page, /<dt>Created<\/dt>/);
    assert.match(page, /<dt>To create<\/dt><dd>1<\/dd>/);
    assert.match(page, /id="nothing-written">The preview was discarded: nothing was written/);
    assert.match(page, /What each row would have done/);
    assert.match(page, /data-not-applied>not created</);
  });
});

describe('a workbook cut short', () => {
  test('its page says why in French, what to do, and lists no rows the file never gave', async () => {
    const original = await readFile(path.join(import.meta.dirname, '..', 'fixtures', 'conformance', 'xlsxwriter.xlsx'));
    const res = await apiUpload('coupé.xlsx', original.subarray(0, Math.floor(original.length / 2)), { dry_run: 'false' });
    assert.equal(res.status, 202, await res.clone().text());
    const { importId } = (await res.json()) as { importId: string };
    const done = await finished(importId);
    assert.equal(done.status, 'failed');
    assert.equal(done.startedBy, 'token:ci');
    const s = new Session({ 'Accept-Language': 'fr' });
    await s.signIn('admin@example.com');
    const page = await (await s.fetch(`/admin-dashboard/imports/${importId}/`)).text();
    assert.match(page, /id="import-error">Le fichier n&#39;a pas pu être lu comme classeur Excel \(\.xlsx\) \(archive zip\) : l&#39;archive est incomplète : le fichier a sans doute été coupé pendant un envoi ou une copie/);
    assert.match(page, /id="nothing-written">L&#39;import a échoué : rien n&#39;a été écrit\.</);
    assert.doesNotMatch(page, /id="rows"|id="epage"/, 'no empty tables of rows the file never gave');
    assert.match(page, /jeton d&#39;API « ci »/, 'who started it, in French');
  });
});
