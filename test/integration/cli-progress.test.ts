// `course-import FILE --wait` shows the progress inside a step (issue 11): rows read / written / indexed out of
// their total, as the ledger moves. Not a terminal here (a script's view): a line only when the figures change.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestEnv, type TestEnv } from '../support/env';
import { coursesToCsv, generateCourses } from '../support/generate';

const run = promisify(execFile);
const root = path.join(import.meta.dirname, '..', '..');
let t: TestEnv;
let work: string;

before(async () => {
  t = await createTestEnv('cliprogress');
  await t.startWorker();
  work = await mkdtemp(path.join(tmpdir(), 'cli-progress-'));
});

after(async () => {
  await t?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

test('--wait prints the step progress of a 20,000-row import, a line per change, up to the total', async () => {
  const file = path.join(work, 'twenty-thousand.csv');
  await writeFile(file, coursesToCsv(generateCourses(20_000, Math.floor(Math.random() * 1e9))));
  const { stdout, stderr } = await run(process.execPath, ['bin/course-import.js', file, '--wait', '--json'], { cwd: root, env: t.env, timeout: 300_000 });
  const summary = JSON.parse(stdout.trim().split('\n').pop()!) as { status: string; counts: { rows: number } };
  assert.equal(summary.status, 'succeeded', stderr);
  assert.equal(summary.counts.rows, 20_000);

  const lines = stderr.split('\n').filter((l) => l.startsWith('  progress: '));
  assert.ok(lines.length > 0, stderr);
  // Not a terminal: a line only when something changed.
  for (let i = 1; i < lines.length; i++) assert.notEqual(lines[i], lines[i - 1], stderr);
  const parsed = lines.map((l) => /^ {2}progress: (parse|normalize|upsert|index) (\d+)(?:\/(~?)(\d+) \((\d+)%\))?$/.exec(l));
  for (const [i, m] of parsed.entries()) assert.ok(m, `a progress line as documented: ${lines[i]}`);
  // Within a step the rows done only grow, never past a counted total.
  const byStep = new Map<string, number[]>();
  for (const m of parsed) {
    const done = Number(m![2]);
    byStep.set(m![1]!, [...(byStep.get(m![1]!) ?? []), done]);
    if (m![4] && !m![3]) assert.ok(done <= Number(m![4]), m![0]);
  }
  for (const [step, values] of byStep) assert.deepEqual(values, [...values].sort((a, b) => a - b), `${step}: ${values.join(' ')}`);
  // The step lines come with a total and a percentage.
  assert.ok(parsed.some((m) => m![4] !== undefined), stderr);
  // The workflow's own line (between steps) is still there, as scripts read it.
  assert.match(stderr, /^ {2}\w+ · \w+ · parsed \d+ · normalised \d+ · upserted \d+ · indexed \d+$/m);
});
