// Replays recorded histories of every import branch (test/fixtures/histories/, recorded by record.ts there
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

test('every recorded history replays with the current workflow code', async () => {
  const histories = files.map((f) => ({ workflowId: f, history: proto.temporal.api.history.v1.History.decode(readFileSync(path.join(dir, f))) }));
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowsPath: workflowsPath() }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  assert.deepEqual(failures, []);
});
