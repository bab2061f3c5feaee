// Replays recorded histories of every import branch and of every other workflow type (test/fixtures/histories/,
// recorded by record.ts and record-other-workflows.ts there
// with the code named in each file's suffix) with today's workflow code: a change that would break a run still
// open when a new worker starts (a command added, removed or reordered without patched()) fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { workflowsPath } from '../../src/worker/create-worker';

const dir = path.join(import.meta.dirname, '..', 'fixtures', 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.binpb')).sort();

test('recorded histories cover every branch of importFile, from before and after the last workflow change', () => {
  for (const branch of ['succeeded', 'row-errors', 'every-row-failed', 'file-failed', 'dry-run-confirmed', 'dry-run-discarded']) {
    assert.ok(files.filter((f) => f.startsWith(`importFile-${branch}-`)).length >= 2, `histories of ${branch} from two versions of the code`);
  }
});

test('every workflow type has a recorded history', async () => {
  const types = Object.keys(await import('../../src/workflows/index'));
  const missing = types.filter((type) => !files.some((f) => f.startsWith(`${type}-`)));
  assert.deepEqual(missing, [], 'record them with test/fixtures/histories/record-other-workflows.ts');
});

test('every recorded history replays with the current workflow code', async () => {
  // Workflows that derive ids from their own replay under the id they ran with (record-other-workflows.ts).
  const ids = JSON.parse(readFileSync(path.join(dir, 'workflow-ids.json'), 'utf8')) as Record<string, string>;
  const histories = files.map((f) => ({ workflowId: ids[f] ?? f, history: proto.temporal.api.history.v1.History.decode(readFileSync(path.join(dir, f))) }));
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowsPath: workflowsPath() }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  assert.deepEqual(failures, []);
});
