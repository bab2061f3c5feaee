// The pure parts of "import from a URL" and feeds (issue 12): which answers are catalogue files, the name a
// download is read by, and the feed schedules an admin may type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentTypeProblem, dispositionFileName, downloadFileName } from '../../src/imports/url-download';
import { parseFeedSchedule } from '../../src/feeds/schedule-spec';

test('catalogue media types pass, a web page and an image do not', () => {
  for (const ok of [null, 'text/csv; charset=utf-8', 'application/json', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream', 'TEXT/PLAIN', 'application/ld+json']) {
    assert.equal(contentTypeProblem(ok), null, String(ok));
  }
  assert.match(contentTypeProblem('text/html; charset=utf-8') ?? '', /web page/);
  assert.match(contentTypeProblem('image/png') ?? '', /image\/png is not a catalogue file/);
});

test('Content-Disposition names the file, filename* first (RFC 6266)', () => {
  assert.equal(dispositionFileName('attachment; filename="export 2026.csv"'), 'export 2026.csv');
  assert.equal(dispositionFileName("attachment; filename=a.csv; filename*=UTF-8''cours%20%C3%A9t%C3%A9.csv"), 'cours été.csv');
  assert.equal(dispositionFileName('attachment; filename=plain.json'), 'plain.json');
  assert.equal(dispositionFileName('inline'), null);
  assert.equal(dispositionFileName(null), null);
});

test('a download is named by its headers, else its URL, with an extension from its type when it has none', () => {
  assert.equal(downloadFileName(new URL('https://m.example/exports/catalogue.xlsx?token=x'), null, 'application/octet-stream'), 'catalogue.xlsx');
  assert.equal(downloadFileName(new URL('https://m.example/export?format=csv'), null, 'text/csv'), 'export.csv');
  assert.equal(downloadFileName(new URL('https://m.example/'), null, 'application/json'), 'm.example.json');
  assert.equal(downloadFileName(new URL('https://m.example/x'), 'attachment; filename="courses.yaml"', 'text/plain'), 'courses.yaml');
  // A name is never a path: the directory parts a server may send are dropped.
  assert.equal(downloadFileName(new URL('https://m.example/x'), 'attachment; filename="../../etc/c.csv"', null), 'c.csv');
});

test('feed schedules: intervals, named and 5-field cron expressions', () => {
  assert.deepEqual(parseFeedSchedule('6h'), { kind: 'interval', seconds: 21_600 });
  assert.deepEqual(parseFeedSchedule('every 30m'), { kind: 'interval', seconds: 1800 });
  assert.deepEqual(parseFeedSchedule(' 0  3 * * * '), { kind: 'cron', expression: '0 3 * * *' });
  assert.deepEqual(parseFeedSchedule('@daily'), { kind: 'cron', expression: '0 0 * * *' });
  assert.deepEqual(parseFeedSchedule('*/15 8-18 * * MON-FRI'), { kind: 'cron', expression: '*/15 8-18 * * MON-FRI' });
  assert.match(parseFeedSchedule('1m') as string, /shorter than 5 minutes/);
  assert.match(parseFeedSchedule('40d') as string, /longer than 31 days/);
  assert.match(parseFeedSchedule('') as string, /empty/);
  assert.match(parseFeedSchedule('0 3 * *') as string, /5-field cron/);
  assert.match(parseFeedSchedule('0 3 * * ;rm') as string, /not a cron field/);
});
