// The reading of an import that its page shows (src/imports/page-state.ts) and where audit targets lead
// (src/api/audit-links.ts): one answer per state, so no two parts of a page contradict each other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importPageState, withoutServerPaths } from '../../src/imports/page-state';
import { auditTargetHref } from '../../src/api/audit-links';

const ingest = '/srv/course-import/ingest';
const COUNTS = { rows: 3, created: 2, updated: 0, unchanged: 0, skipped: 0, failed: 1 };
const view = (status: string, extra: Partial<{ step: string | null; open: boolean; upserted: number; archivedTo: string | null; error: { code: string; message: string } | null; counts: typeof COUNTS | null }> = {}) => ({
  status,
  step: extra.step ?? 'done',
  open: extra.open ?? false,
  progress: { parsed: 1, normalized: 1, upserted: extra.upserted ?? 0, indexed: 0 },
  error: extra.error ?? null,
  archivedTo: extra.archivedTo ?? null,
  counts: extra.counts === undefined ? COUNTS : extra.counts,
});

test('a preview waiting for a decision: test mode, planned counts, Discard only', () => {
  const s = importPageState(view('awaiting_confirmation', { step: 'awaitConfirmation', open: true }), { dry_run: true }, ingest);
  assert.deepEqual([s.testMode, s.counts, s.rows, s.canCancel, s.nothingWrittenKey], [true, 'planned', 'would', false, null]);
});

test('a confirmed dry run loses test mode as soon as it writes, and after it succeeded', () => {
  assert.equal(importPageState(view('processing', { step: 'upsert', open: true }), { dry_run: true }, ingest).testMode, false);
  const done = importPageState(view('succeeded'), { dry_run: true }, ingest);
  assert.deepEqual([done.testMode, done.counts, done.rows], [false, 'written', 'did']);
});

test('discarded, cancelled and failed imports wrote nothing: planned counts, rows that would have been', () => {
  const discarded = importPageState(view('discarded'), { dry_run: true }, ingest);
  assert.deepEqual([discarded.testMode, discarded.counts, discarded.rows, discarded.nothingWrittenKey], [true, 'planned', 'wouldHave', 'operator.nothingWritten.discarded']);
  assert.equal(importPageState(view('cancelled'), { dry_run: false }, ingest).nothingWrittenKey, 'operator.nothingWritten.cancelled');
  const undone = importPageState(view('cancelled', { upserted: 3 }), { dry_run: true }, ingest);
  assert.deepEqual([undone.nothingWrittenKey, undone.testMode], ['operator.nothingWritten.cancelledUndone', false]);
  assert.equal(importPageState(view('failed'), { dry_run: false }, ingest).nothingWrittenKey, 'operator.nothingWritten.failed');
  // A file refused before its rows were counted: no counts nor rows to point to.
  assert.equal(importPageState(view('failed', { counts: null }), { dry_run: false }, ingest).nothingWrittenKey, 'operator.nothingWritten.failedUncounted');
});

test('a running import can be cancelled; its step is named for people', () => {
  const s = importPageState(view('processing', { step: 'moveToProcessing', open: true }), { dry_run: false }, ingest);
  assert.deepEqual([s.canCancel, s.stepKey], [true, 'operator.step.moveToProcessing']);
});

test('server paths: inside the ingest folder relative to it, elsewhere the file name only', () => {
  const s = importPageState(
    view('failed', { archivedTo: `${ingest}/error/1__a.csv`, error: { code: 'io', message: `ENOENT: no such file or directory, open '${ingest}/processing/1__a.csv' (from /usr/lib/node/x.js)` } }),
    { dry_run: false },
    ingest,
  );
  assert.equal(s.archivedTo, 'error/1__a.csv');
  assert.equal(s.errorMessage, "ENOENT: no such file or directory, open 'processing/1__a.csv' (from x.js)");
  assert.equal(withoutServerPaths('price: not a number (3/4 rows)', ingest), 'price: not a number (3/4 rows)', 'a fraction is no path');
});

test('audit targets link to what they name, else to the trail filtered on them', () => {
  const id = '8b0989ed-6955-4808-b61a-044952028375';
  assert.equal(auditTargetHref('import.cancel', id), `/admin-dashboard/imports/${id}/`);
  assert.equal(auditTargetHref('course.update', 'course 42'), '/admin-dashboard/courses/42/');
  assert.equal(auditTargetHref('user.role', 'a@example.com'), '/admin-dashboard/users/');
  assert.equal(auditTargetHref('schedule.pause', 'x-digest'), '/admin-dashboard/schedules/');
  assert.equal(auditTargetHref('mapping.save', 'lms/export'), '/admin-dashboard/mapping-profiles/lms%2Fexport/');
  assert.equal(auditTargetHref('bulk.delete', '3 selected courses'), '/admin-dashboard/audit/?target=3%20selected%20courses');
  assert.equal(auditTargetHref('login', null), null);
});
