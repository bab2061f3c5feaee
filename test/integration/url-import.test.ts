// Import from a URL (issue 12) against a real HTTPS server on loopback (its self-signed certificate trusted through
// URL_IMPORT_CA_FILE, its host allowed through URL_IMPORT_ALLOW_HOSTS) and the real stack: the REST call imports
// the file; a redirect to a loopback address that is not allowed, a DNS answer that changes between the check and
// the connection, a file over the limit and a web page are refused, and nothing stays in incoming/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, unlink } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestEnv, type TestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { removeCertificate, selfSignedCertificate, startHttpsPeer, type HttpsPeer, type SelfSigned } from '../support/https-peer';
import { createApp } from '../../src/api/app';
import { importRoutes } from '../../src/api/routes/imports';
import { feedRoutes } from '../../src/api/routes/feeds';
import { authRoutes } from '../../src/api/routes/auth';
import { HttpSession } from '../support/http-session';
import { insertUser } from '../../src/db/users';
import { insertApiToken } from '../../src/db/api-tokens';
import { hashPassword } from '../../src/api/passwords';
import { newApiToken } from '../../src/api/secrets';
import { logger } from '../../src/logger';
import { toCsv } from '../../src/domain/templates';
import type { ImportStatusView } from '../../src/imports/status';
import { downloadSettings, downloadToIncoming, UrlImportRefused, type DownloadSettings } from '../../src/imports/url-download';
import type { LookupAll } from '../../src/notify/url-policy';

let tls: SelfSigned;
let peer: HttpsPeer;
/** A second server on loopback that nothing may reach: a redirect points to it. */
let forbidden: HttpsPeer;
let t: TestEnv;
let server: Server;
let base: string;
let token: string;
let settings: DownloadSettings;
const run = promisify(execFile);

const RUN = Math.random().toString(36).slice(2, 8);
const catalogue = toCsv([
  { title: `Remote One ${RUN}`, description: 'Downloaded from a URL', difficulty: 'beginner', learning_mode: 'text', price: 0, is_free: true },
  { title: `Remote Two ${RUN}`, description: 'Downloaded from a URL', difficulty: 'advanced', learning_mode: 'video', price: 10, is_free: false },
]);
const LIMIT_BYTES = Math.round(0.05 * 1024 * 1024);

before(async () => {
  tls = await selfSignedCertificate();
  forbidden = await startHttpsPeer(tls, (_req, res) => res.end('title\nShould never be read\n'));
  peer = await startHttpsPeer(tls, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://x');
    if (url.pathname === '/catalogue.csv') return res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' }).end(catalogue);
    if (url.pathname === '/export') {
      // Content of its own per `v`: workflow ids derive from the content, and each test wants its own import.
      const v = url.searchParams.get('v') ?? '';
      const body = v ? toCsv([{ title: `Export ${v} ${RUN}`, description: 'Downloaded from a URL', difficulty: 'beginner', learning_mode: 'text', price: 0, is_free: true }]) : catalogue;
      return res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="night-export.csv"' }).end(body);
    }
    if (url.pathname === '/hop') return res.writeHead(302, { location: '/catalogue.csv' }).end();
    if (url.pathname === '/to-loopback') return res.writeHead(302, { location: `${forbidden.origin}/catalogue.csv` }).end();
    if (url.pathname === '/loop') return res.writeHead(302, { location: '/loop' }).end();
    if (url.pathname === '/login') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in</body></html>');
    if (url.pathname === '/huge') {
      // No Content-Length: the limit can only be enforced while the bytes arrive.
      res.writeHead(200, { 'content-type': 'text/csv' });
      const line = `title,description\n${'x'.repeat(1000)},y\n`;
      let sent = 0;
      const more = () => {
        while (sent < LIMIT_BYTES * 3) {
          sent += line.length;
          if (!res.write(line)) return void res.once('drain', more);
        }
        res.end();
      };
      res.on('error', () => {});
      return more();
    }
    res.writeHead(404).end();
  });
  t = await createTestEnv('urlimport', { MAX_FILE_MB: '0.05', URL_IMPORT_ALLOW_HOSTS: `127.0.0.1:${peer.port}`, URL_IMPORT_CA_FILE: tls.certFile, URL_IMPORT_TIMEOUT: '20s' });
  await t.startWorker();
  settings = await downloadSettings(t.config);
  const deps = { config: t.config, sql: t.sql, es: t.es, temporal: t.client, logger: logger.child({ test: 'url-import' }) };
  server = createServer(createApp(deps, [authRoutes(deps), importRoutes(deps), feedRoutes(deps)]).callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const admin = await insertUser(t.sql, { email: 'admin@example.com', role: 'admin', passwordHash: await hashPassword('correct horse battery staple 42'), createdBy: null });
  const a = newApiToken();
  await insertApiToken(t.sql, { name: 'ci', tokenHash: a.hash, prefix: a.prefix, role: 'admin', createdBy: admin.id });
  token = a.token;
});

after(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await t?.close();
  await peer?.close();
  await forbidden?.close();
  if (tls) await removeCertificate(tls);
});

function importUrl(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${base}/admin-dashboard/courses/import/url/`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function incoming(): Promise<string[]> {
  return (await readdir(t.folder('incoming'))).filter((n) => !n.startsWith('.'));
}

/** Files in incoming/ that were not there before: a refused download must leave none (files already there may be taken by the pipeline meanwhile). */
async function newInIncoming(before: string[]): Promise<string[]> {
  return (await incoming()).filter((n) => !before.includes(n));
}

async function refusal(p: Promise<unknown>): Promise<UrlImportRefused> {
  try {
    await p;
  } catch (err) {
    if (err instanceof UrlImportRefused) return err;
    throw err;
  }
  assert.fail('the download was expected to be refused');
}

describe('import from a URL', () => {
  test('REST: a file on an allowed HTTPS server, reached through a redirect, is imported as an upload', async () => {
    const res = await importUrl({ url: `${peer.origin}/hop`, mode: 'create_or_update' });
    const body = (await res.json()) as { importId: string; fileName: string; statusUrl: string; detail?: string };
    assert.equal(res.status, 202, body.detail);
    assert.equal(body.fileName, 'catalogue.csv');
    const done = await eventually(async () => {
      const s = (await (await fetch(`${base}${body.statusUrl}`, { headers: { authorization: `Bearer ${token}` } })).json()) as ImportStatusView;
      return s.finishedAt ? s : undefined;
    }, 'the URL import to finish', 180_000);
    assert.equal(done.status, 'succeeded');
    const titles = (await t.sql<{ title: string }[]>`SELECT title FROM courses WHERE title LIKE ${`Remote % ${RUN}`} ORDER BY title`).map((r) => r.title);
    assert.deepEqual(titles, [`Remote One ${RUN}`, `Remote Two ${RUN}`]);
    const [row] = await t.sql<{ source: string; started_by: string }[]>`SELECT source, started_by FROM imports WHERE id = ${body.importId}`;
    assert.equal(row?.source, 'api');
  });

  test('CLI: `course-import https://…` downloads and imports; a refused URL exits 2 with the reason', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const { stdout } = await run(process.execPath, ['bin/course-import.js', `${peer.origin}/export?v=cli`, '--dry-run', '--json'], { cwd: root, env: t.env, timeout: 120_000 });
    const started = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { importId: string; started: boolean };
    assert.equal(started.started, true);
    const [row] = await eventually(async () => {
      const rows = await t.sql<{ source: string; file_name: string; status: string }[]>`SELECT source, file_name, status FROM imports WHERE id = ${started.importId} AND status = 'awaiting_confirmation'`;
      return rows.length ? rows : undefined;
    }, 'the CLI dry run to wait for a decision', 180_000);
    assert.deepEqual(row, { source: 'cli', file_name: 'night-export.csv', status: 'awaiting_confirmation' });
    const refused = await run(process.execPath, ['bin/course-import.js', `${peer.origin}/login`], { cwd: root, env: t.env, timeout: 120_000 }).then(
      () => assert.fail('expected a refusal'),
      (err: { code: number; stderr: string }) => err,
    );
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /course-import: the server answered with a web page/);
  });

  test('the Import page: a URL in its second form is imported in test mode; a refused one is explained', async () => {
    const s = new HttpSession(() => base);
    await s.signIn('admin@example.com', 'correct horse battery staple 42', '/admin-dashboard/courses/import/');
    const page = await (await s.fetch('/admin-dashboard/courses/import/')).text();
    assert.match(page, /<form class="form" method="post" action="\/admin-dashboard\/courses\/import\/url\/">/);
    const post = (fields: Record<string, string>) => s.fetch('/admin-dashboard/courses/import/url/', { method: 'POST', body: new URLSearchParams({ _csrf: s.csrf, ...fields }) });
    const refused = await post({ url: `${peer.origin}/to-loopback`, mode: 'create_or_update', dry_run: 'true' });
    assert.equal(refused.status, 303);
    assert.equal(refused.headers.get('location'), '/admin-dashboard/courses/import/');
    const shown = await (await s.fetch('/admin-dashboard/courses/import/')).text();
    assert.match(shown, /This URL could not be imported: URL refused \(https:\/\/127\.0\.0\.1:\d+\/…\): 127\.0\.0\.1 resolves to 127\.0\.0\.1, a loopback address/);
    const ok = await post({ url: `${peer.origin}/export?v=form`, mode: 'create_only', dry_run: 'true' });
    assert.equal(ok.status, 303);
    const id = /\/admin-dashboard\/imports\/([0-9a-f-]{36})\/$/.exec(ok.headers.get('location') ?? '')?.[1];
    assert.ok(id, `redirected to the import's page, got ${ok.headers.get('location')}`);
    const [row] = await t.sql<{ source: string; dry_run: boolean; mode: string }[]>`SELECT source, dry_run, mode FROM imports WHERE id = ${id}`;
    assert.deepEqual(row, { source: 'upload', dry_run: true, mode: 'create_only' });
  });

  test('the file is named by Content-Disposition, and the certificate is checked against the trusted CA only', async () => {
    const got = await downloadToIncoming(`${peer.origin}/export`, t.ingestDir, settings);
    assert.equal(got.kind, 'downloaded');
    assert.equal(got.kind === 'downloaded' && got.fileName, 'night-export.csv');
    if (got.kind === 'downloaded') await unlink(got.path);
    // Without URL_IMPORT_CA_FILE the self-signed certificate is not trusted: TLS checks stay on.
    const { ca: _ca, ...untrusted } = settings;
    const err = await refusal(downloadToIncoming(`${peer.origin}/export`, t.ingestDir, untrusted));
    assert.equal(err.status, 502);
    assert.match(err.message, /could not be reached \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)/);
  });

  test('a redirect to a loopback address that is not allowed is refused, and that address is never contacted', async () => {
    const before = await incoming();
    const res = await importUrl({ url: `${peer.origin}/to-loopback` });
    assert.equal(res.status, 422);
    const problem = (await res.json()) as { detail: string };
    assert.match(problem.detail, /URL refused \(https:\/\/127\.0\.0\.1:\d+\/…\): 127\.0\.0\.1 resolves to 127\.0\.0\.1, a loopback address/);
    assert.equal(forbidden.requests.length, 0);
    assert.deepEqual(await newInIncoming(before), []);
  });

  test('a DNS answer that changes between the check and the connection cannot reach the address it changed to', async () => {
    // The first answer is a public address, every later one the loopback server: a resolver controlled by an attacker.
    let asked = 0;
    const rebinding: LookupAll = async () => (asked++ === 0 ? [{ address: '203.0.113.9', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]);
    const rebind = { ...settings, policy: { allowHosts: [], allowInsecureForAllowed: false }, lookup: rebinding, timeoutMs: 1500 };
    const err = await refusal(downloadToIncoming(`https://catalogue.example.test:${forbidden.port}/catalogue.csv`, t.ingestDir, rebind));
    // The name was resolved once and the connection went to the checked address (TEST-NET-3, unreachable): never to loopback.
    assert.equal(asked, 1);
    assert.equal(forbidden.requests.length, 0);
    assert.ok(err.status === 504 || err.status === 502, `${err.status} ${err.message}`);
    // The other order is refused before anything is sent.
    asked = 1;
    const direct = await refusal(downloadToIncoming(`https://catalogue.example.test:${forbidden.port}/catalogue.csv`, t.ingestDir, rebind));
    assert.equal(direct.status, 422);
    assert.match(direct.message, /resolves to 127\.0\.0\.1, a loopback address/);
    assert.equal(forbidden.requests.length, 0);
  });

  test('over the size limit while downloading, a web page, too many redirects and plain http are refused with a reason', async () => {
    const before = await incoming();
    const huge = await refusal(downloadToIncoming(`${peer.origin}/huge`, t.ingestDir, settings));
    assert.equal(huge.status, 413);
    assert.match(huge.message, /larger than the limit/);
    const page = await importUrl({ url: `${peer.origin}/login` });
    assert.equal(page.status, 415);
    assert.match(((await page.json()) as { detail: string }).detail, /web page \(text\/html\)/);
    const loop = await refusal(downloadToIncoming(`${peer.origin}/loop`, t.ingestDir, settings));
    assert.equal(loop.status, 502);
    assert.match(loop.message, /more than 3 redirects/);
    const plain = await importUrl({ url: `http://127.0.0.1:${peer.port}/catalogue.csv` });
    assert.equal(plain.status, 422);
    assert.match(((await plain.json()) as { detail: string }).detail, /only https is accepted/);
    assert.deepEqual(await newInIncoming(before), []);
  });
});
