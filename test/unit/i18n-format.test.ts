import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDate, formatDateTime, formatElapsed, formatHours, formatNumber, formatPrice } from '../../src/i18n/format';

// Intl (CLDR) writes French numbers with a narrow no-break space (U+202F) between thousands and a no-break
// space (U+00A0) before the euro sign, a narrow one before a unit: the expectations spell them out.
const NNBSP = '\u202f';
const NBSP = '\u00a0';

test('numbers', () => {
  assert.equal(formatNumber(1299, 'fr'), `1${NNBSP}299`);
  assert.equal(formatNumber(1299, 'en'), '1,299');
  assert.equal(formatNumber(12.5, 'fr'), '12,5');
  assert.equal(formatNumber(null, 'fr'), '—');
  assert.equal(formatNumber(Number.NaN, 'en'), '—');
});

test('prices in euros', () => {
  assert.equal(formatPrice(1299, 'fr'), `1${NNBSP}299,00${NBSP}€`);
  assert.equal(formatPrice(1299, 'en'), '€1,299.00');
  assert.equal(formatPrice(19.9, 'fr'), `19,90${NBSP}€`);
  assert.equal(formatPrice(0, 'en'), '€0.00');
  assert.equal(formatPrice(undefined, 'en'), '—');
});

test('durations in hours', () => {
  assert.equal(formatHours(12.5, 'fr'), `12,5${NNBSP}h`);
  assert.equal(formatHours(12.5, 'en'), '12.5 hrs');
  assert.equal(formatHours(1, 'fr'), `1${NNBSP}h`);
  assert.equal(formatHours(null, 'fr'), '—');
});

test('dates and times in the display time zone', () => {
  const winter = new Date('2026-11-25T04:10:00Z'); // Paris is UTC+1 in winter
  const summer = new Date('2026-07-14T04:10:00Z'); // and UTC+2 in summer
  assert.equal(formatDateTime(winter, 'fr', 'Europe/Paris'), '25 nov. 2026, 05:10');
  assert.equal(formatDateTime(summer, 'fr', 'Europe/Paris'), '14 juil. 2026, 06:10');
  assert.equal(formatDateTime(winter, 'en', 'Europe/Paris'), '25 Nov 2026, 05:10');
  assert.equal(formatDateTime(winter, 'en', 'UTC'), '25 Nov 2026, 04:10');
  assert.equal(formatDateTime('2026-11-25T23:30:00Z', 'fr', 'Europe/Paris'), '26 nov. 2026, 00:30');
  assert.equal(formatDate(winter, 'fr', 'Europe/Paris'), '25 nov. 2026');
  assert.equal(formatDateTime(null, 'fr', 'Europe/Paris'), '—');
  assert.equal(formatDateTime('not a date', 'en', 'UTC'), '—');
});

test('sizes and elapsed times', () => {
  assert.equal(formatBytes(1536, 'fr'), `1,5${NNBSP}ko`);
  assert.equal(formatBytes(1536, 'en'), '1.5 kB');
  assert.equal(formatElapsed(850, 'en'), '850 ms');
  assert.equal(formatElapsed(12_400, 'fr'), `12,4${NNBSP}s`);
  assert.equal(formatElapsed(180_000, 'en'), '3 mins');
});
