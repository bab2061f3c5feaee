// Progress inside a step (issue 11): the totals and percentages the import's page and the CLI show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { estimateRows, furthest, stepProgress, stepProgressLine } from '../../src/imports/step-progress';

const zero = { parsed: 0, normalized: 0, upserted: 0, indexed: 0 };
const counts = { rows: 100, created: 60, updated: 20, unchanged: 10, skipped: 5, failed: 5 };

test('each counter at its furthest between the workflow and the ledger', () => {
  assert.deepEqual(furthest({ ...zero, parsed: 10 }, { ...zero, parsed: 40, upserted: 3 }), { parsed: 40, normalized: 0, upserted: 3, indexed: 0 });
  assert.deepEqual(furthest({ ...zero, parsed: 10 }, null), { ...zero, parsed: 10 });
});

test('parse: rows read out of the estimate; an estimate passed becomes an unknown total, not 120%', () => {
  const p = stepProgress('parse', { ...zero, parsed: 500 }, { expected: 2000, counts: null });
  assert.deepEqual(p, { step: 'parse', done: 500, total: 2000, percent: 25, estimated: true });
  assert.equal(stepProgressLine(p!), 'parse 500/~2000 (25%)');
  const over = stepProgress('parse', { ...zero, parsed: 2100 }, { expected: 2000, counts: null });
  assert.deepEqual(over, { step: 'parse', done: 2100, total: null, percent: null, estimated: false });
  assert.equal(stepProgressLine(over!), 'parse 2100');
  assert.equal(stepProgress('parse', { ...zero, parsed: 7 }, { expected: null, counts: null })!.total, null);
});

test('upsert counts the rows to write (created + updated), index the rows written', () => {
  assert.deepEqual(stepProgress('upsert', { ...zero, parsed: 100, upserted: 40 }, { expected: 100, counts }), { step: 'upsert', done: 40, total: 80, percent: 50, estimated: false });
  assert.deepEqual(stepProgress('index', { ...zero, upserted: 80, indexed: 80 }, { expected: 100, counts }), { step: 'index', done: 80, total: 80, percent: 100, estimated: false });
  // Nothing to write is complete, not a division by zero.
  assert.equal(stepProgress('index', zero, { expected: 0, counts: { ...counts, created: 0, updated: 0 } })!.percent, 100);
});

test('steps without rows to count have no bar', () => {
  for (const step of ['moveToProcessing', 'awaitConfirmation', 'notify', 'archive', 'done', null]) assert.equal(stepProgress(step, zero, { expected: 5, counts }), null);
});

test('estimateRows: non-blank lines after the header of a CSV, with or without a final line break', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'estimate-'));
  try {
    const file = path.join(dir, 'f.csv');
    await writeFile(file, 'title,price\r\na,1\r\nb,2\r\n\r\n');
    assert.equal(await estimateRows('csv', file), 2);
    await writeFile(file, 'title,price\na,1\nb,2');
    assert.equal(await estimateRows('csv', file), 2);
    await writeFile(file, '');
    assert.equal(await estimateRows('csv', file), 0);
    const big = ['title', ...Array.from({ length: 20_000 }, (_, i) => `course ${i}`)].join('\n') + '\n';
    await writeFile(file, big);
    assert.equal(await estimateRows('csv', file), 20_000);
    assert.equal(await estimateRows('json', file), null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
