// An export's file name carries the time it was asked for on the admin's clock (DISPLAY_TIMEZONE), as every date on
// the pages does: a French admin exporting at 05:35 in Paris gets courses-…-05-35-23.csv, not the UTC hour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportFileName } from '../../src/courses/export';

test('the export file name is stamped on the display time zone\'s clock', () => {
  const at = new Date('2026-12-01T04:35:23Z');
  assert.equal(exportFileName('csv', at, { timeZone: 'Europe/Paris' }), 'courses-2026-12-01-05-35-23.csv');
  // Summer time, and a date that changes with the zone.
  assert.equal(exportFileName('json', new Date('2026-07-14T22:10:05Z'), { timeZone: 'Europe/Paris' }), 'courses-2026-07-15-00-10-05.json');
  assert.equal(exportFileName('moodle', at, { timeZone: 'UTC' }), 'moodle-courses-2026-12-01-04-35-23.csv');
  assert.equal(exportFileName('csv', at), 'courses-2026-12-01-04-35-23.csv');
});
