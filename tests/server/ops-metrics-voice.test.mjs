// The voice metrics: a call open shows in natter_voice_calls_live, and a
// call flooding voice packets (voice-flood.test.mjs's seq-jumping flood)
// shows in natter_limits_hit_total as voice_packets_over_rate and
// voice_calls_flooded, and an utterance the speech recogniser refused (its
// waiting queue full) as voice_recogniser_queue_full, the call going on
// (docs/operating.md, "Metrics").
// Needs build/wasm (node tools/bundle/build.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, request, startTestServer } from './helpers.mjs';
import { closeAllSockets, connect, helloFrame } from './session-helpers.mjs';
import { UNPACED_UPLINK, concatPcm, loadVoice, shopperSpeech, voicePackets } from './voice-helpers.mjs';
import { CLIENT_BOUNDS } from '../../tools/gateway/session/client-bounds.mjs';
import { RECOGNISER_BUSY } from '../../tools/gateway/voice/recogniser/resident-recogniser.mjs';

function value(body, name, labels = '') {
  const line = body.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

test('natter_voice_calls_live follows a call; a flooding call counts in natter_limits_hit_total', async () => {
  const V = await loadVoice();
  const payload = voicePackets(V, new Int16Array(960))[0].subarray(8);
  const server = await startTestServer({ metrics: true });
  const metrics = async () => (await request(server.url, { path: '/metrics' })).body;
  try {
    const socket = await connect(server.url);
    socket.send(helloFrame({ session: 'ops-voice' }));
    await socket.waitFor((f) => f.type === 'welcome');
    socket.send({ type: 'voice.start', call_id: 'call-1', greeting: false });
    await socket.waitFor((f) => f.type === 'voice.started' && f.call_id === 'call-1');
    assert.equal(value(await metrics(), 'natter_voice_calls_live'), 1);

    for (let k = 1; k <= 1000; k += 1) { // seq jumping by 25, as fast as the socket takes them
      const packet = Buffer.alloc(8 + payload.length);
      packet[0] = 1;
      packet.writeUInt16BE((k * 25) & 0xffff, 2);
      packet.writeUInt32BE((k * 25 * 960) % 2 ** 32, 4);
      packet.set(payload, 8);
      socket.ws.send(packet);
    }
    await socket.waitFor((f) => f.type === 'voice.closed' && f.call_id === 'call-1', 10_000);
    const body = await metrics();
    assert.equal(value(body, 'natter_voice_calls_live'), 0);
    assert.ok(value(body, 'natter_limits_hit_total', 'limit="voice_packets_over_rate"') >= CLIENT_BOUNDS.voiceFloodDrops, body);
    assert.equal(value(body, 'natter_limits_hit_total', 'limit="voice_calls_flooded"'), 1, body);
    assert.equal(value(await metrics(), 'natter_limits_hit_total', 'limit="voice_calls_flooded"'), 1, 'a second scrape adds nothing');
    // Counters only grow: the test controls' voice reset does not take them back.
    assert.equal((await request(server.url, { method: 'POST', path: '/__natter/reset' })).status, 200);
    assert.equal(value(await metrics(), 'natter_limits_hit_total', 'limit="voice_calls_flooded"'), 1);
  } finally {
    closeAllSockets();
    await server.close();
  }
});

test('an utterance the recogniser refuses (queue full) counts as voice_recogniser_queue_full; the call goes on', async () => {
  const V = await loadVoice();
  let asked = 0;
  const busy = {
    name: 'busy',
    async transcribe() {
      asked += 1;
      throw Object.assign(new Error('the recogniser is busy: 400 utterances already wait for a decoder'), { code: RECOGNISER_BUSY });
    },
  };
  const server = await startTestServer({ metrics: true, stt: busy, bounds: UNPACED_UPLINK });
  const refusedCount = async () => value((await request(server.url, { path: '/metrics' })).body,
    'natter_limits_hit_total', 'limit="voice_recogniser_queue_full"');
  try {
    assert.equal(await refusedCount(), 0, 'shown from the start');
    const socket = await connect(server.url);
    socket.send(helloFrame({ session: 'ops-voice-busy' }));
    await socket.waitFor((f) => f.type === 'welcome');
    socket.send({ type: 'voice.start', call_id: 'call-busy', greeting: false });
    await socket.waitFor((f) => f.type === 'voice.started' && f.call_id === 'call-busy');
    for (const p of voicePackets(V, concatPcm(shopperSpeech('Do you have Xbox games?'), new Int16Array(48000)))) socket.ws.send(p);
    await socket.waitFor((f) => f.type === 'voice.heard' && f.call_id === 'call-busy', 10_000);
    await eventually(() => server.lines.some((l) => /no answer to utterance 1: the recogniser is busy/.test(l)), 5000, 'the failure logged');
    const counted = await refusedCount();
    assert.ok(counted >= 1 && counted === asked, `each refused recognition counted once: ${counted} of ${asked}`);
    assert.equal(value((await request(server.url, { path: '/metrics' })).body, 'natter_voice_calls_live'), 1, 'the call is still open');
    assert.ok(!socket.frames.some((f) => f.type === 'voice.closed'), 'nor closed');
  } finally {
    closeAllSockets();
    await server.close();
  }
});
