// The timeline of an import's page, read from real recorded histories (test/fixtures/histories/): the same steps
// whether the short steps ran as activity tasks (runs started before patch 'short-steps-local-activities') or as
// local activities, which leave markers instead of activity events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import proto from '@temporalio/proto';
import { timelineFromEvents } from '../../src/imports/timeline';

const dir = path.join(import.meta.dirname, '..', 'fixtures', 'histories');
const stepsOf = (file: string) => {
  const history = proto.temporal.api.history.v1.History.decode(readFileSync(path.join(dir, file)));
  return timelineFromEvents(history.events ?? []).filter((e) => e.outcome !== 'event');
};

for (const version of ['cbd3840', 'local-steps']) {
  test(`a succeeded import shows its seven steps in order, each completed once (history ${version})`, () => {
    const steps = stepsOf(`importFile-succeeded-${version}.binpb`);
    assert.deepEqual(steps.map((e) => [e.step, e.outcome, e.attempts]), [
      ['moveToProcessing', 'completed', 1],
      ['parse', 'completed', 1],
      ['normalize', 'completed', 1],
      ['upsert', 'completed', 1],
      ['index', 'completed', 1],
      ['notify', 'completed', 1],
      ['archive', 'completed', 1],
    ]);
    for (const e of steps) {
      assert.ok(e.startedAt && e.closedAt, `${e.step} has its times`);
      assert.ok(e.closedAt.getTime() >= e.startedAt.getTime(), `${e.step} ends after it starts`);
    }
  });

  test(`a file that fails as a whole shows the failed parse, then notify and archive (history ${version})`, () => {
    const steps = stepsOf(`importFile-file-failed-${version}.binpb`);
    assert.deepEqual(steps.map((e) => [e.step, e.outcome]), [
      ['moveToProcessing', 'completed'],
      ['parse', 'failed'],
      ['notify', 'completed'],
      ['archive', 'completed'],
    ]);
    assert.ok(steps[1]!.error, 'the reason is shown');
  });
}
