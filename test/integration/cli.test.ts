// `npx course-import` as a user runs it: a real process, its exit code and its --json line.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { count, createTestEnv, type TestEnv } from '../support/env';
import { WorkflowFailedError } from '@temporalio/client';

const run = promisify(execFile);
const root = path.join(import.meta.dirname, '..', '..');
let t: TestEnv;
let work: string;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string; json: Record<string, unknown> | null }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/course-import.js', ...args], { cwd: root, env: t.env, timeout: 120_000 });
    return { code: 0, stdout, stderr, json: lastJson(stdout) };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, json: lastJson(e.stdout) };
  }
}

/** Writes the file into the work folder and imports it: `course-import <file> --wait --json`. */
async function importFile(name: string, content: string): Promise<Awaited<ReturnType<typeof cli>>> {
  const file = path.join(work, name);
  await writeFile(file, content);
  return cli([file, '--wait', '--json']);
}

function lastJson(stdout: string): Record<string, unknown> | null {
  const last = stdout.trim().split('\n').pop();
  return last ? (JSON.parse(last) as Record<string, unknown>) : null;
}

before(async () => {
  t = await createTestEnv('cli');
  await t.startWorker();
  work = await mkdtemp(path.join(tmpdir(), 'cli-files-'));
});

after(async () => {
  await t?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

test('--wait --json imports a local file and prints the summary as the last line', async () => {
  const r = await importFile('catalogue.csv', 'title,difficulty,learning_mode,price\n"CLI course A",beginner,text,5\n"CLI course B",nope,text,5\n');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.json?.status, 'succeeded_with_errors');
  assert.deepEqual(r.json?.counts, { rows: 2, created: 1, updated: 0, unchanged: 0, failed: 1 });
  // Each error carries its code and the values of its message (issue 11) beside the English message.
  assert.deepEqual(r.json?.errors, [{ row: 3, field: 'difficulty', code: 'difficulty_unknown', params: { value: "'nope'" }, message: (r.json?.errors as { message: string }[])[0]!.message }]);
  assert.match(String(r.json?.archivedTo), /processed\/.+__catalogue\.csv$/);
  assert.match(r.stderr, /Temporal Web UI: http:\/\/.+\/workflows\/import-.+-[0-9a-f]{64}/);
  const [row] = await t.sql`SELECT source FROM imports WHERE id = ${r.json?.importId as string}`;
  assert.equal(row!.source, 'cli');
});

test('a failed import exits non-zero with status failed', async () => {
  const r = await importFile('bad.json', '{"courses": [ {"title": ');
  assert.equal(r.code, 1);
  assert.equal(r.json?.status, 'failed');
  assert.match(String(r.json?.archivedTo), /error\/.+__bad\.json$/);
  // The same summary as before, though the run itself is Failed in Temporal with the reason as its message.
  const reason = (r.json?.error as { message: string } | null)?.message;
  assert.ok(reason, 'the --json line carries the reason');
  const handle = t.client.workflow.getHandle(String(r.json?.workflowId));
  assert.equal((await handle.describe()).status.name, 'FAILED');
  await assert.rejects(handle.result(), (err: unknown) => err instanceof WorkflowFailedError && err.cause?.message === reason);
});

test('--dry-run --wait prints the preview; confirm applies it', async () => {
  const file = path.join(work, 'dry.csv');
  await writeFile(file, 'title,difficulty,price\n"CLI dry run course",advanced,20\n');
  const r = await cli([file, '--dry-run', '--wait', '--json', '--mode', 'create_only']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.json?.status, 'preview');
  assert.deepEqual(r.json?.counts, { rows: 1, created: 1, updated: 0, unchanged: 0, failed: 0 });
  const n = await count(t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM courses WHERE title = 'CLI dry run course'`);
  assert.equal(n, 0);

  const c = await cli(['confirm', String(r.json?.workflowId)]);
  assert.equal(c.code, 0, c.stderr);
  const m = await count(t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM courses WHERE title = 'CLI dry run course'`);
  assert.equal(m, 1);
});

test('--json lists the warnings: a column that matches no field, named as written', async () => {
  const r = await importFile('warnings.csv', 'title,price,couleur,description\n"CLI warned course",12,bleu,"<p>Deux &amp; trois</p>"\n');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.json?.status, 'succeeded');
  const warnings = r.json?.warnings as { code?: string; column?: string; row?: number; field?: string; message: string }[];
  assert.ok(warnings.some((w) => w.code === 'unknown_column' && w.column === 'couleur'), JSON.stringify(warnings));
  assert.match(r.stderr, /warning: the column 'couleur' matches no course field/);
});

test('an import in which every row failed ends failed, with exit code 1 and its reason', async () => {
  const r = await importFile('all-bad.csv', 'title,difficulty,price\n"CLI all bad A",expertissime,5\n"CLI all bad B",beginner,-1\n');
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.json?.status, 'failed');
  assert.deepEqual(r.json?.counts, { rows: 2, created: 0, updated: 0, unchanged: 0, failed: 2 });
  assert.equal((r.json?.errors as unknown[]).length, 2);
  assert.match(r.stderr, /every row of the file has errors \(2 of 2\): nothing was imported/);
  assert.match(String(r.json?.archivedTo), /error\/.+__all-bad\.csv$/);
});

test('errors of a JSON file carry the JSON Pointer of the value', async () => {
  const r = await importFile('pointers.json', JSON.stringify({ courses: [{ title: 'CLI pointer ok', price: 3 }, { title: 'CLI pointer bad', prix: 'beaucoup' }] }));
  assert.equal(r.json?.status, 'succeeded_with_errors', r.stderr);
  const errors = r.json?.errors as { row: number; field: string; path?: string }[];
  assert.deepEqual(errors.map((e) => [e.row, e.field, e.path]), [[2, 'price', '/courses/1/prix']]);
});

test('bad arguments get a usage message and exit 2', async () => {
  const r = await cli([path.join(work, 'missing.csv'), '--mode', 'sometimes']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--mode must be one of create_only, update_only, create_or_update/);
});
