// The estimated wait for a person (tools/gateway/control/wait-estimate.mjs):
// the median time one place in the queue took lately, times the place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_PICKUPS, PICKUP_WINDOW_MS, perPlaceMs, pickupRecord, waitSeconds } from '../../tools/gateway/control/wait-estimate.mjs';

const NOW = 10 * PICKUP_WINDOW_MS;
const pickups = (...perPlace) => perPlace.map((ms, i) => ({ at: NOW - i * 1000, per_place_ms: ms }));

test('a pickup records the time one place took', () => {
  assert.deepEqual(pickupRecord(NOW, 240_000, 3), { at: NOW, per_place_ms: 80_000 });
  assert.deepEqual(pickupRecord(NOW, -5, 0), { at: NOW, per_place_ms: 0 }, 'a clock step back or a missing place stays sane');
});

test('no estimate from fewer than MIN_PICKUPS recent pickups', () => {
  assert.equal(MIN_PICKUPS, 3);
  assert.equal(perPlaceMs(pickups(60_000, 60_000), NOW), 0);
  const old = pickups(60_000, 60_000, 60_000).map((p, i) => (i === 2 ? { ...p, at: NOW - PICKUP_WINDOW_MS - 1 } : p));
  assert.equal(perPlaceMs(old, NOW), 0, 'a pickup older than the window does not count');
});

test('the median, so one conversation left waiting for hours does not inflate every estimate', () => {
  assert.equal(perPlaceMs(pickups(60_000, 3_600_000, 120_000), NOW), 120_000);
  assert.equal(perPlaceMs(pickups(60_000, 3_600_000, 120_000, 90_000), NOW), 105_000);
});

test('the wait scales with the place and is whole minutes, at least one, at most a day', () => {
  assert.equal(waitSeconds(1, 90_000), 120);
  assert.equal(waitSeconds(3, 90_000), 300);
  assert.equal(waitSeconds(2, 5), 60);
  assert.equal(waitSeconds(1000, 3_600_000), 86_400);
  assert.equal(waitSeconds(2, 0), 0, 'no estimate known');
  assert.equal(waitSeconds(0, 90_000), 0, 'no place');
});
