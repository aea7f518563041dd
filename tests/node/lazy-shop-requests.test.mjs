// The token endpoint's and the release channel's fetches come in their own
// chunk (shim/load-shop-requests.js): downloaded once, what the core asks
// before it is in runs once it is, and a chunk that cannot load still
// answers the core (token_failed, channel_read ok: false) and is tried
// again by the next request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLazyShopRequests } from '../../shim/load-shop-requests.js';

function harness({ fail = 0 } = {}) {
  const calls = { loads: 0, logs: [], used: [], failed: [] };
  let release = null;
  const requests = createLazyShopRequests({
    load: () => {
      calls.loads += 1;
      if (calls.loads <= fail) return Promise.reject(new Error('offline'));
      return new Promise((resolve) => { release = () => resolve({ createTokenFetch() {}, createChannelCheck() {} }); });
    },
    log: (level, text) => calls.logs.push([level, text]),
  });
  const ask = (name) => requests.run((parts) => calls.used.push([name, typeof parts.createTokenFetch]),
    (reason) => calls.failed.push([name, reason]));
  return { calls, requests, ask, release: () => release() };
}
const tick = () => new Promise((r) => setImmediate(r));

test('started early, downloaded once; what the core asks meanwhile runs once it is in, in order', async () => {
  const h = harness();
  h.requests.load();
  h.ask('token 1');
  h.ask('channel');
  await tick();
  assert.equal(h.calls.loads, 1);
  assert.deepEqual(h.calls.used, []);
  h.release();
  await tick();
  assert.deepEqual(h.calls.used, [['token 1', 'function'], ['channel', 'function']]);
  h.ask('token 2');
  assert.deepEqual(h.calls.used.at(-1), ['token 2', 'function'], 'at once now');
  assert.equal(h.calls.loads, 1);
});

test('a chunk that cannot load answers each request as failed, and the next request tries again', async () => {
  const h = harness({ fail: 1 });
  h.ask('token 1');
  h.ask('channel');
  await tick();
  assert.deepEqual(h.calls.failed.map(([name]) => name), ['token 1', 'channel']);
  assert.match(h.calls.failed[0][1], /could not load the widget's requests chunk \(offline\)/);
  assert.equal(h.calls.logs.length, 2);
  h.ask('token 2');
  await tick();
  assert.equal(h.calls.loads, 2);
  h.release();
  await tick();
  assert.deepEqual(h.calls.used, [['token 2', 'function']]);
});
