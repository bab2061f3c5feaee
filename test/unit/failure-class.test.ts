import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyFailure } from '../../src/activities/failure-class';
import { asActivityFailure, STEP_FAILURE } from '../../src/activities/deps';
import { ApplicationFailure } from '@temporalio/common';

function pgError(code: string): Error {
  return Object.assign(new Error(`pg ${code}`), { name: 'PostgresError', code });
}

test('outages: network codes, PostgreSQL connection / resources / shutdown / deadlock, Elasticsearch unreachable or overloaded', () => {
  for (const code of ['ECONNREFUSED', 'ECONNRESET', 'CONNECTION_CLOSED', 'CONNECT_TIMEOUT', 'ENOSPC']) {
    assert.equal(classifyFailure(Object.assign(new Error(code), { code })), 'outage', code);
  }
  for (const code of ['08006', '53300', '57P01', '57P03', '40001', '40P01', '55P03']) assert.equal(classifyFailure(pgError(code)), 'outage', code);
  assert.equal(classifyFailure(Object.assign(new Error('x'), { name: 'ConnectionError' })), 'outage');
  assert.equal(classifyFailure(Object.assign(new Error('x'), { name: 'TimeoutError' })), 'outage');
  assert.equal(classifyFailure(Object.assign(new Error('x'), { name: 'ResponseError', meta: { statusCode: 503 } })), 'outage');
  assert.equal(classifyFailure(Object.assign(new Error('x'), { name: 'ResponseError', meta: { statusCode: 429 } })), 'outage');
  assert.equal(classifyFailure(new TypeError('fetch failed', { cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) })), 'outage');
});

test('final: data PostgreSQL refuses, a bug, a stack overflow, a request Elasticsearch refuses', () => {
  for (const code of ['22P05', '22021', '23505', '42601', '42P01', 'XX000']) assert.equal(classifyFailure(pgError(code)), 'final', code);
  assert.equal(classifyFailure(new RangeError('Maximum call stack size exceeded')), 'final');
  assert.equal(classifyFailure(new TypeError("Cannot read properties of undefined (reading 'x')")), 'final');
  assert.equal(classifyFailure(Object.assign(new Error('x'), { name: 'ResponseError', meta: { statusCode: 400 } })), 'final');
});

test('unknown failures are retried a few times, then final; outages always retried; final at once', () => {
  const odd = new Error('something odd');
  assert.equal(classifyFailure(odd), 'unknown');
  assert.equal(asActivityFailure(odd, 1), odd);
  const last = asActivityFailure(odd, 5) as ApplicationFailure;
  assert.equal(last.type, STEP_FAILURE);
  assert.equal(last.nonRetryable, true);
  assert.match(last.message, /Error: something odd \(failed 5 times in a row: not retried any more\)/);

  const outage = Object.assign(new Error('down'), { code: 'ECONNREFUSED' });
  assert.equal(asActivityFailure(outage, 50), outage);

  const refused = asActivityFailure(pgError('22P05'), 1) as ApplicationFailure;
  assert.equal(refused.nonRetryable, true);
  assert.match(refused.message, /PostgreSQL refused the data or the statement \(22P05\): pg 22P05 \(not retried: retrying cannot fix it\)/);
  assert.deepEqual(refused.details, [{ code: 'step_failed' }]);
});
