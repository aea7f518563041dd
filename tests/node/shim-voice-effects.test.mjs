// voice/voice-effects.js: the core's voice effects reach the audio runtime,
// what the runtime observes goes back as core events, and microphone
// packets go only to the socket the core opened the uplink on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVoiceEffects } from '../../shim/voice/voice-effects.js';

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
  };
  let made = 0;
  const voice = createVoiceEffects({
    makeRuntime: (handlers) => { made++; on = handlers; return runtime; },
    session: { sendBinary: (conn, bytes) => sent.push([conn, bytes.byteLength]) },
    dispatch: (e) => fed.push(e),
    ui: { voice: { show: (e) => shown.push(e), level: () => {} } },
    log: () => {},
  });
  return { voice, calls, fed, sent, shown, on: () => on, made: () => made };
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
