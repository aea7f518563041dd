// The core frame's run loop (shim/frame/): the host posts each event at
// once, runs each reply's effects in order as it arrives, arms ONE timer
// from the newest reply's deadline, drops replies after dispose; the frame
// answers in order and reports a failed create. Fake ports for the timing
// rules, node's real MessageChannel and the real WASM core end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';
import { loadCore, coreWasmPath } from './load-core.mjs';
import { createRemoteCore } from '../../shim/frame/remote-core.js';
import { createRemoteCoreHost } from '../../shim/frame/remote-core-host.js';
import { createCoreServer } from '../../shim/frame/core-server.js';
import { openCoreFrame } from '../../shim/frame/open-frame.js';
import { READY, PORT } from '../../shim/frame/frame-protocol.js';
import { createCoreHost } from '../../shim/core-host.js';
import { fakeClock } from './fake-clock.mjs';

const skip = existsSync(coreWasmPath) ? false : 'WASM core not built (npm run build)';
const CONFIG = JSON.stringify({ chat_url: 'http://shop.test/api/chat', conversation_id: 'conv-1', seed_hi: '1', seed_lo: '2' });

// The host's end of a port whose replies the test delivers by hand.
function fakePort() {
  const port = {
    sent: [],
    closed: false,
    onmessage: null,
    postMessage: (m) => port.sent.push(m),
    close() { port.closed = true; },
    reply: (m) => port.onmessage({ data: { type: 'handled', conversation_id: 'conv-1', deadline: -1, stats: '{}', ...m } }),
  };
  return port;
}

const silent = { error() {} };
// Waits (up to 10 s) until `done()` holds: replies cross a real MessageChannel,
// and a fixed sleep is too short on a loaded machine.
async function until(done, ms = 10_000) {
  for (const end = Date.now() + ms; !done() && Date.now() < end;) await new Promise((r) => setTimeout(r, 5));
}

function remoteHost(port, runEffect, clock = fakeClock(), console = silent, onFailed = undefined) {
  const core = createRemoteCore(port);
  const host = createRemoteCoreHost({ core, runEffect, ...clock, console, onFailed });
  return { core, host, clock };
}

test('each event is posted at once with now(), and dispatch returns null', () => {
  const port = fakePort();
  const { host, clock } = remoteHost(port, () => {});
  assert.equal(host.dispatch({ type: 'send_clicked', text: 'hi' }), null);
  clock.t = 1500;
  host.dispatch({ type: 'composer_changed', chars: 0 });
  assert.deepEqual(port.sent, [
    { type: 'handle', event: '{"type":"send_clicked","text":"hi"}', now: 1000 },
    { type: 'handle', event: '{"type":"composer_changed","chars":0}', now: 1500 },
  ]);
});

test("each reply's effects run in order as it arrives; an effect's own dispatch is posted after", () => {
  const port = fakePort();
  const ran = [];
  let host;
  ({ host } = remoteHost(port, (e) => {
    ran.push(e.type);
    if (e.type === 'host_event') host.dispatch({ type: 'host_send', text: 'from a listener' });
  }));
  host.dispatch({ type: 'send_clicked', text: 'hi' });
  port.reply({ effects: JSON.stringify([{ type: 'clear_composer' }, { type: 'host_event' }, { type: 'user_message_shown' }]) });
  assert.deepEqual(ran, ['clear_composer', 'host_event', 'user_message_shown']);
  assert.deepEqual(port.sent.map((m) => JSON.parse(m.event).type), ['send_clicked', 'host_send']);
});

test('one timer is armed from the newest reply: a later reply re-arms or clears it', () => {
  const port = fakePort();
  const { clock } = remoteHost(port, () => {});
  // Replies come in event order; each carries the core's deadline after that event.
  port.reply({ effects: '[]', deadline: 5000 });
  assert.equal(clock.timers.size, 1);
  assert.equal([...clock.timers.values()][0].at, 5000);
  port.reply({ effects: '[]', deadline: 3000 });
  assert.equal(clock.timers.size, 1, 'never stacked');
  assert.equal([...clock.timers.values()][0].at, 3000);
  port.reply({ effects: '[]', deadline: -1 });
  assert.equal(clock.timers.size, 0, 'no deadline, no timer: the 3000 ms one is not left behind');
  port.reply({ effects: '[]', deadline: 2000 });
  clock.advance(2000);
  assert.deepEqual(port.sent.map((m) => [JSON.parse(m.event).type, m.now]), [['tick', 2000]]);
});

test('after dispose a reply still in flight runs nothing and arms nothing; the frame is told', () => {
  const port = fakePort();
  const ran = [];
  const { host, clock } = remoteHost(port, (e) => ran.push(e.type));
  host.dispatch({ type: 'send_clicked', text: 'hi' });
  host.dispose();
  port.reply({ effects: JSON.stringify([{ type: 'clear_composer' }]), deadline: 5000 });
  assert.deepEqual(ran, []);
  assert.equal(clock.timers.size, 0);
  assert.deepEqual(port.sent.at(-1), { type: 'dispose' });
  assert.equal(port.closed, true);
  host.dispatch({ type: 'send_clicked', text: 'again' });
  assert.equal(port.sent.filter((m) => m.type === 'handle').length, 1, 'nothing is posted after dispose');
});

test('conversationId and statsJson answer from the last reply', () => {
  const port = fakePort();
  const { core } = remoteHost(port, () => {});
  assert.equal(core.conversationId(), '');
  port.reply({ effects: '[]', conversation_id: 'conv-9', stats: '{"sends":1}' });
  assert.equal(core.conversationId(), 'conv-9');
  assert.equal(core.statsJson(), '{"sends":1}');
});

// A failed core's memory is not trusted (core-host.js): it is fed nothing
// more and the widget is told once (boot.js restarts or stops it).
for (const [what, bad] of [
  ['an error', { effects: '[]', error: 'RuntimeError: unreachable' }],
  ['effects that are not JSON', { effects: 'not json' }],
]) {
  test(`a reply with ${what} fails the core: reported, onFailed once, nothing more posted or run`, () => {
    const port = fakePort();
    const errors = [];
    const ran = [];
    const failures = [];
    const { host, clock } = remoteHost(port, (e) => ran.push(e.type), fakeClock(),
      { error: (...a) => errors.push(a.join(' ')) }, (err) => failures.push(err));
    host.dispatch({ type: 'send_clicked', text: 'hi' });
    port.reply({ effects: '[]', deadline: 5000 });
    assert.equal(clock.timers.size, 1, 'a deadline armed before the failure');
    port.reply(bad);
    assert.equal(errors.length, 1);
    assert.equal(failures.length, 1);
    assert.ok(failures[0] instanceof Error);
    assert.equal(clock.timers.size, 0, 'the timer went with the core');
    port.reply({ effects: JSON.stringify([{ type: 'clear_composer' }]), deadline: 6000 });
    assert.deepEqual(ran, [], 'a reply after the failure runs nothing');
    assert.equal(clock.timers.size, 0);
    host.dispatch({ type: 'send_clicked', text: 'again' });
    assert.equal(port.sent.filter((m) => m.type === 'handle').length, 1, 'nothing is posted after the failure');
    assert.equal(failures.length, 1, 'told once');
  });
}

test('a create the frame cannot carry out rejects with its message', async () => {
  const { port1, port2 } = new MessageChannel();
  createCoreServer({ port: port2, loadModule: async () => { throw new TypeError('fetching natter.core.wasm failed: HTTP 404'); }, console: silent });
  const remote = createRemoteCore(port1);
  await assert.rejects(remote.create(CONFIG, { path: 'x.wasm', integrity: 'sha384-x' }), /TypeError: fetching natter\.core\.wasm failed: HTTP 404/);
  port1.close();
});

test('the frame does not call a core that trapped again: later events get the same error, and it is not freed', { skip }, async () => {
  const { wasm } = await loadCore();
  const calls = { handle: 0, delete: 0 };
  const trapping = {
    ...wasm,
    natter_core_handle() { calls.handle += 1; throw new WebAssembly.RuntimeError('unreachable'); },
    natter_core_delete(...a) { calls.delete += 1; return wasm.natter_core_delete(...a); },
  };
  const { port1, port2 } = new MessageChannel();
  createCoreServer({ port: port2, loadModule: async () => trapping, console: silent });
  const core = createRemoteCore(port1);
  try {
    await core.create(CONFIG, { path: 'natter.core.wasm', integrity: 'sha384-x' });
    const replies = [];
    core.onHandled((r) => replies.push(r.error));
    core.handle('{"type":"tick"}', 1);
    core.handle('{"type":"tick"}', 2);
    await until(() => replies.length === 2);
    assert.deepEqual(replies, ['unreachable', 'unreachable']);
    assert.equal(calls.handle, 1, 'the trapped core was called once');
    core.delete();
    await until(() => calls.delete > 0, 200);
    assert.equal(calls.delete, 0, 'and not even called to be freed');
  } finally {
    port1.close();
    port2.close();
  }
});

// Runs `events` through a core in this thread (core-host.js) and through a
// core behind a real MessageChannel (the frame's server), and returns both
// effect transcripts.
async function bothWays(events) {
  const { wasm, NatterCore } = await loadCore();
  const local = [];
  const localCore = new NatterCore(CONFIG);
  const localHost = createCoreHost({ core: localCore, runEffect: (e) => local.push(e), ...fakeClock(), console: silent });
  for (const e of events) localHost.dispatch(e);
  const localIdentity = JSON.parse(localCore.identityJson());
  const localStats = localCore.statsJson();
  localHost.dispose();

  const { port1, port2 } = new MessageChannel();
  createCoreServer({ port: port2, loadModule: async () => wasm, console: silent });
  const core = createRemoteCore(port1);
  await core.create(CONFIG, { path: 'natter.core.wasm', integrity: 'sha384-x' });
  const remote = [];
  const host = createRemoteCoreHost({ core, runEffect: (e) => remote.push(e), ...fakeClock(), console: silent });
  for (const e of events) host.dispatch(e);
  // Every reply is in once the remote transcript is as long as the local one
  // and the cached stats have caught up with the local core's.
  await until(() => remote.length >= local.length && core.statsJson() === localStats);
  const stats = JSON.parse(core.statsJson());
  const identity = JSON.parse(core.identityJson());
  host.dispose();
  return { local, remote, conversationId: core.conversationId(), stats, identity, localIdentity };
}

test('over a real MessageChannel the frame core gives the same effects, in the same order, as a local core', { skip }, async () => {
  const events = [
    { type: 'composer_changed', chars: 22 },
    { type: 'enter_pressed', text: 'do you have PS5 games?', shift: false, composing: false, repeat: false },
    { type: 'enter_pressed', text: 'again', shift: false, composing: false, repeat: true },
    { type: 'enter_pressed', text: 'x', shift: true, composing: false, repeat: false },
    { type: 'host_identify', visitor: { id: 'shopper-7', name: 'Ana' } },
  ];
  const { local, remote, conversationId, stats, identity, localIdentity } = await bothWays(events);
  assert.equal(identity.identified, true, 'natter(\'debug\') sees the visitor through the frame');
  assert.deepEqual(identity, localIdentity);
  assert.ok(local.some((e) => e.type === 'consume_key') && local.length >= 4, JSON.stringify(local));
  assert.deepEqual(remote, local);
  assert.equal(conversationId, 'conv-1');
  assert.equal(stats.blocked_sends, 1, 'the repeat was blocked, as the cached stats say');
});

// A window and an iframe with nothing but the calls open-frame.js makes.
function fakeFrameWorld({ answer }) {
  const listeners = new Set();
  const win = {
    MessageChannel,
    addEventListener: (type, fn) => listeners.add(fn),
    removeEventListener: (type, fn) => listeners.delete(fn),
    listeners,
    deliver: (event) => { for (const fn of [...listeners]) fn(event); },
  };
  const root = { children: [], appendChild(el) { root.children.push(el); el.parent = root; answer(el, win); } };
  const docListeners = new Set();
  const doc = {
    addEventListener: (type, fn) => docListeners.add(fn),
    removeEventListener: (type, fn) => docListeners.delete(fn),
    listeners: docListeners,
    violation: (event) => { for (const fn of [...docListeners]) fn(event); },
    createElement: () => {
      const el = {
        attrs: {},
        setAttribute(n, v) { el.attrs[n] = v; },
        remove() { root.children.splice(root.children.indexOf(el), 1); },
        contentWindow: { postMessage: (data, origin, ports) => el.onPost?.(data, origin, ports) },
      };
      return el;
    },
  };
  return { win, root, doc };
}

test('the handshake: only our frame from its origin gets the port; the core is created over it', { skip }, async () => {
  const { wasm } = await loadCore();
  const posted = [];
  const world = fakeFrameWorld({
    answer(iframe, win) {
      iframe.onPost = (data, origin, ports) => {
        posted.push({ data, origin });
        createCoreServer({ port: ports[0], loadModule: async () => wasm, console: silent });
      };
      // A stranger's READY first (another window, then the wrong origin): ignored.
      win.deliver({ source: {}, origin: 'http://widget.test', data: { natter: READY } });
      win.deliver({ source: iframe.contentWindow, origin: 'http://evil.test', data: { natter: READY } });
      win.deliver({ source: iframe.contentWindow, origin: 'http://widget.test', data: { natter: READY } });
    },
  });
  const clock = fakeClock();
  const core = await openCoreFrame({
    ...world, url: 'http://widget.test/natter.frame.abc.html', config: CONFIG,
    wasm: { path: 'http://widget.test/natter.core.x.wasm', integrity: 'sha384-x' }, ...clock,
  });
  assert.deepEqual(posted, [{ data: { natter: PORT }, origin: 'http://widget.test' }]);
  assert.equal(core.conversationId(), 'conv-1');
  assert.equal(world.root.children[0].hidden, true);
  assert.equal(world.win.listeners.size, 0, 'the window listener is gone');
  assert.equal(world.doc.listeners.size, 0, 'so is the violation listener');
  assert.equal(clock.timers.size, 0, 'the timeout is cleared');
  // A replaced core (another conversation, a restart after a failure) takes its frame with it.
  core.delete();
  assert.equal(world.root.children.length, 0, 'deleting the core removes its iframe');
  core.delete();
  assert.equal(world.root.children.length, 0, 'a second delete changes nothing');
});

test('a frame that never answers fails with NatterFrameError after the timeout and is removed', async () => {
  const world = fakeFrameWorld({ answer() {} });
  const clock = fakeClock();
  const started = openCoreFrame({
    ...world, url: 'http://widget.test/natter.frame.abc.html', config: CONFIG,
    wasm: { path: 'x.wasm', integrity: 'sha384-x' }, ...clock, timeoutMs: 10000,
  });
  assert.equal(world.root.children.length, 1);
  clock.advance(10999);
  assert.equal(world.root.children.length, 1, "still waiting 1 ms before the bound");
  clock.advance(11000);
  await assert.rejects(started, (err) => err.name === 'NatterFrameError' && /http:\/\/widget\.test did not answer within 10 s/.test(err.message));
  assert.equal(world.root.children.length, 0);
  assert.equal(world.win.listeners.size, 0);
});

test("a frame the page's CSP blocks fails at once, naming the directive; other violations are not ours", async () => {
  const world = fakeFrameWorld({ answer() {} });
  const clock = fakeClock();
  const started = openCoreFrame({
    ...world, url: 'http://widget.test/natter.frame.abc.html', config: CONFIG,
    wasm: { path: 'x.wasm', integrity: 'sha384-x' }, ...clock,
  });
  world.doc.violation({ effectiveDirective: 'img-src', blockedURI: 'http://widget.test/logo.png' });
  world.doc.violation({ effectiveDirective: 'frame-src', blockedURI: 'http://ads.test/banner.html' });
  assert.equal(world.root.children.length, 1, 'still waiting');
  world.doc.violation({ effectiveDirective: 'frame-src', blockedURI: 'http://widget.test/natter.frame.abc.html' });
  await assert.rejects(started, (err) => err.name === 'NatterFrameError'
    && err.message === "this page's frame-src directive blocks the chat frame from http://widget.test");
  assert.equal(world.root.children.length, 0);
  assert.equal(clock.timers.size, 0);
  assert.equal(world.doc.listeners.size, 0);
});
