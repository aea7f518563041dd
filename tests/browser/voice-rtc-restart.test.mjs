// A network change during a call on WebRTC ("on online or a
// network change, an ICE restart with fresh TURN credentials first, then a
// new peer connection, then the WebSocket"), end to end in headless
// Chromium against the reference gateway (werift): the page's `online`
// makes the core ask for a fresh config and restart ICE on the same peer
// connection (voice_ladder.hpp, RestartConfig -> Restarting); frames ride
// the WebSocket meanwhile; the call comes back on the data channel without
// a new microphone prompt, a second greeting or an ended call. The same
// with the path really cut for 2 s at the gateway during the change.
// (The TURN case, with fresh credentials: voice-rtc-turn.test.mjs.)
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStack, eventually } from './harness.mjs';
import { openConnected, sentOf, receivedOf } from './session-helpers.mjs';
import { speechWav, micArgs, recordVoiceStates, gatewayCall as gatewayCallOf } from './voice-audio.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'natter-voice-restart-'));
const shopperWav = speechWav(dir, 'shopper', 'Hello, I am looking for running shoes in size nine. Do you have any?',
  { leadSeconds: 4, tailSeconds: 3 });

let stack;
before(async () => { stack = await startStack({ extraArgs: micArgs(shopperWav) }); });
after(async () => { await stack?.close(); rmSync(dir, { recursive: true, force: true }); });
beforeEach(() => stack.reset());

const gatewayCall = (s) => gatewayCallOf(stack, s);
const totals = async () => (await stack.stats()).voice;

// The voice bar's rung (data-rung), and every rung it showed, in order.
const rungLocator = (s, rung) => s.widget.locator(`.voice[data-rung="${rung}"]`);
const waitForRung = (s, rung, timeout = 20_000) => rungLocator(s, rung).waitFor({ state: 'attached', timeout });
const recordRungs = (page) => page.evaluate(() => {
  const bar = document.querySelector('natter-widget').shadowRoot.querySelector('[part="voice-bar"]');
  const seen = (window.__rungs = [bar.getAttribute('data-rung')]);
  new MutationObserver(() => {
    const rung = bar.getAttribute('data-rung');
    if (seen.at(-1) !== rung) seen.push(rung);
  }).observe(bar, { attributes: true, attributeFilter: ['data-rung'] });
});

const countMic = (page) => page.addInitScript(() => {
  const md = navigator.mediaDevices;
  const real = md.getUserMedia.bind(md);
  window.__micCalls = 0;
  md.getUserMedia = async (c) => { window.__micCalls++; return real(c); };
});

// navigator.connection as Chromium on Android has it (desktop Chromium has
// no `type`): an EventTarget whose type the test changes.
const fakeConnection = (page) => page.addInitScript(() => {
  const connection = new EventTarget();
  connection.type = 'wifi';
  connection.effectiveType = '4g';
  Object.defineProperty(Navigator.prototype, 'connection', { configurable: true, get: () => connection });
});

async function listeningOnDirectWebRtc({ onPage } = {}) {
  const s = await openConnected(stack, { onPage: async (page) => { await countMic(page); if (onPage) await onPage(page); } });
  await recordVoiceStates(s.page);
  await s.widget.getByRole('button', { name: 'Start a voice call' }).click();
  await waitForRung(s, 'webrtc_direct');
  await s.widget.locator('.voice[data-state="listening"]').waitFor({ state: 'attached', timeout: 20_000 }); // greeting done
  await recordRungs(s.page);
  return s;
}

// What must hold after any rung change: one call, one prompt, one greeting.
async function assertOneUnbrokenCall(s) {
  assert.equal(sentOf(s, 'voice.start').length, 1, 'one call: no new voice.start, so no second greeting');
  assert.equal(sentOf(s, 'voice.end').length, 0);
  assert.equal(receivedOf(s, 'voice.agent').filter((f) => f.state === 'start' && f.utterance === 1).length, 1, 'one greeting');
  assert.equal(await s.page.evaluate(() => window.__micCalls), 1, 'never a new microphone prompt');
  assert.ok(!(await s.page.evaluate(() => window.__voiceStates)).includes('off'), 'never ended');
}

// The restart as the frames show it: a second config asked for, an offer
// marked restart for the same pc_id, answered; no new peer connection.
function assertIceRestartOfTheSameConnection(s) {
  assert.equal(sentOf(s, 'voice.rtc_request').length, 2, 'a fresh config first');
  assert.equal(receivedOf(s, 'voice.rtc_config').length, 2);
  const offers = sentOf(s, 'voice.rtc_offer');
  assert.equal(offers.length, 2, JSON.stringify(offers.map((o) => ({ pc_id: o.pc_id, restart: o.restart }))));
  assert.equal(offers[0].restart, undefined);
  assert.equal(offers[1].restart, true);
  assert.equal(offers[1].pc_id, offers[0].pc_id, 'the same peer connection');
  assert.notEqual(offers[1].sdp.match(/a=ice-ufrag:(\S+)/)[1], offers[0].sdp.match(/a=ice-ufrag:(\S+)/)[1], 'new ICE credentials');
  assert.equal(receivedOf(s, 'voice.rtc_answer').length, 2);
  assert.equal(sentOf(s, 'voice.rtc_close').length, 0, 'nothing given up');
}

// 50 more microphone frames (1 s) arrive on the channel from now on.
async function framesFlowOnTheChannel() {
  const before = (await totals()).frames_received_rtc;
  await eventually(async () => assert.ok((await totals()).frames_received_rtc - before > 50), { timeout: 10_000 });
}

test('a network change on a direct call restarts ICE on the same peer connection with a fresh config, and the call is back on WebRTC', async () => {
  const s = await listeningOnDirectWebRtc();
  const before = await totals();
  await s.page.evaluate(() => window.dispatchEvent(new Event('online')));
  await eventually(async () => assert.equal((await totals()).rtc_restarts, 1), { timeout: 10_000 });
  await eventually(async () => {
    assert.deepEqual(await s.page.evaluate(() => window.__rungs), ['webrtc_direct', 'websocket', 'webrtc_direct']);
  }, { timeout: 10_000 });
  const after = await totals();
  assert.equal(after.rtc_configs - before.rtc_configs, 1, 'the gateway saw a second config request');
  assert.equal(after.rtc_offers, before.rtc_offers, 'no new leg at the gateway');
  assertIceRestartOfTheSameConnection(s);
  await framesFlowOnTheChannel();
  const route = await s.page.evaluate(() => window.natter('debug').voice_route);
  assert.equal(route.rung, 'webrtc_direct');
  assert.equal(route.via, 'rtc');
  await assertOneUnbrokenCall(s);
  s.assertClean();
});

test('a new link type without an `online` event (wifi to cellular) restarts ICE the same way; a speed estimate alone does not', async () => {
  const s = await listeningOnDirectWebRtc({ onPage: fakeConnection });
  const change = (props) => s.page.evaluate((p) => {
    Object.assign(navigator.connection, p);
    navigator.connection.dispatchEvent(new Event('change'));
  }, props);
  await change({ effectiveType: '3g' }); // the same wifi, slower
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await totals()).rtc_restarts, 0, 'no restart for a speed estimate');
  assert.equal(sentOf(s, 'voice.rtc_request').length, 1);
  await change({ type: 'cellular', effectiveType: '4g' });
  await eventually(async () => assert.equal((await totals()).rtc_restarts, 1), { timeout: 10_000 });
  await eventually(async () => {
    assert.deepEqual(await s.page.evaluate(() => window.__rungs), ['webrtc_direct', 'websocket', 'webrtc_direct']);
  }, { timeout: 10_000 });
  assertIceRestartOfTheSameConnection(s);
  await framesFlowOnTheChannel();
  await assertOneUnbrokenCall(s);
  s.assertClean();
});

test('the path cut for 2 s at the gateway during a network change: the call rides the WebSocket, then resumes on WebRTC without a new prompt', async () => {
  const s = await listeningOnDirectWebRtc();
  const heardBefore = (await gatewayCall(s)).frames_received;
  const cut = await stack.control('/__natter/voice/rtc/kill', { mode: 'cut', ms: 2000 });
  assert.equal(cut.killed, 1);
  await s.page.evaluate(() => window.dispatchEvent(new Event('online')));
  await eventually(async () => assert.equal((await totals()).rtc_restarts, 1), { timeout: 10_000 });
  // While the channel is dead the gateway keeps hearing the shopper: on the socket.
  await eventually(async () => assert.ok((await gatewayCall(s)).frames_received - heardBefore > 40), { timeout: 5000 });
  await eventually(async () => {
    assert.deepEqual(await s.page.evaluate(() => window.__rungs), ['webrtc_direct', 'websocket', 'webrtc_direct']);
  }, { timeout: 15_000 });
  assertIceRestartOfTheSameConnection(s);
  await framesFlowOnTheChannel(); // so the cut is over and the restarted path carries the call
  assert.equal((await s.page.evaluate(() => window.natter('debug').voice_route)).rung, 'webrtc_direct');
  assert.deepEqual(await s.page.evaluate(() => window.__rungs), ['webrtc_direct', 'websocket', 'webrtc_direct'],
    'the restarted channel held: the liveness check never gave it up');
  assert.equal(sentOf(s, 'voice.rtc_offer').length, 2, 'no new peer connection was needed');
  await assertOneUnbrokenCall(s);
  s.assertClean();
});
