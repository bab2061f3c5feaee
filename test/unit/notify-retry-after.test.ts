import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../src/notify/webhooks';

const now = Date.parse('2024-05-01T12:00:00Z');

test('Retry-After in seconds', () => {
  assert.equal(parseRetryAfter('7', now), 7000);
  assert.equal(parseRetryAfter(' 0 ', now), 0);
  assert.equal(parseRetryAfter('1.5', now), 1500);
});

test('Retry-After as an HTTP date', () => {
  assert.equal(parseRetryAfter('Wed, 01 May 2024 12:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Wed, 01 May 2024 11:59:00 GMT', now), 0, 'a date in the past means now');
});

test('Retry-After is capped at 10 minutes', () => {
  assert.equal(MAX_RETRY_AFTER_MS, 600_000);
  assert.equal(parseRetryAfter('86400', now), MAX_RETRY_AFTER_MS);
  assert.equal(parseRetryAfter('Thu, 02 May 2024 12:00:00 GMT', now), MAX_RETRY_AFTER_MS);
});

test('a missing or unreadable Retry-After is null', () => {
  assert.equal(parseRetryAfter(null, now), null);
  assert.equal(parseRetryAfter(undefined, now), null);
  assert.equal(parseRetryAfter('', now), null);
  assert.equal(parseRetryAfter('soon', now), null);
  assert.equal(parseRetryAfter('-5', now), null);
});
