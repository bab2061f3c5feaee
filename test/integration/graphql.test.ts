// The GraphQL API (issue 13) over HTTP against the whole app and the real stack (PostgreSQL, Temporal with a
// worker, Elasticsearch): an import followed from its upload to its summary through GraphQL alone, every query and
// mutation with an admin token and with a viewer token (writes refused), sessions with CSRF, the limits, and the
// persisted schema compared with what the running server answers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildClientSchema, buildSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema, type IntrospectionQuery } from 'graphql';
import { startAdmin, type TestAdmin } from '../e2e/support/app';
import { createUser } from '../e2e/support/users';
import { HttpSession } from '../support/http-session';
import { insertApiToken } from '../../src/db/api-tokens';
import { newApiToken } from '../../src/api/secrets';
import { toCsv } from '../../src/domain/templates';
import { SCHEMA_FILE } from '../../src/api/graphql/schema';
import { MAX_DEPTH, MAX_PAGE_SIZE } from '../../src/api/graphql/limits';
import { removeCertificate, selfSignedCertificate, startHttpsPeer, type HttpsPeer, type SelfSigned } from '../support/https-peer';

let a: TestAdmin;
let tls: SelfSigned;
/** The remote server of the "import from a URL" branch (the only host the outgoing policy allows here). */
let peer: HttpsPeer;
let adminToken: string;
let viewerToken: string;

interface GqlError {
  message: string;
  extensions?: { code?: string; status?: number };
}
interface GqlReply<T> {
  status: number;
  data: T | null;
  errors: GqlError[];
}

// Run-unique content: workflow ids derive from the content, and a leftover run of an interrupted test must not match.
const RUN = Math.random().toString(36).slice(2, 8);
const course = (title: string, extra: Record<string, unknown> = {}) => ({ title: `${title} ${RUN}`, description: `About ${title} ${RUN}`, difficulty: 'beginner', learning_mode: 'text', price: 0, is_free: true, ...extra });

async function gql<T>(query: string, variables: Record<string, unknown> = {}, token: string | null = adminToken, method: 'POST' | 'GET' = 'POST'): Promise<GqlReply<T>> {
  const headers: Record<string, string> = { Accept: 'application/graphql-response+json, application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let url = `${a.url}/graphql`;
  let body: string | undefined;
  if (method === 'GET') url += `?${new URLSearchParams({ query, variables: JSON.stringify(variables) })}`;
  else {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify({ query, variables });
  }
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  const json = JSON.parse(text) as { data?: T | null; errors?: GqlError[] };
  return { status: res.status, data: json.data ?? null, errors: json.errors ?? [] };
}

/** A GraphQL multipart request (operations, map, file), as apollo-upload-client or curl -F would send it. */
async function gqlUpload<T>(query: string, variables: Record<string, unknown>, fileVar: string, file: { name: string; content: string }, token = adminToken): Promise<GqlReply<T>> {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query, variables: { ...variables, [fileVar.split('.')[0]!]: variables[fileVar.split('.')[0]!] } }));
  form.set('map', JSON.stringify({ 0: [`variables.${fileVar}`] }));
  form.set('0', new Blob([file.content]), file.name);
  const res = await fetch(`${a.url}/graphql`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' }, body: form });
  const json = (await res.json()) as { data?: T | null; errors?: GqlError[] };
  return { status: res.status, data: json.data ?? null, errors: json.errors ?? [] };
}

/**
 * A subscription over server-sent events (graphql-sse's distinct connections mode), as its client does it: each
 * `next` event's payload, until `complete`.
 */
async function* subscribe<T>(query: string, variables: Record<string, unknown>, token = adminToken): AsyncGenerator<{ data?: T; errors?: GqlError[] }> {
  const res = await fetch(`${a.url}/graphql/stream`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'text/event-stream' },
    body: JSON.stringify({ query, variables }),
  });
  assert.equal(res.status, 200, `the stream opens (got ${res.status})`);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: ?(.*)$/m.exec(block)?.[1];
      const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.replace(/^data: ?/, '')).join('\n');
      if (event === 'complete') return;
      if (event === 'next') yield JSON.parse(data) as { data?: T; errors?: GqlError[] };
    }
  }
}

async function incomingFiles(): Promise<string[]> {
  return (await readdir(a.t.folder('incoming'))).filter((f) => !f.startsWith('.'));
}

const START = `mutation Start($file: Upload, $url: String, $dryRun: Boolean) {
  startImport(input: { file: $file, url: $url, dryRun: $dryRun, mode: create_or_update }) { importId workflowId fileName started import { id status dryRun source } }
}`;

const FOLLOW = `subscription Follow($id: ID!) {
  importProgress(id: $id) { importId status step open parsed upserted counts { rows created updated failed } errors { row field message } done
    summary { status counts { created failed } finishedAt durationMs archivedTo } }
}`;

interface ProgressEvent {
  importProgress: {
    importId: string;
    status: string;
    step: string | null;
    open: boolean;
    done: boolean;
    counts: { rows: number; created: number; updated: number; failed: number } | null;
    errors: { row: number; field: string; message: string }[];
    summary: { status: string; counts: { created: number; failed: number } | null; finishedAt: string; durationMs: number | null; archivedTo: string | null } | null;
  };
}

interface Started {
  startImport: { importId: string; workflowId: string; fileName: string; started: boolean; import: { id: string; status: string; dryRun: boolean; source: string } };
}

async function startUpload(name: string, rows: Record<string, unknown>[], dryRun = false, token = adminToken): Promise<GqlReply<Started>> {
  return gqlUpload<Started>(START, { file: null, dryRun }, 'file', { name, content: toCsv(rows) }, token);
}

before(async () => {
  tls = await selfSignedCertificate();
  peer = await startHttpsPeer(tls, (req, res) => {
    if (req.url === '/remote.csv') return res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' }).end(toCsv([course('Remote One'), course('Remote Two')]));
    res.writeHead(404).end();
  });
  a = await startAdmin('graphql', { worker: true, env: { URL_IMPORT_ALLOW_HOSTS: `127.0.0.1:${peer.port}`, URL_IMPORT_CA_FILE: tls.certFile, URL_IMPORT_TIMEOUT: '20s' } });
  const admin = await createUser(a.t.sql, 'admin');
  const at = newApiToken();
  await insertApiToken(a.t.sql, { name: 'gql-admin', tokenHash: at.hash, prefix: at.prefix, role: 'admin', createdBy: admin.id });
  adminToken = at.token;
  const vt = newApiToken();
  await insertApiToken(a.t.sql, { name: 'gql-viewer', tokenHash: vt.hash, prefix: vt.prefix, role: 'viewer', createdBy: admin.id });
  viewerToken = vt.token;
});

after(async () => {
  await a?.close();
  await peer?.close();
  if (tls) await removeCertificate(tls);
});

let finishedImportId = '';
let importedCourseId = '';

describe('an import through GraphQL alone', () => {
  test('upload with startImport, follow importProgress to its summary, then read the import, its rows and the courses', async () => {
    const started = await startUpload('graphql-catalogue.csv', [course('Graph One'), course('Graph Two'), course('Graph Bad', { difficulty: 'expertissime' })]);
    assert.deepEqual(started.errors, []);
    const s = started.data!.startImport;
    assert.equal(s.started, true);
    assert.equal(s.fileName, 'graphql-catalogue.csv');
    assert.equal(s.import.source, 'api');

    const events: ProgressEvent['importProgress'][] = [];
    for await (const e of subscribe<ProgressEvent>(FOLLOW, { id: s.importId })) {
      assert.equal(e.errors, undefined, JSON.stringify(e.errors));
      events.push(e.data!.importProgress);
    }
    const last = events[events.length - 1]!;
    assert.ok(events.length >= 2, `several events (got ${events.map((e) => e.status).join(', ')})`);
    assert.ok(events.slice(0, -1).every((e) => !e.done && e.summary === null), 'only the last event is done');
    assert.equal(last.done, true);
    assert.equal(last.status, 'succeeded_with_errors');
    assert.deepEqual(last.summary?.counts, { created: 2, failed: 1 });
    assert.equal(last.summary?.status, 'succeeded_with_errors');
    assert.match(last.summary?.archivedTo ?? '', /processed/);
    assert.deepEqual(last.errors.map((e) => [e.row, e.field]), [[4, 'difficulty']]);
    finishedImportId = s.importId;

    const detail = await gql<{
      import: {
        status: string;
        canRevert: boolean;
        counts: { created: number };
        previewRows: { total: number; rows: { rowNumber: number; action: string; title: string; course: { title: string } | null }[] };
        errorRows: { total: number; rows: { rowNumber: number }[] };
        rowErrors: { total: number; errors: { row: number; field: string; message: string }[] };
        timeline: { source: string; entries: { step: string; outcome: string }[] };
        progress: { warnings: { message: string }[]; summary: { status: string } };
      };
    }>(
      `query($id: ID!) { import(id: $id) { status canRevert counts { created }
        previewRows(perPage: 10) { total rows { rowNumber action title course { title } } }
        errorRows: previewRows(action: error) { total rows { rowNumber } }
        rowErrors { total errors { row field message } }
        timeline { source entries { step outcome } }
        progress { warnings { message } summary { status } } } }`,
      { id: s.importId },
    );
    assert.deepEqual(detail.errors, []);
    const imp = detail.data!.import;
    assert.equal(imp.status, 'succeeded_with_errors');
    assert.equal(imp.canRevert, true);
    assert.equal(imp.previewRows.total, 3);
    assert.deepEqual(imp.previewRows.rows.map((r) => r.action), ['create', 'create', 'error']);
    // A row the import created leads to its course; the refused row to none.
    assert.deepEqual(imp.previewRows.rows.map((r) => r.course?.title ?? null), [imp.previewRows.rows[0]!.title, imp.previewRows.rows[1]!.title, null]);
    assert.deepEqual(imp.errorRows.rows.map((r) => r.rowNumber), [4]);
    assert.equal(imp.rowErrors.total, 1);
    assert.equal(imp.rowErrors.errors[0]!.field, 'difficulty');
    assert.equal(imp.timeline.source, 'temporal');
    assert.ok(imp.timeline.entries.some((e) => e.step === 'upsert' && e.outcome === 'completed'), JSON.stringify(imp.timeline.entries));

    // The courses it created are searchable (Elasticsearch), with facets, and a course shows its import history.
    const search = await gql<{ courses: { total: number; backend: string; hits: { id: string; title: string }[]; facets: { difficulty: { value: string; count: number }[] } } }>(
      `query($q: String) { courses(filter: { q: $q, difficulty: [beginner] }, perPage: 10) { total backend hits { id title } facets { difficulty { value count } } } }`,
      { q: `Graph ${RUN}` },
    );
    assert.deepEqual(search.errors, []);
    assert.equal(search.data!.courses.backend, 'elasticsearch');
    assert.deepEqual(search.data!.courses.hits.map((h) => h.title).sort(), [`Graph One ${RUN}`, `Graph Two ${RUN}`]);
    assert.ok(search.data!.courses.facets.difficulty.some((b) => b.value === 'beginner' && b.count === 2));
    importedCourseId = search.data!.courses.hits[0]!.id;
    const one = await gql<{ course: { title: string; lessons: unknown[]; imports: { importId: string; action: string }[] } }>(`query($id: ID!) { course(id: $id) { title lessons { order title } imports { importId action } } }`, { id: importedCourseId });
    assert.deepEqual(one.errors, []);
    assert.deepEqual(one.data!.course.imports, [{ importId: s.importId, action: 'create' }]);

    // The history lists it with the history page's filters.
    const history = await gql<{ imports: { total: number; imports: { id: string; fileName: string }[] } }>(`{ imports(filter: { fileName: "graphql-catalogue", source: api, status: succeeded_with_errors }) { total imports { id fileName } } }`);
    assert.deepEqual(history.errors, []);
    assert.deepEqual(history.data!.imports.imports.map((i) => i.id), [s.importId]);
    const audit = await a.t.sql`SELECT action, actor FROM audit_log WHERE target = ${s.importId}`;
    assert.deepEqual(audit.map((r) => [r.action, r.actor]), [['import.start', 'token:gql-admin']]);
  });

  test('a dry run waits at its preview in the stream; confirmImport applies it and the stream ends with the summary', async () => {
    const started = await startUpload('graphql-dry.csv', [course('Dry One'), course('Dry Two')], true);
    assert.deepEqual(started.errors, []);
    const id = started.data!.startImport.importId;
    const statuses: string[] = [];
    let confirmed = false;
    let last: ProgressEvent['importProgress'] | undefined;
    for await (const e of subscribe<ProgressEvent>(FOLLOW, { id })) {
      last = e.data!.importProgress;
      statuses.push(last.status);
      if (last.status === 'awaiting_confirmation' && !confirmed) {
        assert.equal(last.counts?.created, 2, 'the preview counts');
        assert.equal(await a.t.sql`SELECT 1 FROM courses WHERE title = ${`Dry One ${RUN}`}`.then((r) => r.length), 0, 'nothing written before confirmation');
        const ok = await gql<{ confirmImport: { action: string; message: string; importId: string } }>(`mutation($id: ID!) { confirmImport(id: $id) { importId action message } }`, { id });
        assert.deepEqual(ok.errors, []);
        assert.equal(ok.data!.confirmImport.action, 'confirm');
        confirmed = true;
      }
    }
    assert.ok(confirmed, `the stream showed the preview (statuses: ${statuses.join(', ')})`);
    assert.equal(last?.done, true);
    assert.equal(last?.summary?.status, 'succeeded');
    assert.equal(last?.summary?.counts?.created, 2);
    // Confirming again is refused by the import's state, as in REST (409).
    const again = await gql(`mutation($id: ID!) { confirmImport(id: $id) { importId } }`, { id });
    assert.equal(again.errors[0]?.extensions?.code, 'CONFLICT');
    assert.equal(again.errors[0]?.extensions?.status, 409);
  });

  test('startImport from an https URL downloads the file and the stream follows it to its summary', async () => {
    const started = await gql<Started>(START, { url: `${peer.origin}/remote.csv` });
    assert.deepEqual(started.errors, []);
    assert.equal(started.data!.startImport.fileName, 'remote.csv');
    let last: ProgressEvent['importProgress'] | undefined;
    for await (const e of subscribe<ProgressEvent>(FOLLOW, { id: started.data!.startImport.importId })) last = e.data!.importProgress;
    assert.equal(last?.summary?.status, 'succeeded');
    assert.equal(last?.summary?.counts?.created, 2);
  });

  test('the example script imports a file and follows it to its summary through GraphQL alone', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gql-script-'));
    try {
      const file = path.join(dir, 'script-catalogue.csv');
      await writeFile(file, toCsv([course('Script One'), course('Script Two'), course('Script Three')]));
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/graphql-import.ts', '--server', a.url, file], {
        env: { ...process.env, COURSE_IMPORT_TOKEN: adminToken },
        timeout: 120_000,
      });
      const summary = JSON.parse(stdout) as { importId: string; status: string; counts: { created: number } };
      assert.equal(summary.status, 'succeeded');
      assert.equal(summary.counts.created, 3);
      assert.match(stderr, /^import [0-9a-f-]{36} \(script-catalogue\.csv\)$/m);
      assert.match(stderr, /^succeeded \(done\): 3 parsed, 3 written, 3 indexed$/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a subscription to an unknown import is refused with NOT_FOUND', async () => {
    const events = [];
    for await (const e of subscribe<ProgressEvent>(FOLLOW, { id: '00000000-0000-4000-8000-000000000000' })) events.push(e);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  });
});

describe('every query with an admin and a viewer token', () => {
  const QUERIES: [string, string, Record<string, unknown>][] = [
    ['me', '{ me { email role via } }', {}],
    ['courses', '{ courses(sort: title, perPage: 5) { total page perPage tookMs backend notice hits { id title highlight } facets { category { value count } learningMode { value count } isFree { value count } isActive { value count } } } }', {}],
    ['course', 'query($id: ID!) { course(id: $id) { id naturalKey title price tags createdAt lessons { title } imports { importId fileName status } } }', {}],
    ['imports', '{ imports(perPage: 3) { total page perPage imports { id workflowId fileName source mode status step startedBy createdAt finishedAt revertedAt counts { rows } } } }', {}],
    ['import', 'query($id: ID!) { import(id: $id) { id progress { status done parsed normalized upserted indexed warnings { message } } timeline { source } } }', {}],
    ['pipelineStatus', '{ pipelineStatus { status checkedAt watcherHealthy workers { taskQueue healthy } folders { name count newest } running { workflowId status } } }', {}],
    ['bulkAction', '{ bulkAction(id: "00000000-0000-4000-8000-000000000000") { bulkId } }', {}],
    ['reindexStatus', '{ reindexStatus { reindexId step copied running } }', {}],
  ];

  for (const role of ['admin', 'viewer'] as const) {
    test(`a ${role} token runs every query`, async () => {
      const token = role === 'admin' ? adminToken : viewerToken;
      for (const [name, query, vars] of QUERIES) {
        const variables = name === 'course' ? { id: importedCourseId } : name === 'import' ? { id: finishedImportId } : vars;
        const r = await gql<Record<string, unknown>>(query, variables, token);
        assert.equal(r.status, 200, `${name}: ${JSON.stringify(r.errors)}`);
        assert.deepEqual(r.errors, [], name);
        assert.ok(r.data && name in r.data, name);
      }
      const me = await gql<{ me: { role: string; via: string; email: string } }>('{ me { email role via } }', {}, token);
      assert.deepEqual(me.data!.me, { email: `token:gql-${role}`, role, via: 'token' });
      // A query may also come as a GET (GraphQL over HTTP).
      const viaGet = await gql<{ me: { role: string } }>('{ me { role } }', {}, token, 'GET');
      assert.equal(viaGet.data?.me.role, role);
    });
  }

  test('unknown ids answer null, not an error', async () => {
    const r = await gql<{ course: null; import: null }>('{ course(id: "999999999") { id } import(id: "not-a-uuid") { id } }');
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.data, { course: null, import: null });
  });
});

describe('mutations', () => {
  const MUTATIONS: [string, string, () => Record<string, unknown>][] = [
    ['confirmImport', 'mutation($id: ID!) { confirmImport(id: $id) { importId } }', () => ({ id: finishedImportId })],
    ['discardImport', 'mutation($id: ID!) { discardImport(id: $id) { importId } }', () => ({ id: finishedImportId })],
    ['cancelImport', 'mutation($id: ID!) { cancelImport(id: $id) { importId } }', () => ({ id: finishedImportId })],
    ['revertImport', 'mutation($id: ID!) { revertImport(id: $id) { importId } }', () => ({ id: finishedImportId })],
    ['bulkCourses', 'mutation($ids: [ID!]) { bulkCourses(action: deactivate, ids: $ids) { bulkId } }', () => ({ ids: [importedCourseId] })],
    ['reindex', 'mutation { reindex { reindexId } }', () => ({})],
    ['startImport', START, () => ({ url: 'https://example.com/courses.csv' })],
  ];

  test('a viewer token is refused every mutation (FORBIDDEN) and nothing changes', async () => {
    const auditBefore = (await a.t.sql`SELECT count(*)::int AS n FROM audit_log`)[0]!.n as number;
    for (const [name, query, vars] of MUTATIONS) {
      const r = await gql(query, vars(), viewerToken);
      assert.equal(r.errors[0]?.extensions?.code, 'FORBIDDEN', `${name}: ${JSON.stringify(r.errors)}`);
      assert.equal(r.errors[0]?.message, 'Your account can read but not change anything. Ask an administrator.');
    }
    // An upload by a viewer is refused too, and its file does not stay in incoming/.
    const up = await startUpload('viewer.csv', [course('Viewer Upload')], false, viewerToken);
    assert.equal(up.errors[0]?.extensions?.code, 'FORBIDDEN');
    assert.deepEqual(await incomingFiles(), []);
    assert.equal((await a.t.sql`SELECT count(*)::int AS n FROM audit_log`)[0]!.n, auditBefore, 'nothing was audited: nothing happened');
    const still = await a.t.sql`SELECT is_active FROM courses WHERE id = ${importedCourseId}`;
    assert.equal(still[0]!.is_active, true);
  });

  test('an admin token: refusals by state are GraphQL errors with the REST status', async () => {
    for (const name of ['confirmImport', 'discardImport', 'cancelImport'] as const) {
      const [, query, vars] = MUTATIONS.find((m) => m[0] === name)!;
      const r = await gql(query, vars());
      assert.equal(r.errors[0]?.extensions?.code, 'CONFLICT', `${name} on a finished import: ${JSON.stringify(r.errors)}`);
    }
    const unknown = await gql('mutation { cancelImport(id: "00000000-0000-4000-8000-000000000000") { importId } }');
    assert.equal(unknown.errors[0]?.extensions?.code, 'NOT_FOUND');
    // A URL the outgoing-address policy refuses (loopback, not allowed): the downloader's reason, nothing started.
    const refusedUrl = await gql<unknown>(START, { url: 'https://127.0.0.1:1/courses.csv' });
    assert.equal(refusedUrl.errors[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(refusedUrl.errors));
    assert.equal((refusedUrl.errors[0]?.extensions as { reason?: string } | undefined)?.reason, 'policy');
    const both = await gql(START, {});
    assert.equal(both.errors[0]?.extensions?.code, 'BAD_USER_INPUT');
    // A file whose content contradicts its name is refused and not kept.
    const bad = await gqlUpload(START, { file: null }, 'file', { name: 'not.xlsx', content: 'title\nplain text' });
    assert.equal(bad.errors[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(bad.errors));
    assert.deepEqual(await incomingFiles(), []);
    // A malformed multipart request (operations not JSON) is a 400, and its file does not stay either.
    const form = new FormData();
    form.set('operations', '{ not json');
    form.set('map', JSON.stringify({ 0: ['variables.file'] }));
    form.set('0', new Blob(['title\nx\n']), 'x.csv');
    const malformed = await fetch(`${a.url}/graphql`, { method: 'POST', headers: { Authorization: `Bearer ${adminToken}` }, body: form });
    assert.equal(malformed.status, 400);
    assert.match(await malformed.text(), /operations and map must be JSON/);
    assert.deepEqual(await incomingFiles(), []);
    const deleteUnconfirmed = await gql('mutation($ids: [ID!]) { bulkCourses(action: delete, ids: $ids) { bulkId } }', { ids: [importedCourseId] });
    assert.match(deleteUnconfirmed.errors[0]?.message ?? '', /confirm: true/);
  });

  test('an admin token: bulk action, reindex, revert', async () => {
    const bulk = await gql<{ bulkCourses: { bulkId: string; status: string; processed: number; done: boolean } }>('mutation($ids: [ID!]) { bulkCourses(action: deactivate, ids: $ids) { bulkId status processed done } }', { ids: [importedCourseId] });
    assert.deepEqual(bulk.errors, []);
    assert.deepEqual([bulk.data!.bulkCourses.status, bulk.data!.bulkCourses.processed, bulk.data!.bulkCourses.done], ['succeeded', 1, true]);
    assert.equal((await a.t.sql`SELECT is_active FROM courses WHERE id = ${importedCourseId}`)[0]!.is_active, false);
    const progress = await gql<{ bulkAction: { status: string } }>('query($id: ID!) { bulkAction(id: $id) { status } }', { id: bulk.data!.bulkCourses.bulkId });
    assert.equal(progress.data?.bulkAction.status, 'succeeded');

    const reindex = await gql<{ reindex: { reindexId: string; started: boolean } }>('mutation { reindex { reindexId workflowId started } }');
    assert.deepEqual(reindex.errors, []);
    assert.equal(reindex.data!.reindex.started, true);

    const revert = await gql<{ revertImport: { action: string; message: string } }>('mutation($id: ID!) { revertImport(id: $id, force: true) { action message } }', { id: finishedImportId });
    assert.deepEqual(revert.errors, []);
    assert.equal(revert.data!.revertImport.action, 'revert');
    const reverted = await a.t.sql`SELECT 1 FROM audit_log WHERE action = 'import.revert' AND target = ${finishedImportId}`;
    assert.equal(reverted.length, 1);
  });

  test('a mutation over GET is refused (no CSRF protection there)', async () => {
    const r = await gql('mutation { reindex { reindexId } }', {}, adminToken, 'GET');
    assert.equal(r.status, 405);
  });
});

describe('sessions and anonymous requests', () => {
  test('a session needs the CSRF token to POST; anonymous requests get 401', async () => {
    const admin = await createUser(a.t.sql, 'admin');
    const s = new HttpSession(a.url);
    assert.equal((await s.login(admin.email, admin.password)).status, 303);
    const body = JSON.stringify({ query: '{ me { email via } }' });
    const json = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const noToken = await s.request('POST', '/graphql', { body, headers: json });
    assert.equal(noToken.status, 403);
    const ok = await s.request('POST', '/graphql', { body, headers: { ...json, 'X-CSRF-Token': await s.csrfToken() } });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.json<{ data: unknown }>().data, { me: { email: admin.email, via: 'session' } });
    const anonymous = await fetch(`${a.url}/graphql`, { method: 'POST', headers: json, body });
    assert.equal(anonymous.status, 401);
    const badToken = await fetch(`${a.url}/graphql`, { method: 'POST', headers: { ...json, Authorization: 'Bearer cit_not-a-real-token-at-all' }, body });
    assert.equal(badToken.status, 401);
  });

  test('the OpenAPI document lists the GraphQL endpoints', async () => {
    const doc = (await (await fetch(`${a.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, { summary: string }>> };
    assert.ok(doc.paths['/graphql']?.post?.summary.includes('GraphQL'));
    assert.match(doc.paths['/graphql']?.get?.summary ?? '', /GraphiQL/);
    assert.match(doc.paths['/graphql/stream']?.post?.summary ?? '', /server-sent events/);
  });

  test('the GraphiQL page and its assets are served by the app under its CSP, for signed-in users only', async () => {
    const admin = await createUser(a.t.sql, 'admin');
    const s = new HttpSession(a.url);
    await s.login(admin.email, admin.password);
    // A browser's GET /graphql (HTML first in Accept, no query) is sent to the page; a GraphQL GET is answered.
    const browser = await s.request('GET', '/graphql', { headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    assert.equal(browser.status, 302);
    assert.equal(browser.headers.get('location'), '/admin-dashboard/graphql/');
    const graphqlGet = await s.request('GET', `/graphql?query=${encodeURIComponent('{ me { role } }')}`, { headers: { Accept: 'application/graphql-response+json' } });
    assert.equal(graphqlGet.status, 200, graphqlGet.text);
    const page = await s.get('/admin-dashboard/graphql/');
    assert.equal(page.status, 200);
    const scripts = [...page.text.matchAll(/<script src="([^"]+)" defer><\/script>/g)].map((m) => m[1]!);
    assert.deepEqual(
      scripts.map((src) => src.replace(/\?v=[0-9a-f]+$/, '')),
      ['/static/app.js', '/graphql/assets/react.production.min.js', '/graphql/assets/react-dom.production.min.js', '/graphql/assets/graphql-sse.min.js', '/graphql/assets/graphiql.min.js', '/static/graphiql.js'],
    );
    assert.doesNotMatch(page.text, /<script>|<script(?![^>]*\ssrc=)[^>]*>/, 'no inline script');
    // The CSP: scripts from the app only; this response's nonce for styles; data: fonts (embedded in graphiql.min.css).
    const csp = page.headers.get('content-security-policy') ?? '';
    const nonce = page.text.match(/data-nonce="([^"]+)"/)![1]!;
    assert.match(csp, /(^|; )script-src 'self'(;|$)/);
    assert.ok(csp.includes(`style-src 'self' 'nonce-${nonce}'`), csp);
    assert.match(csp, /font-src 'self' data:(;|$)/);
    assert.notEqual((await s.get('/admin-dashboard/graphql/')).text.match(/data-nonce="([^"]+)"/)![1], nonce, 'a new nonce for each response');
    // The bundle is the graphiql package's, cacheable under its hashed URL; other names are not served.
    const bundle = await s.get(scripts[4]!);
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers.get('content-type') ?? '', /text\/javascript/);
    assert.match(bundle.headers.get('cache-control') ?? '', /immutable/);
    assert.match(bundle.text, /\.GraphiQL=/);
    assert.equal((await s.get('/graphql/assets/package.json')).status, 404);
    assert.equal((await s.get('/graphql/assets/..%2Fpackage.json')).status, 404);
    // A viewer opens it too (their mutations are refused by the API); nobody signed in gets nothing.
    const viewer = await createUser(a.t.sql, 'viewer');
    const v = new HttpSession(a.url);
    await v.login(viewer.email, viewer.password);
    assert.equal((await v.get('/admin-dashboard/graphql/')).status, 200);
    const anonymous = await fetch(`${a.url}${scripts[4]!}`, { redirect: 'manual' });
    assert.notEqual(anonymous.status, 200);
  });
});

describe('limits', () => {
  test('an operation nested deeper than the limit is refused before any resolver runs, fragments included', async () => {
    // import → previewRows → rows → course → imports → import → id: 7 levels, allowed.
    const ok = await gql(`query($id: ID!) { import(id: $id) { previewRows(perPage: 5) { rows { course { imports { import { id } } } } } } }`, { id: finishedImportId });
    assert.deepEqual(ok.errors, []);
    // Two levels more, hidden in a fragment: refused with the depth in the message.
    const deep = await gql(
      `query($id: ID!) { import(id: $id) { previewRows(perPage: 5) { rows { course { imports { import { ...More } } } } } } }
       fragment More on Import { previewRows(perPage: 5) { rows { rowNumber } } }`,
      { id: finishedImportId },
    );
    assert.equal(deep.status, 400);
    assert.equal(deep.errors[0]?.extensions?.code, 'QUERY_TOO_COMPLEX');
    assert.equal(deep.errors[0]?.message, `Operation anonymous is nested 9 levels deep; at most ${MAX_DEPTH} are allowed.`);
  });

  test('cost, page size and document size limits answer clear errors', async () => {
    // Cost: 100 imports × 100 preview rows each.
    const costly = await gql('{ imports(perPage: 100) { imports { previewRows(perPage: 100) { rows { rowNumber title action } } } } }');
    assert.equal(costly.status, 400);
    assert.equal(costly.errors[0]?.extensions?.code, 'QUERY_TOO_COMPLEX');
    assert.match(costly.errors[0]!.message, /too expensive \(estimated cost \d+; at most 5000 is allowed\)/);
    // Aliases cannot multiply work past it either.
    const aliases = Array.from({ length: 60 }, (_, i) => `a${i}: courses(perPage: 100) { hits { id title } }`).join(' ');
    assert.equal((await gql(`{ ${aliases} }`)).errors[0]?.extensions?.code, 'QUERY_TOO_COMPLEX');
    // The same limits on the event-stream endpoint (which runs queries too): the refusal is the stream's only event.
    const streamed = [];
    for await (const e of subscribe(`{ ${aliases} }`, {})) streamed.push(e);
    assert.equal(streamed.length, 1);
    assert.equal(streamed[0]!.errors?.[0]?.extensions?.code, 'QUERY_TOO_COMPLEX');
    // Page size cap.
    const big = await gql(`{ imports(perPage: ${MAX_PAGE_SIZE + 1}) { total } }`);
    assert.equal(big.errors[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(big.errors[0]!.message, /perPage must be between 1 and 100/);
    const bigCourses = await gql(`{ courses(perPage: 500) { total } }`);
    assert.equal(bigCourses.errors[0]?.extensions?.code, 'BAD_USER_INPUT');
    // A huge document is refused while parsing.
    const huge = await gql(`{ ${Array.from({ length: 6000 }, () => 'me { email }').join(' ')} }`);
    assert.equal(huge.status, 400);
    assert.match(huge.errors[0]!.message, /Document contains more tha[nt] 5000 tokens/);
  });
});

describe('persisted schema', () => {
  test('schema.graphql is exactly what the running server answers to introspection', async () => {
    const r = await gql<IntrospectionQuery>(getIntrospectionQuery({ descriptions: true, schemaDescription: true, inputValueDeprecation: true }), {}, viewerToken);
    assert.deepEqual(r.errors, []);
    const served = printSchema(lexicographicSortSchema(buildClientSchema(r.data!)));
    const persisted = printSchema(lexicographicSortSchema(buildSchema(await readFile(SCHEMA_FILE, 'utf8'))));
    assert.equal(served, persisted);
    const sdl = await fetch(`${a.url}/graphql/schema.graphql`, { headers: { Authorization: `Bearer ${viewerToken}` } });
    assert.equal(sdl.status, 200);
    assert.equal(printSchema(lexicographicSortSchema(buildSchema(await sdl.text()))), persisted);
  });
});
