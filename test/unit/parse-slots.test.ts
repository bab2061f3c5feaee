// The parse steps of large files take turns (WORKER_MAX_PARSES), heartbeating while they wait; a small file's
// local parse never waits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSlots } from '../../src/activities/parse-slots';

/** A promise with its resolve function, to hold a step open until the test lets it finish. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

test('with one slot, the second parse starts only when the first has finished, and heartbeats while it waits', async () => {
  let heartbeats = 0;
  const inSlot = parseSlots(1, { isLocal: () => false, heartbeat: () => heartbeats++, heartbeatEveryMs: 5 });
  const events: string[] = [];
  const first = gate();
  const a = inSlot(async () => {
    events.push('a starts');
    await first.promise;
    events.push('a ends');
    return 'a';
  });
  const b = inSlot(async () => {
    events.push('b starts');
    return 'b';
  });
  // b waits as long as a holds the slot: its heartbeats go on meanwhile.
  while (heartbeats < 3) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(events, ['a starts']);
  first.open();
  assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
  assert.deepEqual(events, ['a starts', 'a ends', 'b starts']);
  // No heartbeat is left running once a step has its slot.
  const after = heartbeats;
  await new Promise((r) => setTimeout(r, 30));
  assert.ok(heartbeats - after <= 2, `heartbeats went on after both steps ended (${heartbeats - after})`);
});

test('a slot is given back when a parse fails', async () => {
  const inSlot = parseSlots(1, { isLocal: () => false, heartbeat: () => {} });
  await assert.rejects(inSlot(async () => { throw new Error('unreadable file'); }), /unreadable file/);
  assert.equal(await inSlot(async () => 'next'), 'next');
});

test("a small file's local parse does not wait for the large files' slots", async () => {
  let local = false;
  const inSlot = parseSlots(1, { isLocal: () => local, heartbeat: () => {} });
  const big = gate();
  const bigParse = inSlot(() => big.promise.then(() => 'big'));
  local = true;
  assert.equal(await inSlot(async () => 'small'), 'small');
  big.open();
  assert.equal(await bigParse, 'big');
});
