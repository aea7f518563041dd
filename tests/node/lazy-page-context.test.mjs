// shim/load-page-context.js: the page context's chunk is downloaded by the
// first call that needs it (the panel opened, natter('context' | 'cart')),
// the calls made meanwhile are made in order once it is in, and a failed
// download is logged and tried again by the next call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLazyPageWatch } from '../../shim/load-page-context.js';

function setup() {
  const made = [];
  const logged = [];
  const loads = [];
  const watch = createLazyPageWatch({
    load: () => new Promise((resolve, reject) => loads.push({ resolve, reject })),
    build: () => ({ start: () => made.push('start'), context: (v) => made.push(['context', v]), cart: (fn) => made.push(['cart', fn]) }),
    log: (level, text) => logged.push(`${level}: ${text}`),
  });
  return { watch, made, logged, loads };
}
const settle = () => new Promise((r) => setImmediate(r));

test('nothing is downloaded before a call; the calls made meanwhile are made in order once it is in', async () => {
  const { watch, made, loads } = setup();
  await settle();
  assert.equal(loads.length, 0);
  const hook = () => undefined;
  watch.context({ currency: 'GBP' });
  watch.cart(hook);
  watch.start();
  await settle();
  assert.equal(loads.length, 1, 'one download for all of them');
  assert.deepEqual(made, []);
  loads[0].resolve({});
  await settle();
  assert.deepEqual(made, [['context', { currency: 'GBP' }], ['cart', hook], 'start']);
  watch.context(null);
  assert.deepEqual(made.at(-1), ['context', null], 'straight through once it is in');
});

test('a failed download is logged, keeps the calls, and the next call tries again', async () => {
  const { watch, made, logged, loads } = setup();
  watch.context({ currency: 'GBP' });
  await settle();
  loads[0].reject(new Error('could not load natter.pagecontext.js'));
  await settle();
  assert.deepEqual(logged, ['error: the page context could not load (could not load natter.pagecontext.js)']);
  watch.start();
  await settle();
  assert.equal(loads.length, 2);
  loads[1].resolve({});
  await settle();
  assert.deepEqual(made, [['context', { currency: 'GBP' }], 'start']);
});

test("natter('action') downloads the chunk and is made once it is in; has() is false until then", async () => {
  const made = [];
  const loads = [];
  const watch = createLazyPageWatch({
    load: () => new Promise((resolve) => loads.push(resolve)),
    build: () => ({ action: (a) => made.push(['action', a]), run: (e) => made.push(['run', e]), has: (name) => name === 'add_to_cart' }),
    log: () => {},
  });
  const handler = () => ({ ok: true });
  watch.action(['add_to_cart', {}, handler]);
  assert.equal(watch.has('add_to_cart'), false);
  await settle();
  assert.equal(loads.length, 1);
  loads[0]({});
  await settle();
  assert.deepEqual(made, [['action', ['add_to_cart', {}, handler]]]);
  assert.equal(watch.has('add_to_cart'), true);
  assert.equal(watch.has('checkout'), false);
  watch.run({ action_id: 'act_1', name: 'add_to_cart', args: {}, retry: false });
  assert.deepEqual(made.at(-1), ['run', { action_id: 'act_1', name: 'add_to_cart', args: {}, retry: false }]);
});
