// voice/voice-effects.js: the core's voice effects reach the audio runtime,
// what the runtime observes goes back as core events, and microphone
// packets go only to the socket the core opened the uplink on. The runtime
// is downloaded when the core says (voice_runtime_load) and answered with
// voice_runtime_loaded / _failed; what the call wants meanwhile is the core's
// (tests/native/voice_runtime_test.cpp); agent packets that arrive during the
// download are kept, bounded, and handed over once it is there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVoiceEffects, MAX_EARLY_PACKETS, RTC_EFFECTS } from '../../shim/voice/voice-effects.js';
import { createRtcLink } from '../../shim/voice/rtc-link.js';

function setup({ micResult = 'granted' } = {}) {
  const calls = [];
  const fed = [];
  const sent = [];
  const shown = [];
  let on = null;
  const runtime = {
    requestMic: async () => { calls.push('requestMic'); return micResult; },
    releaseMic: () => calls.push('releaseMic'),
    setPlayback: (playing, conn) => calls.push(['setPlayback', playing, conn]),
    agentPacket: (conn, buf) => calls.push(['agentPacket', conn, buf.byteLength]),
    setEchoGuard: (v) => calls.push(['echo', v]),
    setEncoder: (setting) => calls.push(['encoder', setting]),
    resume: () => calls.push('resume'),
    micTracks: () => [],
    uplinkMs: () => ({ count: 3, median: 0.5, p95: 0.9 }),
  };
  let made = 0;
  const voice = createVoiceEffects({
    makeRuntime: (handlers) => { made++; on = handlers; return { runtime, createRtcLink }; },
    session: { sendBinary: (conn, bytes) => sent.push([conn, bytes.byteLength]) },
    dispatch: (e) => fed.push(e),
    ui: { voice: { show: (e) => shown.push(e), level: () => {} } },
    log: () => {},
  });
  return { voice, calls, fed, sent, shown, on: () => on, made: () => made, runtimeObject: runtime };
}

const tick = () => new Promise((r) => setImmediate(r));

// A setup whose runtime is there: loaded as the core would ask for it.
async function loaded(options) {
  const s = setup(options);
  s.voice.effects.voice_runtime_load({});
  await tick();
  s.fed.length = 0;
  return s;
}

test('voice_runtime_load makes the runtime once and answers the core after the effect, never inside it', async () => {
  const s = setup();
  assert.equal(s.made(), 0, 'nothing voice is loaded before the first call');
  s.voice.effects.voice_runtime_load({});
  assert.deepEqual(s.fed, [], 'not re-entering the core from inside its effect');
  await tick();
  assert.equal(s.made(), 1);
  assert.deepEqual(s.fed, [{ type: 'voice_runtime_loaded' }]);
  s.voice.effects.voice_runtime_load({});
  await tick();
  assert.equal(s.made(), 1, 'a runtime is made once per page');
});

test('microphone_requested asks the runtime and answers the core', async () => {
  const s = await loaded({ micResult: 'denied' });
  s.voice.effects.microphone_requested({});
  await tick();
  assert.deepEqual(s.calls, ['requestMic']);
  assert.deepEqual(s.fed, [{ type: 'mic_answered', result: 'denied' }]);
});

test('packets go to the uplink socket only while it is open', async () => {
  const s = await loaded();
  const packets = [new ArrayBuffer(20), new ArrayBuffer(30)];
  s.on().packets(packets);
  assert.deepEqual(s.sent, [], 'closed uplink: nothing sent');
  s.voice.effects.voice_uplink({ conn_id: 7, open: true });
  s.on().packets(packets);
  s.voice.effects.voice_uplink({ conn_id: 0, open: false });
  s.on().packets(packets);
  assert.deepEqual(s.sent, [[7, 20], [7, 30]]);
});

test('runtime observations become core events', async () => {
  const s = await loaded();
  s.on().speaking(true);
  s.on().drained();
  s.on().micLost();
  assert.deepEqual(s.fed, [
    { type: 'speech_activity', speaking: true },
    { type: 'playback_drained' },
    { type: 'mic_answered', result: 'lost' },
  ]);
});

test('playback, echo guard, release and state reach their targets', async () => {
  const s = await loaded();
  s.voice.effects.voice_playback({ playing: true, conn_id: 3 });
  s.voice.onBinary(3, new ArrayBuffer(9));
  s.voice.effects.voice_echo_guard({ on: true });
  s.voice.effects.microphone_released({});
  s.voice.effects.voice_state_changed({ state: 'listening', muted: false });
  assert.deepEqual(s.calls, [['setPlayback', true, 3], ['agentPacket', 3, 9], ['echo', true], 'releaseMic']);
  assert.deepEqual(s.shown, [{ state: 'listening', muted: false }]);
});

test('stop() (the core that ran the call failed) releases the microphone, stops playback and the uplink, and shows the call off', async () => {
  const s = await loaded();
  s.voice.effects.voice_uplink({ conn_id: 7, open: true });
  s.voice.effects.voice_playback({ playing: true, conn_id: 3 });
  s.voice.effects.voice_state_changed({ state: 'listening', muted: true });
  s.calls.length = 0;
  s.voice.stop();
  assert.deepEqual(s.calls, ['releaseMic', ['setPlayback', false, 3]]);
  assert.deepEqual(s.shown.at(-1), { state: 'off', muted: false });
  s.on().packets([new ArrayBuffer(20)]);
  assert.deepEqual(s.sent, [], 'no microphone packet goes out after it');
  assert.deepEqual(s.fed, [], 'and nothing is asked of a core');
});

test('stop() before any call touches no runtime and downloads nothing', () => {
  const s = setup();
  s.voice.stop();
  assert.equal(s.made(), 0);
  assert.deepEqual(s.calls, []);
  assert.deepEqual(s.shown, [{ state: 'off', muted: false }]);
});

// The runtime is its own chunk (load-runtime.js): makeRuntime answers with a
// Promise that settles later.
function setupLoading() {
  let settle = null;
  const made = [];
  const logs = [];
  const s = setup();
  const voice = createVoiceEffects({
    makeRuntime: (handlers) => {
      made.push(handlers);
      return new Promise((resolve, reject) => { settle = { resolve, reject }; });
    },
    session: { sendBinary: (conn, bytes) => s.sent.push([conn, bytes.byteLength]) },
    dispatch: (e) => {
      s.fed.push(e);
      if (e.type === 'voice_runtime_loaded') voice.effects.voice_playback({ playing: true, conn_id: 3 }); // as the core answers
    },
    ui: { voice: { show: (e) => s.shown.push(e), level: () => {} } },
    log: (level, text) => logs.push([level, text]),
  });
  const runtime = s.runtimeObject;
  return { ...s, voice, made, logs, runtime, load: () => settle.resolve({ runtime, createRtcLink }), fail: (err) => settle.reject(err) };
}

test('agent packets that arrive during the download play once it is there, after the core said which call plays', async () => {
  const s = setupLoading();
  s.voice.effects.voice_runtime_load({});
  s.voice.effects.voice_uplink({ conn_id: 3, open: true });
  s.voice.onBinary(3, new ArrayBuffer(9));
  s.voice.onBinary(3, new ArrayBuffer(11));
  s.voice.effects.voice_state_changed({ state: 'requesting_mic', muted: false });
  assert.equal(s.made.length, 1, 'one download');
  assert.deepEqual(s.calls, [], 'nothing reaches the runtime before it exists');
  assert.deepEqual(s.shown, [{ state: 'requesting_mic', muted: false }], 'the voice bar is not waiting for it');
  assert.deepEqual(s.voice.micTracks(), []);
  assert.equal(s.voice.uplinkMs(), null, 'no runtime, no figure');
  s.load();
  await tick();
  assert.deepEqual(s.voice.uplinkMs(), { count: 3, median: 0.5, p95: 0.9 }, 'the runtime\'s figure');
  assert.deepEqual(s.calls, [['setPlayback', true, 3], ['agentPacket', 3, 9], ['agentPacket', 3, 11]]);
  assert.deepEqual(s.fed, [{ type: 'voice_runtime_loaded' }]);
  s.made[0].packets([new ArrayBuffer(5)]);
  assert.deepEqual(s.sent, [[3, 5]], 'the uplink set before the load holds');
});

test('agent packets waiting for the runtime are bounded', async () => {
  const s = setupLoading();
  s.voice.effects.voice_runtime_load({});
  for (let i = 0; i < MAX_EARLY_PACKETS + 40; i++) s.voice.onBinary(3, new ArrayBuffer(i + 1));
  s.load();
  await tick();
  const fed = s.calls.filter((c) => c[0] === 'agentPacket');
  assert.equal(fed.length, MAX_EARLY_PACKETS);
  assert.deepEqual(fed.slice(0, 2), [['agentPacket', 3, 1], ['agentPacket', 3, 2]], 'the first ones, in order');
  s.voice.onBinary(3, new ArrayBuffer(7));
  assert.deepEqual(s.calls.at(-1), ['agentPacket', 3, 7], 'the bound is only for the wait');
});

test('a failed download is answered with its reason, drops what waited, and the next load tries again', async () => {
  const s = setupLoading();
  s.voice.effects.voice_runtime_load({});
  s.voice.onBinary(5, new ArrayBuffer(3));
  s.fail(new Error('could not load https://shop.example/natter.voiceruntime.abc.js'));
  await tick();
  assert.deepEqual(s.fed, [{ type: 'voice_runtime_failed', reason: 'could not load https://shop.example/natter.voiceruntime.abc.js' }]);
  assert.deepEqual(s.calls, []);
  s.voice.onBinary(5, new ArrayBuffer(3));
  assert.equal(s.made.length, 1, 'packets alone do not download again');
  s.voice.effects.voice_runtime_load({});
  assert.equal(s.made.length, 2, 'the core asking again downloads again');
  s.load();
  await tick();
  assert.deepEqual(s.fed.at(-1), { type: 'voice_runtime_loaded' });
  assert.deepEqual(s.calls, [['setPlayback', true, 3]], 'nothing of the failed wait is played');
});

test('a makeRuntime that throws is a failed download, answered outside the effect', async () => {
  const fed = [];
  const voice = createVoiceEffects({
    makeRuntime: () => { throw new Error('no window.natter'); },
    session: { sendBinary: () => {} }, dispatch: (e) => fed.push(e),
    ui: { voice: { show: () => {}, level: () => {} } }, log: () => {},
  });
  voice.effects.voice_runtime_load({});
  assert.deepEqual(fed, [], 'not re-entering the core from inside its effect');
  await tick();
  assert.deepEqual(fed, [{ type: 'voice_runtime_failed', reason: 'no window.natter' }]);
});

test('an effect that needs the runtime before it loaded is a core bug: reported, nothing downloaded', () => {
  const s = setupLoading();
  s.voice.effects.microphone_requested({});
  s.voice.effects.microphone_released({});
  s.voice.effects.voice_echo_guard({ on: true });
  s.voice.onBinary(1, new ArrayBuffer(4));
  s.voice.resume();
  assert.equal(s.made.length, 0);
  assert.deepEqual(s.calls, []);
  assert.deepEqual(s.logs.map(([level, text]) => `${level} ${text}`), [
    'error voice: microphone_requested before the voice runtime loaded',
    'error voice: microphone_released before the voice runtime loaded',
    'error voice: voice_echo_guard before the voice runtime loaded',
  ]);
});

test('voice_encoder_set reaches the runtime\'s encoder as the core chose it', async () => {
  const s = await loaded();
  s.voice.effects.voice_encoder_set({ type: 'voice_encoder_set', bitrate: 16000, fec: true, loss_perc: 20 });
  s.voice.effects.voice_encoder_set({ type: 'voice_encoder_set', bitrate: 12000, fec: false, loss_perc: 20 });
  assert.deepEqual(s.calls, [
    ['encoder', { bitrate: 16000, fec: true, loss_perc: 20 }],
    ['encoder', { bitrate: 12000, fec: false, loss_perc: 20 }],
  ]);
});

// The WebRTC link is in the voice chunk too: the core sends rtc_* only once it
// loaded (tests/native/voice_runtime_test.cpp, WebRtcWaitsForTheDownload...).
test('the WebRTC link comes with the runtime: rtc_* before the load is a core bug, after it reaches the link', async () => {
  const s = setupLoading();
  s.voice.effects.rtc_open({ pc_id: 1, ice_servers: [] });
  assert.deepEqual(s.logs, [['error', 'voice: rtc_open before the voice runtime loaded']]);
  assert.deepEqual(s.voice.route(), { rung: '', via: 'websocket', sent: 0, received: 0, dropped_full: 0, codec: null });
  s.voice.effects.voice_runtime_load({});
  s.load();
  await tick();
  s.voice.effects.rtc_open({ pc_id: 1, ice_servers: [] }); // no RTCPeerConnection here: the link says so
  assert.deepEqual(s.fed.at(-1), { type: 'rtc_failed', pc_id: 1, reason: 'unsupported' });
  assert.deepEqual(s.logs.slice(1).map(([level]) => level), ['warn'], 'the link\'s own word, no "before the runtime"');
});

test('RTC_EFFECTS names exactly the link\'s effects', () => {
  const link = createRtcLink({ RTCPeerConnection: undefined, dispatch: () => {}, log: () => {}, onPacket: () => {} });
  assert.deepEqual([...RTC_EFFECTS].sort(), Object.keys(link.effects).sort());
});
