// voice/voice-effects.js: the core's voice effects reach the audio runtime,
// what the runtime observes goes back as core events, and microphone
// packets go only to the socket the core opened the uplink on. The runtime
// can arrive later (its own chunk): nothing is lost or reordered meanwhile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVoiceEffects, MAX_EARLY_PACKETS } from '../../shim/voice/voice-effects.js';

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
    resume: () => calls.push('resume'),
    micTracks: () => [],
    uplinkMs: () => ({ count: 3, median: 0.5, p95: 0.9 }),
  };
  let made = 0;
  const voice = createVoiceEffects({
    makeRuntime: (handlers) => { made++; on = handlers; return runtime; },
    session: { sendBinary: (conn, bytes) => sent.push([conn, bytes.byteLength]) },
    dispatch: (e) => fed.push(e),
    ui: { voice: { show: (e) => shown.push(e), level: () => {} } },
    log: () => {},
  });
  return { voice, calls, fed, sent, shown, on: () => on, made: () => made, runtimeObject: runtime };
}

test('microphone_requested makes the runtime once and answers the core', async () => {
  const s = setup({ micResult: 'denied' });
  assert.equal(s.made(), 0, 'nothing voice is loaded before the first call');
  s.voice.effects.microphone_requested({});
  await new Promise((r) => setImmediate(r));
  assert.equal(s.made(), 1);
  assert.deepEqual(s.fed, [{ type: 'mic_answered', result: 'denied' }]);
  s.voice.effects.microphone_requested({});
  await new Promise((r) => setImmediate(r));
  assert.equal(s.made(), 1);
});

test('packets go to the uplink socket only while it is open', () => {
  const s = setup();
  s.voice.effects.microphone_requested({});
  const packets = [new ArrayBuffer(20), new ArrayBuffer(30)];
  s.on().packets(packets);
  assert.deepEqual(s.sent, [], 'closed uplink: nothing sent');
  s.voice.effects.voice_uplink({ conn_id: 7, open: true });
  s.on().packets(packets);
  s.voice.effects.voice_uplink({ conn_id: 0, open: false });
  s.on().packets(packets);
  assert.deepEqual(s.sent, [[7, 20], [7, 30]]);
});

test('runtime observations become core events', () => {
  const s = setup();
  s.voice.effects.microphone_requested({});
  s.on().speaking(true);
  s.on().drained();
  s.on().micLost();
  assert.deepEqual(s.fed, [
    { type: 'speech_activity', speaking: true },
    { type: 'playback_drained' },
    { type: 'mic_answered', result: 'lost' },
  ]);
});

test('playback, echo guard, release and state reach their targets', () => {
  const s = setup();
  s.voice.effects.voice_playback({ playing: true, conn_id: 3 });
  s.voice.onBinary(3, new ArrayBuffer(9));
  s.voice.effects.voice_echo_guard({ on: true });
  s.voice.effects.microphone_released({});
  s.voice.effects.voice_state_changed({ state: 'listening', muted: false });
  assert.deepEqual(s.calls, [['setPlayback', true, 3], ['agentPacket', 3, 9], ['echo', true], 'releaseMic']);
  assert.deepEqual(s.shown, [{ state: 'listening', muted: false }]);
});

// The runtime is its own chunk (load-runtime.js): makeRuntime answers with a
// Promise, and whatever comes before it settles waits, in order.
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
    dispatch: (e) => s.fed.push(e),
    ui: { voice: { show: (e) => s.shown.push(e), level: () => {} } },
    log: (level, text) => logs.push([level, text]),
  });
  const runtime = s.runtimeObject;
  return { ...s, voice, made, logs, runtime, load: () => settle.resolve(runtime), fail: (err) => settle.reject(err) };
}
const tick = () => new Promise((r) => setImmediate(r));

test('effects before the runtime chunk has loaded are applied in order once it has', async () => {
  const s = setupLoading();
  s.voice.effects.microphone_requested({});
  s.voice.effects.voice_uplink({ conn_id: 3, open: true });
  s.voice.effects.voice_playback({ playing: true, conn_id: 3 });
  s.voice.onBinary(3, new ArrayBuffer(9));
  s.voice.effects.voice_echo_guard({ on: true });
  s.voice.onBinary(3, new ArrayBuffer(11));
  s.voice.effects.voice_echo_guard({ on: false });
  s.voice.effects.voice_state_changed({ state: 'requesting_mic', muted: false });
  assert.equal(s.made.length, 1, 'one download');
  assert.deepEqual(s.calls, [], 'nothing reaches the runtime before it exists');
  assert.deepEqual(s.shown, [{ state: 'requesting_mic', muted: false }], 'the voice bar is not waiting for it');
  assert.deepEqual(s.voice.micTracks(), []);
  assert.equal(s.voice.uplinkMs(), null, 'no runtime, no figure');
  s.load();
  await tick();
  assert.deepEqual(s.voice.uplinkMs(), { count: 3, median: 0.5, p95: 0.9 }, 'the runtime\'s figure');
  assert.deepEqual(s.calls, [
    'requestMic', ['setPlayback', true, 3], ['agentPacket', 3, 9], ['echo', true], ['agentPacket', 3, 11], ['echo', false],
  ]);
  assert.deepEqual(s.fed, [{ type: 'mic_answered', result: 'granted' }]);
  s.voice.effects.voice_echo_guard({ on: true });
  assert.deepEqual(s.calls.at(-1), ['echo', true], 'once loaded, effects apply at once');
  s.made[0].packets([new ArrayBuffer(5)]);
  assert.deepEqual(s.sent, [[3, 5]], 'the uplink set before the load holds');
});

test('agent packets waiting for the runtime are bounded', async () => {
  const s = setupLoading();
  s.voice.effects.voice_playback({ playing: true, conn_id: 4 });
  for (let i = 0; i < MAX_EARLY_PACKETS + 40; i++) s.voice.onBinary(4, new ArrayBuffer(i + 1));
  s.load();
  await tick();
  const fed = s.calls.filter((c) => c[0] === 'agentPacket');
  assert.equal(fed.length, MAX_EARLY_PACKETS);
  assert.deepEqual(fed.slice(0, 2), [['agentPacket', 4, 1], ['agentPacket', 4, 2]], 'the first ones, in order');
  s.voice.onBinary(4, new ArrayBuffer(7));
  assert.deepEqual(s.calls.at(-1), ['agentPacket', 4, 7], 'the bound is only for the wait');
});

test('End call before the runtime has loaded: the microphone is never asked for', async () => {
  const s = setupLoading();
  s.voice.effects.microphone_requested({});
  s.voice.effects.voice_playback({ playing: true, conn_id: 2 });
  s.voice.effects.microphone_released({});
  s.voice.effects.voice_playback({ playing: false, conn_id: 2 });
  s.load();
  await tick();
  assert.ok(!s.calls.includes('requestMic'), `no getUserMedia: ${JSON.stringify(s.calls)}`);
  assert.deepEqual(s.calls, [['setPlayback', true, 2], 'releaseMic', ['setPlayback', false, 2]]);
  assert.deepEqual(s.fed, [], 'the core ended the call and waits for no answer');
});

test('a new call after an End, both before the load, asks for the microphone once', async () => {
  const s = setupLoading();
  s.voice.effects.microphone_requested({});
  s.voice.effects.microphone_released({});
  s.voice.effects.microphone_requested({});
  s.load();
  await tick();
  assert.deepEqual(s.calls, ['releaseMic', 'requestMic']);
  assert.deepEqual(s.fed, [{ type: 'mic_answered', result: 'granted' }]);
});

test('a failed download answers the waiting request with blocked, and the next call tries again', async () => {
  const s = setupLoading();
  s.voice.effects.microphone_requested({});
  s.voice.effects.voice_playback({ playing: true, conn_id: 5 });
  s.voice.onBinary(5, new ArrayBuffer(3));
  s.fail(new Error('could not load https://shop.example/natter.voiceruntime.abc.js'));
  await tick();
  assert.deepEqual(s.fed, [{ type: 'mic_answered', result: 'blocked' }]);
  assert.deepEqual(s.calls, []);
  assert.match(s.logs.map((l) => l.join(' ')).join('\n'), /^error voice: the voice code could not load: could not load https:\/\/shop\.example\/natter\.voiceruntime\.abc\.js$/m);
  s.voice.onBinary(5, new ArrayBuffer(3));
  s.voice.effects.voice_echo_guard({ on: true });
  assert.equal(s.made.length, 1, 'packets and echo guard alone do not download again');
  s.voice.effects.microphone_requested({});
  assert.equal(s.made.length, 2, 'Start downloads again');
  s.load();
  await tick();
  assert.deepEqual(s.calls, ['requestMic']);
  assert.deepEqual(s.fed.at(-1), { type: 'mic_answered', result: 'granted' });
});

test('after a failed download, the core stopping playback does not download again', async () => {
  const s = setupLoading();
  s.voice.effects.microphone_requested({});
  s.voice.effects.voice_playback({ playing: true, conn_id: 5 }); // the greeting, during the download
  s.fail(new Error('could not load'));
  await tick();
  assert.deepEqual(s.fed, [{ type: 'mic_answered', result: 'blocked' }]);
  s.voice.effects.voice_playback({ playing: false, conn_id: 5 }); // the core's answer: voice off
  s.voice.effects.voice_echo_guard({ on: false });
  assert.equal(s.made.length, 1);
  assert.deepEqual(s.calls, []);
});

test('a makeRuntime that throws is a failed download, answered outside the effect', async () => {
  const fed = [];
  const voice = createVoiceEffects({
    makeRuntime: () => { throw new Error('no window.natter'); },
    session: { sendBinary: () => {} }, dispatch: (e) => fed.push(e),
    ui: { voice: { show: () => {}, level: () => {} } }, log: () => {},
  });
  voice.effects.microphone_requested({});
  assert.deepEqual(fed, [], 'not re-entering the core from inside its effect');
  await tick();
  assert.deepEqual(fed, [{ type: 'mic_answered', result: 'blocked' }]);
});

test('before any call, voice effects neither download nor act', () => {
  const s = setupLoading();
  s.voice.effects.microphone_released({});
  s.voice.effects.voice_echo_guard({ on: true });
  s.voice.onBinary(1, new ArrayBuffer(4));
  s.voice.resume();
  assert.equal(s.made.length, 0);
  assert.deepEqual(s.calls, []);
});
