// The voice metrics: a call open shows in natter_voice_calls_live, and a
// call flooding voice packets (voice-flood.test.mjs's seq-jumping flood)
// shows in natter_limits_hit_total as voice_packets_over_rate and
// voice_calls_flooded (docs/operating.md, "Metrics").
// Needs build/wasm (node tools/bundle/build.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request, startTestServer } from './helpers.mjs';
import { closeAllSockets, connect, helloFrame } from './session-helpers.mjs';
import { loadVoice, voicePackets } from './voice-helpers.mjs';
import { CLIENT_BOUNDS } from '../../tools/gateway/session/client-bounds.mjs';

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
