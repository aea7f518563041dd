// The session UI chunk (shim/session-ui/): the live session's UI beyond a
// first chat is downloaded apart from the core bundle, and the effects it
// carries out are held until it is in (session-ui-host.js). These check the
// holding (order, one download, what a failed download answers, the flood
// bound, the voice stand-in) and that, in session mode, every effect the
// core can send has exactly one home: the core bundle's table or the chunk's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createSessionUiHost, MAX_HELD_EFFECTS } from '../../shim/session-ui/session-ui-host.js';
import { createSessionUi } from '../../shim/session-ui/session-ui.js';
import { createEffectRunner } from '../../shim/effects.js';
import { createPanel } from '../../shim/ui/panel.js';
import { createMicButton } from '../../shim/ui/mic-button.js';
import { createHandoffOffer } from '../../shim/ui/handoff-offer.js';
import { createFakeDocument } from './fake-dom.mjs';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

// A host whose chunk is `chunk` (a {effects, voice} or an Error), handed
// over when the test calls deliver().
function setup(chunk = { effects: {}, voice: null }) {
  const dispatched = [];
  const logs = [];
  let loads = 0;
  let deliver;
  const host = createSessionUiHost({
    load: () => {
      loads += 1;
      return new Promise((resolve, reject) => {
        deliver = () => (chunk instanceof Error ? reject(chunk) : resolve({ chunk }));
      });
    },
    build: (parts) => parts.chunk,
    dispatch: (e) => dispatched.push(e),
    log: (level, text) => logs.push([level, text]),
  });
  return { host, dispatched, logs, loads: () => loads, deliver: async () => { await tick(); deliver(); await tick(); } };
}

test('effects wait for the chunk, in order; the first one starts the one download', async () => {
  const ran = [];
  const record = (e) => ran.push(`${e.type}:${e.n}`);
  const s = setup({ effects: { voice_state_changed: record, typing_changed: record }, voice: null });
  s.host.run({ type: 'voice_state_changed', n: 1 });
  s.host.run({ type: 'typing_changed', n: 2 });
  s.host.run({ type: 'voice_state_changed', n: 3 });
  s.host.load(); // the panel opened meanwhile: still one download
  assert.deepEqual(ran, []);
  await s.deliver();
  assert.equal(s.loads(), 1);
  assert.deepEqual(ran, ['voice_state_changed:1', 'typing_changed:2', 'voice_state_changed:3']);
  s.host.run({ type: 'typing_changed', n: 4 });
  assert.deepEqual(ran.at(-1), 'typing_changed:4', 'once in, an effect runs at once');
  assert.deepEqual(s.logs, []);
});

test('the panel opening downloads it before any effect needs it', async () => {
  const ran = [];
  const s = setup({ effects: { continue_offer: (e) => ran.push(e.type) }, voice: null });
  s.host.load();
  await s.deliver();
  s.host.run({ type: 'continue_offer' });
  assert.deepEqual(ran, ['continue_offer']);
  assert.equal(s.loads(), 1);
});

test('a chunk that cannot load answers what the core waits for, and the next effect tries again', async () => {
  const s = setup(new Error('could not load natter.sessionui.js'));
  s.host.run({ type: 'voice_state_changed', state: 'connecting' });
  s.host.run({ type: 'voice_runtime_load' });
  s.host.run({ type: 'continue_redeem', request_id: 7 });
  await s.deliver();
  assert.deepEqual(s.dispatched, [
    { type: 'voice_runtime_failed', reason: 'could not load natter.sessionui.js' },
    { type: 'continue_redeemed', request_id: 7, status: 0, code: '' },
  ]);
  assert.equal(s.logs.length, 1);
  assert.equal(s.logs[0][0], 'error');
  assert.match(s.logs[0][1], /session UI could not load .*: 3 effect/);
  s.host.run({ type: 'voice_state_changed', state: 'off' });
  await tick();
  assert.equal(s.loads(), 2, 'a later effect downloads again');
});

test('a type the chunk has no handler for either is reported; a throwing handler does not stop the rest', async () => {
  const ran = [];
  const s = setup({ effects: { typing_changed: () => { throw new Error('boom'); }, elsewhere_changed: (e) => ran.push(e.type) }, voice: null });
  s.host.run({ type: 'typing_changed' });
  s.host.run({ type: 'elsewhere_changed' });
  await s.deliver();
  assert.deepEqual(ran, ['elsewhere_changed']);
  s.host.run({ type: 'no_such_effect' });
  assert.deepEqual(s.logs, [
    ['error', 'effect typing_changed failed: boom'],
    ['warn', 'unknown effect type "no_such_effect" (core newer than shim?)'],
  ]);
});

test('a flood while it downloads is bounded', async () => {
  let ran = 0;
  const s = setup({ effects: { typing_changed: () => { ran += 1; } }, voice: null });
  for (let i = 0; i < MAX_HELD_EFFECTS + 25; i += 1) s.host.run({ type: 'typing_changed' });
  await s.deliver();
  assert.equal(ran, MAX_HELD_EFFECTS);
  assert.equal(s.logs.filter(([level]) => level === 'warn').length, 25);
});

test('the voice stand-in does nothing before the chunk, and forwards once it is in', async () => {
  const calls = [];
  const voice = {
    onBinary: (c, b) => calls.push(['onBinary', c, b]), resume: () => calls.push(['resume']), stop: () => calls.push(['stop']),
    route: () => ({ rung: 'websocket' }), uplinkMs: () => 1, downlinkMs: () => 2, micTracks: () => ['track'],
  };
  const s = setup({ effects: {}, voice });
  s.host.voice.onBinary(1, 'x');
  s.host.voice.resume();
  s.host.voice.stop();
  assert.deepEqual([s.host.voice.route(), s.host.voice.uplinkMs(), s.host.voice.downlinkMs(), s.host.voice.micTracks()],
    [null, null, null, []]);
  assert.deepEqual(calls, []);
  s.host.load();
  await s.deliver();
  s.host.voice.onBinary(1, 'x');
  s.host.voice.resume();
  s.host.voice.stop();
  assert.deepEqual(calls, [['onBinary', 1, 'x'], ['resume'], ['stop']]);
  assert.deepEqual([s.host.voice.route(), s.host.voice.uplinkMs(), s.host.voice.downlinkMs(), s.host.voice.micTracks()],
    [{ rung: 'websocket' }, 1, 2, ['track']]);
});

// Every effect type the core encodes (encode_effect in wasm/src/boundary/codec.cpp).
function coreEffectTypes() {
  const codec = readFileSync(new URL('../../wasm/src/boundary/codec.cpp', import.meta.url), 'utf8');
  const body = codec.slice(codec.indexOf('json encode_effect('), codec.indexOf('json encode_event('));
  return [...new Set([...body.matchAll(/\{"type", "([a-z_]+)"\}/g)].map((m) => m[1]))];
}

// The panel and the controls boot.js draws in session mode, on a fake DOM.
function sessionPanel() {
  const doc = createFakeDocument();
  const host = doc.createElement('natter-widget');
  doc.body.appendChild(host);
  const root = host.attachShadow({ mode: 'open' });
  root.adoptedStyleSheets = [];
  const launcher = doc.createElement('button');
  root.appendChild(launcher);
  const t = (key) => key;
  const panel = createPanel({ doc, root, launcher, title: 'Chat', t, onOpenChange: () => {} });
  const ui = {
    panel,
    micButton: createMicButton({ doc, composerRow: panel.sendButton.parentNode, sendButton: panel.sendButton, t, onStart() {} }),
    handoff: createHandoffOffer({ doc, parent: panel.panel, before: panel.list.parentNode.nextSibling, t, onAsk() {} }),
    continueButton: doc.createElement('button'), // continue-button.js needs querySelector, which the fake DOM has not
  };
  return { doc, root, ui, t };
}

test('in session mode every effect the core sends has one home: the core bundle or the chunk', () => {
  const types = coreEffectTypes();
  assert.ok(types.length > 40 && types.includes('voice_state_changed') && types.includes('agent_reply_updated'), types.join());
  const { doc, root, ui, t } = sessionPanel();
  globalThis.CSSStyleSheet = class { replaceSync(css) { this.css = css; } };
  const chunk = createSessionUi({
    doc, win: {}, root, ui, t, dispatch() {}, log() {}, session: {}, fetch: async () => ({}), manifest: { files: {} },
    base: 'https://widget.example/', pageHref: () => 'https://shop.example/', listeners: { emit() {} },
  });
  delete globalThis.CSSStyleSheet;
  assert.equal(root.adoptedStyleSheets.length, 1, 'the chunk adopts its sheet');
  assert.match(root.adoptedStyleSheets[0].css, /\.voice-meter-fill/);
  // What the core bundle's table runs itself, and what it hands to the chunk.
  const toChunk = [];
  const anything = new Proxy(function anything() {}, { get: (_, key) => (key === 'then' ? undefined : anything), apply: () => anything });
  const runEffect = createEffectRunner({
    // conversations: ui/conversations.js's table (data-conversations="multiple", the only mode in which the core sends it)
    ui: { handoff: ui.handoff, conversations: { effects: { conversations_shown() {} } }, composer: anything, messages: anything, status: anything },
    transport: anything, session: anything, storage: anything, listeners: anything, log: () => {}, fetchToken: anything,
    checkChannel: anything, openConversation: anything, sessionUi: { run: (e) => toChunk.push(e.type) },
  });
  for (const type of types) runEffect({ type, shown: false, state: 'off', muted: false });
  const inChunk = Object.keys(chunk.effects);
  assert.deepEqual(toChunk.filter((type) => !inChunk.includes(type)), [], 'handed to the chunk, which has no handler');
  const bundleRuns = types.filter((type) => !toChunk.includes(type));
  assert.deepEqual(bundleRuns.filter((type) => inChunk.includes(type)), [], 'a handler in both');
  assert.deepEqual(inChunk.filter((type) => !types.includes(type)), [], 'a chunk handler for no core effect');
  // The chunk carries the session's UI beyond a first chat, nothing a first chat needs.
  for (const type of ['voice_state_changed', 'voice_runtime_load', 'typing_changed', 'handoff_email_form', 'continue_offer', 'continue_redeem']) {
    assert.ok(inChunk.includes(type), type);
  }
  for (const type of ['agent_reply_updated', 'ws_send', 'handoff_offer', 'status_changed']) assert.ok(bundleRuns.includes(type), type);
});
