// The bench's summaries (tools/bench/stats.mjs): what the report says about
// a ratio's spread has to come from the samples, the same every time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, ratioOfMediansInterval } from '../../tools/bench/stats.mjs';

// Deterministic, skewed samples: a load's time (ms), as the bench sees them.
const loads = (n, scale, seed) => Array.from({ length: n }, (_, i) => scale * (20 + ((i * 7919 + seed * 104729) % 97) ** 1.3 / 10));

test('the ratio-of-medians interval holds the ratio, narrows with more pairs and repeats for the same samples', () => {
  const [a, b] = [loads(150, 1.1, 1), loads(150, 1, 2)];
  const [low, high] = ratioOfMediansInterval(a, b);
  const ratio = median(a) / median(b);
  assert.ok(low < ratio && ratio < high, `${low} < ${ratio} < ${high}`);
  const [fewLow, fewHigh] = ratioOfMediansInterval(a.slice(0, 25), b.slice(0, 25));
  assert.ok(fewHigh - fewLow > high - low, `25 pairs ${fewLow}..${fewHigh} wider than 150 pairs ${low}..${high}`);
  assert.deepEqual(ratioOfMediansInterval(a, b), [low, high], 'seeded: the same samples give the same interval');
  assert.notDeepEqual(ratioOfMediansInterval(a, b, { seed: 2 }), [low, high], 'the seed is used');
});

test('identical samples give an interval of exactly one; unequal or empty samples are refused', () => {
  const a = loads(40, 1, 3);
  assert.deepEqual(ratioOfMediansInterval(a, a), [1, 1]);
  assert.throws(() => ratioOfMediansInterval(a, a.slice(1)), /same, non-zero length/);
  assert.throws(() => ratioOfMediansInterval([], []), /same, non-zero length/);
});
