// host-api: the shop's natter(...) commands once the core runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHostApi } from '../../shim/host-api.js';
import { createListeners } from '../../shim/listeners.js';

function setup() {
  const errors = [];
  const console = { error: (...a) => errors.push(a.join(' ')) };
  const fed = [];
  const calls = [];
  const panel = { open: () => calls.push('open'), close: () => calls.push('close'), toggle: () => calls.push('toggle') };
  const listeners = createListeners({ console });
  const pageWatch = { context: (v) => calls.push(['context', v]), cart: (fn) => calls.push(['cart', fn]) };
  const run = createHostApi({
    pageWatch,
    panel, dispatch: (e) => fed.push(e), listeners, console,
    manifest: { version: '0.1.0', build: 'abc123' },
    core: {
      conversationId: () => 'conv-1',
      statsJson: () => '{"messages_sent":1}',
      identityJson: () => '{"identified":true,"visitor_id":"u-7"}',
    },
    log: { entries: () => [] },
  });
  return { run, fed, calls, errors, listeners };
}

test('send becomes the core event host_send; the core decides the rest', () => {
  const { run, fed } = setup();
  run(['send', 'do you have PS5 games?']);
  assert.deepEqual(fed, [{ type: 'host_send', text: 'do you have PS5 games?' }]);
});

test('identify passes the value through as host_identify; the core checks it', () => {
  const { run, fed, errors } = setup();
  const ana = { id: 'u-7', name: 'Ana', email: 'not checked here' };
  run(['identify', ana]);
  run(['identify', null]);
  run(['identify']);
  assert.deepEqual(fed, [
    { type: 'host_identify', visitor: ana },
    { type: 'host_identify', visitor: null },
    { type: 'host_identify', visitor: undefined },
  ]);
  assert.equal(errors.length, 0);
});

test('open, close and toggle drive the panel', () => {
  const { run, calls } = setup();
  run(['open']); run(['toggle']); run(['close']);
  assert.deepEqual(calls, ['open', 'toggle', 'close']);
});

test('version answers with the manifest', () => {
  assert.deepEqual(setup().run(['version']), { version: '0.1.0', build: 'abc123' });
});

test('on/off subscribe to host events; a throwing listener does not stop the others', () => {
  const { run, listeners, errors } = setup();
  const got = [];
  const fn = (p) => got.push(p.text);
  run(['on', 'message', () => { throw new Error('shop bug'); }]);
  run(['on', 'message', fn]);
  listeners.emit('message', { text: 'hi' });
  run(['off', 'message', fn]);
  listeners.emit('message', { text: 'again' });
  assert.deepEqual(got, ['hi']);
  assert.equal(errors.length, 2);
});

test('an unknown command logs one clear error and returns nothing', () => {
  const { run, errors, fed } = setup();
  assert.equal(run(['sned', 'hi']), undefined);
  assert.equal(errors.length, 1);
  assert.match(errors[0], /^\[natter\] unknown command "sned" \(known: open, close, toggle, send, starters, identify, context, cart, action, on, off, version, debug, voice, disconnect, handoff\)$/);
  assert.equal(fed.length, 0);
});

test('bad arguments are reported, not thrown at the shop', () => {
  const { run, errors, fed } = setup();
  run(['send', 42]);
  run(['on', 'mesage', () => {}]);
  run(['on', 'message', 'not a function']);
  assert.equal(fed.length, 0);
  assert.equal(errors.length, 3);
  assert.match(errors[1], /unknown event 'mesage'/);
});

test('debug returns what a support request needs', () => {
  const d = setup().run(['debug']);
  assert.equal(d.conversation_id, 'conv-1');
  assert.equal(d.identified, true);
  assert.equal(d.visitor_id, 'u-7');
  assert.deepEqual(d.stats, { messages_sent: 1 });
});

test("disconnect ends the live session in session mode; close only hides the panel", () => {
  const make = (session) => {
    const fed = [];
    const calls = [];
    const run = createHostApi({
      panel: { close: () => calls.push('close') }, dispatch: (e) => fed.push(e), console: { error() {} },
      listeners: createListeners({ console }), manifest: {}, core: {}, log: {}, session,
    });
    return { run, fed, calls };
  };
  const live = make(true);
  live.run(['close']);
  assert.deepEqual(live.fed, [], 'close sends nothing to the core');
  assert.deepEqual(live.calls, ['close']);
  live.run(['disconnect']);
  assert.deepEqual(live.fed, [{ type: 'session_closed_by_host' }]);
  const http = make(false);
  http.run(['disconnect']);
  assert.deepEqual(http.fed, [], 'no session over HTTP: a no-op');
});

test("debug 'panel' toggles the debug panel and opens the chat to show it", () => {
  const calls = [];
  let shown = false;
  const run = createHostApi({
    panel: { open: () => calls.push('open') }, dispatch: () => {}, listeners: createListeners({ console }),
    console, manifest: { version: '0.1.0', build: 'abc123', env: 'development' },
    core: { conversationId: () => 'conv-1', statsJson: () => '{}', identityJson: () => '{"identified":false}' },
    log: { entries: () => [] }, debugPanel: { toggle: () => (shown = !shown) },
  });
  assert.equal(run(['debug', 'panel']), true);
  assert.deepEqual(calls, ['open']);
  assert.equal(run(['debug', 'panel']), false);
  assert.deepEqual(calls, ['open'], 'hiding it leaves the chat as it is');
  assert.equal(typeof run(['debug']).conversation_id, 'string', 'the support dump is unchanged');
});

test("debug 'panel' in a production build: a note, no panel", () => {
  const infos = [];
  const run = createHostApi({
    panel: { open: () => assert.fail('nothing to open') }, dispatch: () => {},
    listeners: createListeners({ console }), console: { info: (t) => infos.push(t), error: assert.fail },
    manifest: { version: '0.1.0', build: 'abc123', env: 'production' },
    core: { conversationId: () => 'conv-1', statsJson: () => '{}' }, log: { entries: () => [] },
  });
  assert.equal(run(['debug', 'panel']), false);
  assert.deepEqual(infos, ['[natter] the debug panel exists only in development and staging builds (this is production)']);
});

test('starters passes the list through as host_starters; the core checks it and decides whether it shows', () => {
  const { run, fed, errors } = setup();
  run(['starters', ['Where is my order?', 'Returns']]);
  run(['starters', 'not a list']);
  assert.deepEqual(fed, [
    { type: 'host_starters', starters: ['Where is my order?', 'Returns'] },
    { type: 'host_starters', starters: 'not a list' },
  ]);
  assert.deepEqual(errors, []);
});

test('context and cart go to the page watch as given (it loads, checks and reports: shim-page-context)', () => {
  const { run, fed, calls, errors } = setup();
  const hook = () => ({ items: [] });
  run(['context', { currency: 'GBP' }]);
  run(['context', null]);
  run(['cart', hook]);
  assert.deepEqual(calls, [['context', { currency: 'GBP' }], ['context', null], ['cart', hook]]);
  assert.deepEqual(fed, []);
  assert.deepEqual(errors, []);
});
