import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRetryAfter } from '../../shim/retry-after.js';

const now = Date.parse('Tue, 01 Jul 2025 12:00:00 GMT');

test('delay-seconds become milliseconds', () => {
  assert.equal(parseRetryAfter('0', now), 0);
  assert.equal(parseRetryAfter(' 120 ', now), 120000);
});

test('an HTTP-date becomes the time left until then', () => {
  assert.equal(parseRetryAfter('Tue, 01 Jul 2025 12:00:30 GMT', now), 30000);
});

test('an HTTP-date in the past means retry now', () => {
  assert.equal(parseRetryAfter('Tue, 01 Jul 2025 11:00:00 GMT', now), 0);
});

test('absent or unreadable values are -1', () => {
  for (const v of [null, undefined, '', 'soon', '-5', '1.5', '2025-07-01', 'Tue, garbage']) {
    assert.equal(parseRetryAfter(v, now), -1, JSON.stringify(v));
  }
});

test('huge values stay JSON integers', () => {
  const ms = parseRetryAfter('99999999999999999999', now);
  assert.ok(Number.isSafeInteger(ms));
  assert.equal(ms, 24 * 3600 * 1000);
});
