// The crash guard's ledger for steps run as local activities (a small file's parse and plan): Temporal numbers a
// local activity's attempts inside one worker, so the attempt another worker runs after a crash is attempt 1 again.
// The ledger numbers them itself, and an attempt left open (its worker died) counts as a crash.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestEnv, type TestEnv } from '../support/env';
import { endStepAttempt, startNextStepAttempt } from '../../src/db/step-attempts';

let t: TestEnv;

before(async () => {
  t = await createTestEnv('step_attempts');
});

after(async () => {
  await t?.close();
});

async function newImport(): Promise<string> {
  const id = randomUUID();
  await t.sql`INSERT INTO imports (id, workflow_id, sha256, file_name, stored_path, source, mode, dry_run, size_bytes, status)
              VALUES (${id}, ${`import-${id}`}, ${id.replace(/-/g, '').padEnd(64, '0')}, 'small.csv', '/tmp/small.csv', 'cli', 'create_or_update', false, 100, 'processing')`;
  return id;
}

test('each start of a local step is numbered after the last; attempts left open count as crashes, ended ones do not', async () => {
  const importId = await newImport();
  assert.deepEqual(await startNextStepAttempt(t.sql, importId, 'parse'), { attempt: 1, unended: 0 });
  // The worker died during attempt 1: the next worker's start sees it open.
  assert.deepEqual(await startNextStepAttempt(t.sql, importId, 'parse'), { attempt: 2, unended: 1 });
  // Attempt 2 failed with its worker alive (an error it reported): not a crash.
  await endStepAttempt(t.sql, importId, 'parse', 2);
  assert.deepEqual(await startNextStepAttempt(t.sql, importId, 'parse'), { attempt: 3, unended: 1 });
  // Another step of the same import keeps its own numbers.
  assert.deepEqual(await startNextStepAttempt(t.sql, importId, 'plan'), { attempt: 1, unended: 0 });
});

test('starts of the same step at the same moment get distinct numbers', async () => {
  const importId = await newImport();
  const started = await Promise.all(Array.from({ length: 6 }, () => startNextStepAttempt(t.sql, importId, 'parse')));
  assert.deepEqual(started.map((s) => s.attempt).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6]);
});
