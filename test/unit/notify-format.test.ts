import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventOf, type Notice } from '../../src/notify/messages';
import { formatDuration, formatPeriod, oneLine, subjectOf, truncate } from '../../src/notify/format';
import type { NoticeLocale } from '../../src/notify/format';

/** These tests read the English wording; French is asserted where it says so. */
const EN: NoticeLocale = { language: 'en', timeZone: 'UTC' };
const FR: NoticeLocale = { language: 'fr', timeZone: 'Europe/Paris' };

const counts = { rows: 15, created: 12, updated: 3, unchanged: 0, skipped: 0, failed: 0 };

function importNotice(over: Partial<Extract<Notice, { type: 'import' }>> = {}): Notice {
  return {
    type: 'import',
    importId: 'imp-1',
    workflowId: 'import-abc',
    fileName: 'courses.csv',
    source: 'drop',
    startedBy: null,
    status: 'succeeded',
    counts,
    durationMs: 1200,
    errors: [],
    error: null,
    adminUrl: 'https://admin.example.com/imports/imp-1',
    temporalUrl: 'https://temporal.example.com/namespaces/default/workflows/import-abc',
    ...over,
  };
}

test('eventOf names import outcomes, digests and alerts for routing', () => {
  assert.equal(eventOf(importNotice()), 'import.succeeded');
  assert.equal(eventOf(importNotice({ status: 'succeeded_with_errors' })), 'import.partial');
  assert.equal(eventOf(importNotice({ status: 'failed' })), 'import.failed');
  assert.equal(eventOf(importNotice({ status: 'discarded' })), 'import.discarded');
  assert.equal(eventOf(importNotice({ status: 'cancelled' })), 'import.cancelled');
  const since = new Date();
  assert.equal(eventOf({ type: 'alert', kind: 'watcher_down', component: 'watcher', detail: '', since, adminUrl: '' }), 'alert.watcher_down');
  assert.equal(
    eventOf({
      type: 'digest',
      periodStart: since,
      periodEnd: since,
      byStatus: {},
      bySource: {},
      rows: { created: 0, updated: 0, failed: 0 },
      topErrors: [],
      slowest: [],
      coursesTotal: 0,
      documentsInIndex: null,
      searches: { total: 0, noResult: 0 },
      adminUrl: '',
    }),
    'digest.daily',
  );
});

test('subjects say the outcome, the file and the counts', () => {
  assert.equal(subjectOf(importNotice(), EN), '✅ Import succeeded: courses.csv (12 created, 3 updated)');
  assert.equal(
    subjectOf(importNotice({ status: 'succeeded_with_errors', counts: { ...counts, failed: 2 } }), EN),
    '⚠️ Import finished with 2 row errors: courses.csv (12 created, 3 updated)',
  );
  assert.equal(
    subjectOf(importNotice({ status: 'succeeded_with_errors', counts: { ...counts, failed: 1, unchanged: 4 } }), EN),
    '⚠️ Import finished with 1 row error: courses.csv (12 created, 3 updated, 4 unchanged)',
  );
  assert.equal(
    subjectOf(importNotice({ status: 'failed', error: { code: 'UNKNOWN_FORMAT', message: 'content is not CSV' } }), EN),
    '❌ Import failed: courses.csv — content is not CSV',
  );
});

test('a subject cannot carry a header break or a bidi override from the file name', () => {
  const subject = subjectOf(importNotice({ fileName: 'a\r\nBcc: victim@example.com\u202Ecsv.exe' }), EN);
  assert.doesNotMatch(subject, /[\r\n\u202E]/);
  assert.match(subject, /a Bcc: victim@example\.comcsv\.exe/); // the override removed, not replaced: a name reads the same everywhere
});

test('oneLine and truncate bound text without splitting a surrogate pair', () => {
  assert.equal(oneLine('  a\n\tb  '), 'a b');
  assert.equal(truncate('abcdef', 4), 'abc…');
  assert.equal(truncate('ab😀cd', 4), 'ab…');
  assert.equal(oneLine('x'.repeat(600)).length, 500);
});

test('durations read naturally at every scale', () => {
  assert.equal(formatDuration(null, EN), '—');
  assert.equal(formatDuration(850, EN), '850 ms');
  assert.equal(formatDuration(1234, EN), '1.2 s');
  assert.equal(formatDuration(42_000, EN), '42 s');
  assert.equal(formatDuration(125_000, EN), '2 min 05 s');
  assert.equal(formatDuration(3_725_000, EN), '1 h 02 min');
});

test('a whole UTC day is shown as a date, any other period as a range', () => {
  assert.equal(formatPeriod(new Date('2024-05-01T00:00:00Z'), new Date('2024-05-02T00:00:00Z'), EN), '1 May 2024');
  assert.equal(formatPeriod(new Date('2024-05-01T06:00:00Z'), new Date('2024-05-02T06:00:00Z'), EN), '1 May 2024, 06:00 → 2 May 2024, 06:00');
  // In French and in the display time zone (Paris is UTC+2 in May).
  assert.equal(formatPeriod(new Date('2024-05-01T06:00:00Z'), new Date('2024-05-02T06:00:00Z'), FR), '1 mai 2024, 08:00 → 2 mai 2024, 08:00');
  assert.equal(formatPeriod(new Date('2024-05-01T00:00:00Z'), new Date('2024-05-02T00:00:00Z'), FR), '1 mai 2024');
});

test('subjects and durations in French (NOTIFICATION_LANGUAGE=fr, the default)', () => {
  assert.equal(subjectOf(importNotice(), FR), '✅ Import réussi : courses.csv (12 créés, 3 mis à jour)');
  assert.equal(
    subjectOf(importNotice({ status: 'succeeded_with_errors', counts: { ...counts, failed: 1, unchanged: 4 } }), FR),
    '⚠️ Import terminé avec 1 erreur de ligne : courses.csv (12 créés, 3 mis à jour, 4 inchangés)',
  );
  assert.equal(
    subjectOf(importNotice({ status: 'succeeded_with_errors', counts: { ...counts, created: 1299, failed: 2 } }), FR),
    '⚠️ Import terminé avec 2 erreurs de ligne : courses.csv (1\u202f299 créés, 3 mis à jour)',
  );
  assert.equal(subjectOf(importNotice({ status: 'discarded' }), FR), '🗑️ Import abandonné : courses.csv (test, rien n’a été écrit)');
  assert.equal(formatDuration(1234, FR), '1,2 s');
  assert.equal(formatDuration(125_000, FR), '2 min 05 s');
});
