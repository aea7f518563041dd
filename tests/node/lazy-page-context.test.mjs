// shim/load-page-context.js: the page context's chunk is downloaded by the
// first call that needs it (the panel opened, natter('context' | 'cart')),
// the calls made meanwhile are made in order once it is in, and a failed
// download is logged and tried again by the next call; a send made while it
// downloads is held until it ran, failed or HOLD_MS passed, and fed once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLazyPageWatch, HOLD_MS } from '../../shim/load-page-context.js';

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

// hold(): a message sent while the chunk loads waits for the context the
// core gives it when it accepts it, a bounded while (HOLD_MS).
function holdSetup() {
  const made = [];
  const logged = [];
  const loads = [];
  const timers = [];
  const watch = createLazyPageWatch({
    load: () => new Promise((resolve, reject) => loads.push({ resolve, reject })),
    build: () => ({ action: (a) => made.push(['action', a[0]]), start: () => made.push('start') }),
    log: (level, text) => logged.push(`${level}: ${text}`),
    setTimeout: (fn, ms) => timers.push({ fn, ms }),
  });
  const feed = (event) => made.push(['fed', event.type, event.text]);
  return { watch, made, logged, loads, timers, feed };
}
const enter = (text, more = {}) => ({ type: 'enter_pressed', text, shift: false, composing: false, repeat: false, ...more });

test('a send while the chunk loads is fed once it ran, after the declared actions; Enter again sends once', async () => {
  const { watch, made, loads, timers, feed } = holdSetup();
  watch.action(['add_to_cart', {}, () => {}]);
  assert.equal(watch.hold(enter('add this'), feed), true);
  assert.equal(watch.hold(enter('add this', { repeat: true }), feed), true);
  assert.equal(watch.hold({ type: 'send_clicked', text: 'add this!' }, feed), true);
  await settle();
  assert.deepEqual(made, [], 'nothing fed while the chunk loads');
  assert.equal(timers.length, 1, 'one bound for the held send');
  assert.equal(timers[0].ms, HOLD_MS);
  assert.ok(HOLD_MS >= 1000 && HOLD_MS <= 3000, `bounded to a few seconds (${HOLD_MS} ms)`);
  loads[0].resolve({});
  await settle();
  assert.deepEqual(made, [['action', 'add_to_cart'], ['fed', 'send_clicked', 'add this!']]);
  timers[0].fn();
  assert.equal(made.length, 2, 'the bound firing later feeds nothing again');
  assert.equal(watch.hold(enter('next'), feed), false, 'once it is in, sends go at once');
});

test('a held send goes without the context after HOLD_MS, with a warning, and only once', async () => {
  const { watch, made, logged, loads, timers, feed } = holdSetup();
  watch.start();
  assert.equal(watch.hold({ type: 'host_send', text: 'hello' }, feed), true);
  await settle();
  timers[0].fn();
  assert.deepEqual(made, [['fed', 'host_send', 'hello']]);
  assert.deepEqual(logged, ['warn: a message went without the page context (still loading)']);
  loads[0].resolve({});
  await settle();
  assert.deepEqual(made, [['fed', 'host_send', 'hello'], 'start'], 'the chunk arriving later feeds nothing again');
});

test('a held send is fed when the chunk fails to load', async () => {
  const { watch, made, logged, loads, feed } = holdSetup();
  watch.start();
  assert.equal(watch.hold({ type: 'suggestion_tapped', text: 'Shipping?' }, feed), true);
  await settle();
  loads[0].reject(new Error('could not load natter.pagecontext.js'));
  await settle();
  assert.deepEqual(made, [['fed', 'suggestion_tapped', 'Shipping?']]);
  assert.equal(logged.length, 1, 'the failed download is the only line');
  assert.equal(watch.hold(enter('again'), feed), false, 'nothing loading now: sent at once');
});

test('nothing is held when no chunk loads, nor a newline, an IME Enter or an event that sends nothing', async () => {
  const { watch, timers, feed } = holdSetup();
  assert.equal(watch.hold(enter('hi'), feed), false, 'no page context on its way');
  watch.start();
  for (const event of [enter('a', { shift: true }), enter('a', { composing: true }), { type: 'composer_changed', chars: 3 },
    { type: 'retry_clicked', message_id: 'm1' }, { type: 'tick' }]) {
    assert.equal(watch.hold(event, feed), false, JSON.stringify(event));
  }
  assert.equal(timers.length, 0);
});
