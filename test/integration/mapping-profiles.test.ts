// Column mapping profiles (issue 12) on the real stack: a marketplace export (test/fixtures/marketplace-courses.csv,
// columns course_title, is_paid, level, content_duration…) imported with a profile through REST, the CLI
// (--mapping) and a drop subfolder named after the profile; profiles exported and imported as JSON; an unknown
// profile refused everywhere with its name.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startAdmin, type TestAdmin } from '../e2e/support/app';
import { eventually } from '../support/wait';
import { DropWatcher } from '../../src/watcher/drop-watcher';
import { logger } from '../../src/logger';
import { insertUser } from '../../src/db/users';
import { insertApiToken } from '../../src/db/api-tokens';
import { newApiToken } from '../../src/api/secrets';
import { hashPassword } from '../../src/api/passwords';
import type { ImportRecord } from '../../src/db/imports';
import type { ImportStatusView } from '../../src/imports/status';
import type { MappingRules } from '../../src/domain/mapping';

const run = promisify(execFile);
const root = path.join(import.meta.dirname, '..', '..');
let a: TestAdmin;
let adminToken: string;
let viewerToken: string;
let work: string;
let watcher: DropWatcher | null = null;

const rules: MappingRules = {
  columns: {
    course_title: { target: 'title' },
    is_paid: { target: 'is_free', valueMap: { True: 'false', False: 'true' } },
    price: { target: 'price' },
    num_lectures: { target: null },
    level: { target: 'difficulty', valueMap: { 'Beginner Level': 'beginner', 'Intermediate Level': 'intermediate', 'Expert Level': 'advanced' } },
    content_duration: { target: 'duration', duration: 'hours' },
    subject: { target: 'category' },
    published_timestamp: { target: null },
    url: { target: 'external_id' },
  },
  constants: { instructor: 'Marketplace Team' },
  otherColumns: 'keep',
};
const exported = { format: 'course-import/mapping-profile', formatVersion: 1, name: 'marketplace', rules };

// The fixture's rows, in slices: each import here has its own content (workflow ids come from the content).
let header = '';
let lines: string[] = [];
// Run-unique: a leftover run of an interrupted test must not share a workflow id with this one.
const RUN = Math.random().toString(36).slice(2, 8);
const slice = (from: number, to: number) => [header, ...lines.slice(from, to).map((l) => l.replace('https://www.example-market.test/', `https://www.example-market.test/${RUN}/`))].join('\n') + '\n';

const bearer = (token: string, init: RequestInit = {}): RequestInit => ({ ...init, headers: { ...(init.headers as Record<string, string> | undefined), Authorization: `Bearer ${token}` } });

async function apiUpload(name: string, content: string, fields: Record<string, string>, token = adminToken): Promise<Response> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new Blob([content]), name);
  return fetch(`${a.url}/admin-dashboard/courses/import/`, bearer(token, { method: 'POST', body: form }));
}

async function finished(id: string): Promise<ImportStatusView> {
  return eventually(async () => {
    const res = await fetch(`${a.url}/api/imports/${id}`, bearer(adminToken));
    const s = (await res.json()) as ImportStatusView;
    return s.finishedAt ? s : undefined;
  }, `import ${id} to finish`);
}

async function importRow(id: string): Promise<ImportRecord & { mapping_rules: MappingRules | null }> {
  const [row] = await a.t.sql<(ImportRecord & { mapping_rules: MappingRules | null })[]>`SELECT * FROM imports WHERE id = ${id}`;
  assert.ok(row, `import ${id}`);
  return row;
}

before(async () => {
  a = await startAdmin('mapprof', { worker: true });
  const hash = await hashPassword('a long enough password');
  const admin = await insertUser(a.t.sql, { email: 'admin@example.com', role: 'admin', passwordHash: hash, createdBy: null });
  const at = newApiToken();
  await insertApiToken(a.t.sql, { name: 'ci', tokenHash: at.hash, prefix: at.prefix, role: 'admin', createdBy: admin.id });
  adminToken = at.token;
  const vt = newApiToken();
  await insertApiToken(a.t.sql, { name: 'reader', tokenHash: vt.hash, prefix: vt.prefix, role: 'viewer', createdBy: admin.id });
  viewerToken = vt.token;
  const text = await readFile(path.join(root, 'test', 'fixtures', 'marketplace-courses.csv'), 'utf8');
  [header = '', ...lines] = text.trim().split('\n');
  work = await mkdtemp(path.join(tmpdir(), 'mapping-cli-'));
});

after(async () => {
  await watcher?.close();
  await a?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('mapping profiles', () => {
  test('a profile is imported as JSON (REST), exported back the same, and refused when it is not a profile', async () => {
    const post = (body: unknown, token = adminToken) =>
      fetch(`${a.url}/admin-dashboard/mapping-profiles/import/`, bearer(token, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }));
    const first = await post(exported);
    assert.equal(first.status, 201);
    assert.deepEqual(await first.json(), { name: 'marketplace', version: 1, created: true, changes: ['created'] });
    const again = await post(exported);
    assert.equal(again.status, 200, 'the same rules add no version');
    assert.equal(((await again.json()) as { version: number }).version, 1);
    assert.equal((await post(exported, viewerToken)).status, 403);
    const bad = await post({ ...exported, rules: { columns: { course_title: { target: 'colour' } } } });
    assert.equal(bad.status, 422);
    assert.match(((await bad.json()) as { detail: string }).detail, /rules\.columns\.course_title\.target/);

    const res = await fetch(`${a.url}/admin-dashboard/mapping-profiles/marketplace/export.json`, bearer(viewerToken));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', /mapping-marketplace-v1\.json/);
    const doc = (await res.json()) as typeof exported & { version: number };
    assert.equal(doc.version, 1);
    assert.deepEqual(doc.rules, rules);
    const list = (await (await fetch(`${a.url}/admin-dashboard/mapping-profiles/`, bearer(viewerToken))).json()) as { profiles: { name: string; version: number }[] };
    assert.deepEqual(list.profiles.map((p) => [p.name, p.version]), [['marketplace', 1]]);
  });

  test('REST: an upload with mapping_profile imports the foreign columns, and records the profile with the import', async () => {
    const res = await apiUpload('market-rest.csv', slice(0, 20), { mapping_profile: 'marketplace' });
    assert.equal(res.status, 202, await res.clone().text());
    const { importId } = (await res.json()) as { importId: string };
    const s = await finished(importId);
    assert.equal(s.status, 'succeeded', JSON.stringify(s.errors));
    assert.equal(s.counts?.created, 20);
    assert.deepEqual(s.mappingProfile, { name: 'marketplace', version: 1 });
    // No "unknown column" warning: the profile named every column.
    assert.deepEqual(s.warnings.filter((w) => w.code === 'unknown_column'), []);
    const [c] = await a.t.sql<{ title: string; instructor: string; difficulty: string; duration_hours: number; is_free: boolean; category: string }[]>`
      SELECT title, instructor, difficulty, duration_hours, is_free, category FROM courses WHERE title = 'Investment Banking: A Complete Course'`;
    assert.deepEqual({ ...c }, { title: 'Investment Banking: A Complete Course', instructor: 'Marketplace Team', difficulty: 'beginner', duration_hours: 0.75, is_free: false, category: 'Business Finance' });

    // A later version does not change what that import recorded: name, version and the rules as they were.
    const v2 = { ...exported, rules: { ...rules, constants: { instructor: 'Someone Else' } } };
    const saved = await fetch(`${a.url}/admin-dashboard/mapping-profiles/import/`, bearer(adminToken, { method: 'POST', body: JSON.stringify(v2), headers: { 'Content-Type': 'application/json' } }));
    assert.deepEqual(((await saved.json()) as { version: number; changes: string[] }).changes, ["constant instructor: 'Marketplace Team' ⇒ 'Someone Else'"]);
    const row = await importRow(importId);
    assert.equal(row.mapping_profile_version, 1);
    assert.deepEqual(row.mapping_rules, rules);
    const back = await fetch(`${a.url}/admin-dashboard/mapping-profiles/import/`, bearer(adminToken, { method: 'POST', body: JSON.stringify(exported), headers: { 'Content-Type': 'application/json' } }));
    assert.equal(((await back.json()) as { version: number }).version, 3, 'going back to the first rules is a new version');
  });

  test('REST: an unknown profile is a 422 naming it, and the uploaded file is not kept', async () => {
    const res = await apiUpload('market-unknown.csv', slice(20, 22), { mapping_profile: 'no-such-profile' });
    assert.equal(res.status, 422);
    assert.match(((await res.json()) as { detail: string }).detail, /no mapping profile is named 'no-such-profile'/);
    assert.deepEqual((await readdir(a.t.folder('incoming'))).filter((n) => !n.startsWith('.')), []);
  });

  test('CLI: --mapping NAME imports with the profile; an unknown name exits 2 with the reason', async () => {
    const file = path.join(work, 'market-cli.csv');
    await writeFile(file, slice(20, 35));
    const cli = async (args: string[]) => {
      try {
        const { stdout, stderr } = await run(process.execPath, ['bin/course-import.js', ...args], { cwd: root, env: a.t.env, timeout: 120_000 });
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    };
    const ok = await cli([file, '--mapping', 'marketplace', '--wait', '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    const summary = JSON.parse(ok.stdout.trim().split('\n').pop()!) as { importId: string; status: string; counts: { created: number } };
    assert.equal(summary.status, 'succeeded');
    assert.equal(summary.counts.created, 15);
    const row = await importRow(summary.importId);
    assert.equal(row.mapping_profile_name, 'marketplace');
    assert.equal(row.mapping_profile_version, 3);

    const bad = await cli([file, '--mapping', 'nope', '--wait', '--json']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no mapping profile is named 'nope'/);
    assert.deepEqual((await readdir(a.t.folder('incoming'))).filter((n) => !n.startsWith('.')), [], 'nothing copied for a refused start');
  });

  test('drop folder: drop/<profile>/ imports with that profile; a subfolder naming no profile goes to error/ with the reason', async () => {
    watcher = new DropWatcher({ client: a.t.client, sql: a.t.sql, config: a.t.config, logger: logger.child({ test: 'mapping-drop' }) });
    await watcher.start();
    const drop = async (folder: string, name: string, content: string) => {
      const dir = path.join(a.t.folder('drop'), folder);
      await mkdir(dir, { recursive: true });
      // Written under a dot-name then renamed, as a careful producer would.
      await writeFile(path.join(dir, `.${name}.tmp`), content);
      await rename(path.join(dir, `.${name}.tmp`), path.join(dir, name));
    };
    await drop('marketplace', 'market-drop.csv', slice(35, 49));
    const done = await eventually(async () => {
      const [r] = await a.t.sql<ImportRecord[]>`SELECT * FROM imports WHERE file_name = 'market-drop.csv' AND finished_at IS NOT NULL`;
      return r;
    }, 'the dropped file to be imported');
    assert.equal(done.status, 'succeeded', String(done.error_message));
    assert.equal(done.counts?.created, 14);
    assert.equal(done.source, 'drop');
    assert.equal(done.mapping_profile_name, 'marketplace');
    assert.ok((await readdir(a.t.folder('processed'))).some((n) => n.endsWith('__market-drop.csv')));

    await drop('unknown-profile', 'market-lost.csv', slice(0, 3));
    const refused = await eventually(async () => {
      const [r] = await a.t.sql<ImportRecord[]>`SELECT * FROM imports WHERE file_name = 'market-lost.csv' AND finished_at IS NOT NULL`;
      return r;
    }, 'the file of an unknown profile to be refused');
    assert.equal(refused.status, 'failed');
    assert.equal(refused.error_code, 'unknown_mapping_profile');
    assert.match(String(refused.error_message), /the folder drop\/unknown-profile\/ names no mapping profile/);
    const errors = await readdir(a.t.folder('error'));
    const report = errors.find((n) => n.endsWith('__market-lost.csv.report.json'));
    assert.ok(report, `a report beside the file in error/: ${errors.join(', ')}`);
    assert.match(await readFile(path.join(a.t.folder('error'), report), 'utf8'), /unknown_mapping_profile/);
    assert.deepEqual(await readdir(path.join(a.t.folder('drop'), 'unknown-profile')), [], 'nothing left behind, nothing lost');
  });
});
