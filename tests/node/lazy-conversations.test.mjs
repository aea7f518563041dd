// The core bundle's side of the conversations list (shim/ui/load-conversations.js):
// the chunk is downloaded on the first conversations_shown, only the latest
// list is drawn once it is in, and a failed download is retried by the next.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLazyConversations } from '../../shim/ui/load-conversations.js';

function harness({ fail = 0 } = {}) {
  const calls = { loads: 0, built: 0, shown: [], logs: [] };
  let release;
  const lazy = createLazyConversations({
    load: () => {
      calls.loads += 1;
      if (calls.loads <= fail) return Promise.reject(new Error('offline'));
      return new Promise((resolve) => { release = () => resolve({ createConversations: null }); });
    },
    build: () => { calls.built += 1; return { show: (e) => calls.shown.push(e) }; },
    log: (level, text) => calls.logs.push([level, text]),
  });
  return { calls, show: lazy.effects.conversations_shown, release: () => release() };
}
const tick = () => new Promise((r) => setImmediate(r));

test('the first list starts the download; only the latest is drawn once the chunk is in', async () => {
  const h = harness();
  h.show({ current: 'a', items: [{ id: 'a' }] });
  h.show({ current: 'b', items: [{ id: 'a' }, { id: 'b' }] });
  await tick();
  assert.equal(h.calls.loads, 1);
  assert.deepEqual(h.calls.shown, []);
  h.release();
  await tick();
  assert.equal(h.calls.built, 1);
  assert.deepEqual(h.calls.shown, [{ current: 'b', items: [{ id: 'a' }, { id: 'b' }] }]);
  h.show({ current: 'a', items: [] });
  assert.equal(h.calls.loads, 1);
  assert.deepEqual(h.calls.shown.at(-1), { current: 'a', items: [] });
});

test('a chunk that cannot load is logged, and the next list tries again', async () => {
  const h = harness({ fail: 1 });
  h.show({ current: 'a', items: [] });
  await tick();
  assert.equal(h.calls.logs.length, 1);
  assert.match(h.calls.logs[0][1], /could not load \(offline\)/);
  h.show({ current: 'b', items: [] });
  await tick();
  assert.equal(h.calls.loads, 2);
  h.release();
  await tick();
  assert.deepEqual(h.calls.shown, [{ current: 'b', items: [] }]);
});
