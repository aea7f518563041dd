// A voice call, one definition for every engine, with the engine's fake
// microphone (Chromium: a speech WAV; Firefox: its fake stream, a tone;
// WebKitGTK: its mock capture device): the greeting plays (the bar goes
// agent_speaking, then listening when it has played out), the microphone's
// audio reaches the gateway (frames received, and sound, not silence, in the
// gateway's loudness record), a message typed during the call is sent once
// and the call goes on, and End call releases the microphone.
import assert from 'node:assert/strict';
import { widgetOn, eventually } from '../widget.mjs';
import { LIVE_PAGE } from '../../browser/session-helpers.mjs';
import { english } from '../../browser/english.mjs';
import { V128_MODULE } from '../../browser/wasm-simd.mjs';
import { recordVoiceStates } from '../../browser/voice-audio.mjs';

// Keeps every microphone stream the page gets (to check its tracks end).
function micSpy() {
  if (!window.MediaDevices || window.__mic) return;
  // On the prototype: in WebKitGTK an own property on navigator.mediaDevices
  // never saw the widget's call.
  const proto = MediaDevices.prototype;
  const real = proto.getUserMedia;
  window.__mic = { calls: 0, streams: [] };
  proto.getUserMedia = async function getUserMedia(constraints) {
    window.__mic.calls += 1;
    const stream = await real.call(this, constraints);
    window.__mic.streams.push(stream);
    return stream;
  };
}

const voiceState = (w) => w.page.evaluate(() => document.querySelector('natter-widget').shadowRoot.querySelector('[part="voice-bar"]')?.getAttribute('data-state'));
// On a timeout the error names the state the bar was in, what it went
// through and what the page logged (a rare stall must say where it stopped).
// `gateway` (optional) reads the gateway's record of the call, so a stall
// says which side stopped.
async function waitVoice(w, state, { timeout = 20_000, gateway = null } = {}) {
  try {
    await w.waitFor(`.voice[data-state="${state}"]`, { timeout });
  } catch (err) {
    const seen = await w.page.evaluate(() => window.__voiceStates ?? null);
    const logged = (await w.page.consoleLines()).map((l) => `${l.type}: ${l.text}`).slice(-15);
    // The widget's own record (its log ring and the call's route), which
    // holds what the core decided even where the driver relays no console.
    const debug = await w.page.evaluate(() => {
      const d = window.natter?.('debug');
      return d && { stats: d.stats, voice_route: d.voice_route, log: d.log?.slice(-25) };
    }).catch((e) => `natter('debug') failed: ${e.message}`);
    // A new error, not err.message += ...: node prints an error's stack,
    // which kept the message it was built with.
    throw new Error(`${err.message}; the bar is ${await voiceState(w)}, went ${JSON.stringify(seen)}; the page logged ${JSON.stringify(logged)}; natter('debug') ${JSON.stringify(debug)}; the gateway's call ${JSON.stringify(await gateway?.().catch((e) => e.message))}`, { cause: err });
  }
}

async function gatewayCall(stack, sessionId) {
  const { calls } = await stack.control('/__natter/voice/calls');
  return calls.find((c) => c.session_id === sessionId) ?? null;
}

// Loudest 10 ms block of what the gateway heard from this session (RMS, 0..1).
async function heardPeak(stack, sessionId) {
  const gateway = (stack.gateway ?? stack.server).url; // the deployment tier: the gateway's own loopback url
  const res = await fetch(`${gateway.replace(/\/$/, '')}/__natter/voice/heard?session_id=${sessionId}`);
  if (res.status !== 200) return 0;
  const { envelope = [] } = await res.json();
  return envelope.reduce((m, v) => Math.max(m, v), 0);
}

// A whole call in `browser`: the greeting plays, the microphone's audio
// reaches the gateway on the engine's best route, End frees the mic.
// `codec`: the codec build the call must get (shim/voice/codec-build.js).
async function voiceCall(browser, stack, codec) {
  const page = await browser.open(new URL(LIVE_PAGE, stack.server.url).href, { init: micSpy });
  const w = widgetOn(page);
  await w.openChat();
  await w.waitConnected();
  await page.evaluate(micSpy); // where the driver has no preload scripts: before any call
  const sessionId = await page.evaluate(() => JSON.parse(sessionStorage.getItem('natter.session')).session_id);
  await recordVoiceStates(page);

  await w.click('button[aria-label="Start a voice call"]');
  const gateway = () => gatewayCall(stack, sessionId);
  await waitVoice(w, 'agent_speaking', { gateway }); // the greeting
  await waitVoice(w, 'listening', { gateway }); //       ... played to its end
  const call = await eventually(async () => {
    const c = await gatewayCall(stack, sessionId);
    assert.ok(c?.greeted && c.utterances_sent >= 1, `the gateway greeted: ${JSON.stringify(c)}`);
    assert.ok(c.frames_received >= 50, `microphone frames reached the gateway: ${JSON.stringify(c)}`);
    return c;
  }, { timeout: 20_000 });
  assert.equal(call.bad_packets, 0, 'every packet decoded');
  // An engine with WebRTC climbs to the data channel (Firefox too, though
  // it offers only mDNS names: the gateway learns its address from the
  // checks, rtc-peer.mjs); one without stays on the WebSocket.
  const hasRtc = await page.evaluate(() => typeof window.RTCPeerConnection === 'function');
  const route = await eventually(async () => {
    const r = await page.evaluate(() => window.natter('debug').voice_route);
    if (hasRtc) assert.equal(r.rung, 'webrtc_direct', `the call on the direct data channel: ${JSON.stringify(r)}`);
    else assert.deepEqual([r.rung, r.via], ['websocket', 'websocket'], `the call says it is on the WebSocket: ${JSON.stringify(r)}`);
    return r;
  }, { timeout: 20_000 });
  console.log(`# voice route in this engine: ${JSON.stringify(route)}`);
  assert.equal(await page.evaluate(() => window.natter('debug').voice_route.codec), codec, `the ${codec} codec build`);
  await eventually(async () => {
    const peak = await heardPeak(stack, sessionId);
    assert.ok(peak > 0.02, `the gateway heard sound, not silence (loudest 10 ms RMS ${peak.toFixed(3)})`);
  }, { timeout: 15_000, every: 500 });

  // Typing during the call is heard: Enter with text sends it once, as
  // outside a call, the box empties and the call goes on (the gateway says
  // the reply: tests/server/voice-typed-turns.test.mjs).
  await w.send('order 12345, thanks');
  await w.waitFor('li.msg.user', { text: 'order 12345, thanks', timeout: 15_000 });
  await eventually(async () => assert.equal(await w.value('textarea'), '', 'the box emptied'), { timeout: 10_000 });
  await eventually(async () => {
    const c = await gatewayCall(stack, sessionId);
    assert.ok(c?.open, `the call goes on: ${JSON.stringify(c)}`);
  }, { timeout: 5_000 });
  assert.ok(!['off', 'ending'].includes(await voiceState(w)), 'still in the call after the typed turn');

  await w.click('button.voice-end');
  await waitVoice(w, 'off');
  const mic = await page.evaluate(() => ({
    calls: window.__mic.calls,
    ended: window.__mic.streams.every((m) => m.getTracks().every((t) => t.readyState === 'ended')),
  }));
  assert.deepEqual(mic, { calls: 1, ended: true }, 'one microphone request, released at End');
  const states = await page.evaluate(() => window.__voiceStates);
  assert.equal(states[0], 'requesting_mic', String(states));
  assert.equal(states.at(-1), 'off', String(states));
  assert.notEqual(await voiceState(w), 'requesting_mic');
  await w.assertClean();
}

export const voiceStories = [
  {
    name: "a voice call with the engine's fake microphone: the greeting plays, the gateway hears audio, End frees the mic",
    // All three engines here have WASM SIMD: the faster codec build.
    run: ({ browser, stack }) => voiceCall(browser, stack, 'simd'),
  },
  {
    name: 'an engine without WASM SIMD (as Safari before 16.4): the call runs on the scalar codec build, the gateway hears audio',
    skip: (env) => !env.browser.can.noWasmSimd && 'this engine has no switch that turns WASM SIMD off (Firefox)',
    async run({ launch, stack }) {
      const browser = await launch({ noWasmSimd: true });
      try {
        const page = await browser.open('about:blank');
        assert.equal(await page.evaluate((bytes) => WebAssembly.validate(new Uint8Array(bytes)), V128_MODULE), false,
          'this browser has no WASM SIMD');
        await voiceCall(browser, stack, 'scalar');
      } finally {
        await browser.close();
      }
    },
  },
];

// An engine without AudioWorklet, as this engine would be without it (the
// feature hidden before the widget starts): shim/capabilities.js reports it,
// the core refuses the call with a notice, no prompt, no console problem,
// and text chat goes on.
function hideAudioWorklet() { delete window.AudioWorkletNode; }

voiceStories.push({
  name: 'without AudioWorklet: Start a voice call says voice does not work here, and text goes on',
  skip: (env) => !env.browser.can.initScripts && 'hiding a feature before the widget starts needs a preload script (classic WebDriver has none)',
  async run({ browser, stack }) {
    const page = await browser.open(new URL(LIVE_PAGE, stack.server.url).href, { init: hideAudioWorklet });
    const w = widgetOn(page);
    await w.openChat();
    await w.waitConnected();
    await page.evaluate(micSpy);
    await w.click('button[aria-label="Start a voice call"]');
    await w.waitFor('li.notice', { text: english['notice.voiceUnsupported'] });
    assert.ok([null, 'off'].includes(await voiceState(w)), 'no call started');
    assert.equal(await page.evaluate(() => window.__mic.calls), 0, 'the microphone was never asked for');
    await w.send('do you have PS5 games?');
    await w.finishedReplies();
    assert.deepEqual(Object.values((await stack.stats()).agent_runs), [1], 'text chat works');
    await w.assertClean();
  },
});

// An audio device that never starts (seen on a machine with no sound card:
// AudioContext.resume() never settles). The core bounds the start
// (voice_call.hpp kAudioStartMs): the shopper is told in their language,
// the microphone is released, and text chat goes on. Patched after the page
// loaded and before the call, so every engine runs it (no preload script).
function audioNeverStarts() {
  window.AudioContext.prototype.resume = () => new Promise(() => {});
}

voiceStories.push({
  name: 'an AudioContext that never starts: the call ends with a notice, the mic is released, and text goes on',
  async run({ browser, stack }) {
    const page = await browser.open(new URL(LIVE_PAGE, stack.server.url).href);
    const w = widgetOn(page);
    await w.openChat();
    await w.waitConnected();
    await page.evaluate(micSpy);
    await page.evaluate(audioNeverStarts);
    await w.click('button[aria-label="Start a voice call"]');
    await w.waitFor('li.notice', { text: english['notice.voiceAudioStalled'], timeout: 30_000 });
    await eventually(async () => assert.ok([null, 'off'].includes(await voiceState(w)), 'the call ended'));
    const mic = await page.evaluate(() => ({
      calls: window.__mic.calls,
      ended: window.__mic.streams.every((m) => m.getTracks().every((t) => t.readyState === 'ended')),
    }));
    assert.deepEqual(mic, { calls: 1, ended: true }, 'the microphone was asked for once, and released');
    await w.send('do you have PS5 games?');
    await w.finishedReplies();
    assert.deepEqual(Object.values((await stack.stats()).agent_runs), [1], 'text chat works');
    await w.assertClean([/audio did not start/]);
  },
});
