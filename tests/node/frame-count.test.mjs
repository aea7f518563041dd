// A stream's frame count (wasm/bindings/frame-count.js: the gateway's of the
// microphone's frames, told in each pong; the widget's of the agent's, for
// the downlink): expected from seq gaps, a late frame received after all, a long jump (mute) not a loss,
// seq wrapping at 16 bits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_GAP, createFrameCount } from '../../wasm/bindings/frame-count.js';

const fed = (seqs) => {
  const c = createFrameCount();
  for (const s of seqs) c.frame(s);
  return c.counts();
};

test('frames in order: all received, all expected', () => {
  assert.deepEqual(fed([7, 8, 9, 10]), { received: 4, expected: 4 });
});

test('a gap in seq counts the frames between as lost', () => {
  assert.deepEqual(fed([0, 1, 4, 5, 9]), { received: 5, expected: 10 });
});

test('a late frame (the channel is unordered) is received after all, a duplicate is not counted twice', () => {
  assert.deepEqual(fed([0, 1, 3, 2, 4]), { received: 5, expected: 5 });
  assert.deepEqual(fed([0, 1, 1, 2]), { received: 3, expected: 3 });
});

test('seq wraps at 16 bits without a loss', () => {
  assert.deepEqual(fed([65534, 65535, 0, 1]), { received: 4, expected: 4 });
  assert.deepEqual(fed([65535, 2]), { received: 2, expected: 4 });
});

test(`a jump longer than ${MAX_GAP} frames (muted, moved) is a new start, not a loss`, () => {
  assert.deepEqual(fed([0, MAX_GAP + 1]), { received: 2, expected: 2 + MAX_GAP }, `${MAX_GAP} lost`);
  assert.deepEqual(fed([0, MAX_GAP + 2]), { received: 2, expected: 2 });
  assert.deepEqual(fed([100, 5000, 5001]), { received: 3, expected: 3 });
});
