// The live session end to end inside node: the real WASM core (build/wasm)
// driven by the shim's run loop, config, ws-transport (over a fake
// WebSocket played by the test as the server) and effect table, with a
// recording UI and an in-memory session storage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { coreWasmPath, loadCore } from './load-core.mjs';
import { coreConfig, SESSION_KEY } from '../../shim/config.js';
import { createCoreHost } from '../../shim/core-host.js';
import { createEffectRunner } from '../../shim/effects.js';
import { createWsTransport } from '../../shim/ws-transport.js';
import { createListeners } from '../../shim/listeners.js';

const skip = existsSync(coreWasmPath) ? false : 'WASM core not built (npm run build)';
const seeds = { hi: '00000000000000aa', lo: '00000000000000bb', key: 'c0ffee'.repeat(8) };

// `t` is the test context: the core is disposed when the test ends, pass or
// fail (an armed heartbeat timer would otherwise keep node running).
async function harness(t, { stored = {} } = {}) {
  const { NatterCore } = await loadCore();
  const storage = new Map(Object.entries(stored));
  const config = coreConfig({
    dataset: { endpoint: 'http://shop.test', transport: 'session' }, pageUrl: 'http://shop.test/', seeds,
    storedId: storage.get('natter.conversation') ?? null, tabId: 'tab-1', build: 'b123',
    storedSession: storage.get(SESSION_KEY) ?? null,
  });
  const core = new NatterCore(JSON.stringify(config));
  const sockets = [];
  class FakeWebSocket {
    constructor(url) { this.url = url; this.readyState = 0; this.sent = []; sockets.push(this); }
    send(text) { this.sent.push(JSON.parse(text)); }
    close(code, reason) { this.readyState = 3; this.onclose?.({ code, reason }); }
    open() { this.readyState = 1; this.onopen?.({}); }
    server(frame) { this.onmessage?.({ data: JSON.stringify(frame) }); }
  }
  const ui = { calls: [] };
  const rec = (name) => (arg) => ui.calls.push([name, arg]);
  ui.composer = { clear: rec('clear'), showError: rec('error') };
  ui.messages = { addUser: rec('user'), setDelivery: rec('delivery'), updateAgent: rec('agent'), addCard: rec('card'), addNotice: rec('notice') };
  ui.status = { show: rec('status') };
  const lines = [];
  const console = { debug: (t) => lines.push(t), info: (t) => lines.push(t), warn: (t) => lines.push(t), error: (t) => lines.push(t) };
  const log = (level, text) => lines.push(`${level}: ${text}`);
  let host;
  const dispatch = (e) => host.dispatch(e);
  const session = createWsTransport({ WebSocket: FakeWebSocket, fetch: async () => ({ status: 426, headers: new Headers() }), dispatch, wallNow: Date.now, log });
  const runEffect = createEffectRunner({
    ui, session, listeners: createListeners({ console }), log,
    transport: { start() { throw new Error('no HTTP in session mode'); }, abort() {} },
    storage: { get: (k) => storage.get(k) ?? null, set: (k, v) => storage.set(k, v) },
  });
  host = createCoreHost({ core, runEffect, now: () => performance.now(), setTimeout, clearTimeout, console });
  let disposed = false;
  const dispose = () => { if (!disposed) { disposed = true; host.dispose(); } };
  t.after(dispose);
  const of = (kind) => ui.calls.filter(([k]) => k === kind).map(([, v]) => v);
  const welcome = (ws, fields = {}) => ws.server({ type: 'welcome', session_id: core.conversationId(), resume_token: 'tok-1',
    resumed: false, replaced: false, acked: [], event_seq: 0, heartbeat_ms: 15000, ...fields });
  return { host, core, sockets, storage, of, welcome, lines, dispose };
}

test('session_wanted opens the socket, says hello, and a sent message is acked', { skip }, async (t) => {
  const h = await harness(t);
  h.host.dispatch({ type: 'session_wanted' });
  assert.equal(h.sockets.length, 1);
  assert.equal(h.sockets[0].url, 'ws://shop.test/api/session');
  assert.equal(h.of('status').at(-1).state, 'connecting');
  h.sockets[0].open();
  const [{ conversation_key: key, ...hello }] = h.sockets[0].sent;
  // Drawn apart from the seeds of the ids the shop sees (shim/config.js).
  assert.equal(key, seeds.key, 'the conversation_key is the one the page drew for it, not one from the id generator');
  assert.deepEqual(hello, { type: 'hello', v: 1, session_id: h.core.conversationId(), resume_token: '',
    last_event_seq: 0, tab_id: 'tab-1', build: 'b123', features: ['handoff', 'presence', 'suggestions', 'actions'] });
  h.welcome(h.sockets[0]);
  assert.equal(h.of('status').at(-1).text, 'Connected');
  h.host.dispatch({ type: 'send_clicked', text: 'do you have PS5 games?' });
  const msg = h.sockets[0].sent.at(-1);
  assert.equal(msg.type, 'msg');
  assert.equal(msg.text, 'do you have PS5 games?');
  h.sockets[0].server({ type: 'ack', message_id: msg.message_id });
  assert.deepEqual(h.of('delivery').map((d) => d.state), ['sending', 'sent']);
  const saved = JSON.parse(h.storage.get(SESSION_KEY));
  assert.equal(saved.session_id, h.core.conversationId());
  assert.equal(saved.resume_token, 'tok-1');
});

test('offline: a message is queued, then sent once with the same id after the reconnect', { skip }, async (t) => {
  const h = await harness(t);
  h.host.dispatch({ type: 'session_wanted' });
  h.sockets[0].open();
  h.welcome(h.sockets[0]);
  h.host.dispatch({ type: 'network_changed', online: false });
  h.sockets[0].onclose({ code: 1006, reason: '' }); // the network cut drops the socket
  assert.equal(h.of('status').at(-1).state, 'offline');
  h.host.dispatch({ type: 'send_clicked', text: 'still there?' });
  const queued = h.of('delivery').at(-1);
  assert.equal(queued.state, 'queued');
  assert.equal(queued.detail, "Will send when you're back online.");
  h.host.dispatch({ type: 'network_changed', online: true });
  assert.equal(h.sockets.length, 2, 'online reconnects at once');
  h.sockets[1].open();
  h.welcome(h.sockets[1], { resumed: true });
  const msgs = h.sockets.flatMap((s) => s.sent).filter((f) => f.type === 'msg');
  assert.deepEqual(msgs.map((m) => m.message_id), [queued.message_id]);
});

test('a reload restores the persisted outbox and resume token, and sends the same id', { skip }, async (t) => {
  const first = await harness(t);
  first.host.dispatch({ type: 'session_wanted' });
  first.sockets[0].open();
  first.welcome(first.sockets[0]);
  first.host.dispatch({ type: 'network_changed', online: false });
  first.sockets[0].onclose({ code: 1006, reason: '' });
  first.host.dispatch({ type: 'send_clicked', text: 'keep this' });
  const id = first.of('user')[0].message_id;
  const stored = { 'natter.conversation': first.core.conversationId(), [SESSION_KEY]: first.storage.get(SESSION_KEY) };
  first.dispose();

  const second = await harness(t, { stored });
  second.host.dispatch({ type: 'session_wanted' });
  assert.deepEqual(second.of('user').map((u) => [u.message_id, u.text]), [[id, 'keep this']]);
  assert.equal(second.of('delivery')[0].state, 'queued');
  second.sockets[0].open();
  assert.equal(second.sockets[0].sent[0].resume_token, 'tok-1');
  second.welcome(second.sockets[0], { resumed: true });
  assert.deepEqual(second.sockets[0].sent.filter((f) => f.type === 'msg').map((m) => m.message_id), [id]);
});
