// A voice packet flood (docs/security.md, "Voice packet flood"): a call's
// uplink packets whose seq jumps by 25, sent as fast as the socket (or the
// WebRTC data channel) takes them. The gateway decodes at most what real
// time allows (session/client-bounds.mjs), conceals a gap only as far as the
// time since the previous packet explains it, ends a call that keeps
// flooding (error rate_limited reason voice_flood, then voice.closed), and
// another shopper on the same instance keeps being answered meanwhile.
// Needs build/wasm (node tools/bundle/build.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from './helpers.mjs';
import { closeAllSockets, connect, helloFrame, joinSession } from './session-helpers.mjs';
import { loadVoice, voiceCalls, voicePackets } from './voice-helpers.mjs';
import { CLIENT_BOUNDS } from '../../tools/gateway/session/client-bounds.mjs';
import { encodeVoicePacket } from '../../tools/gateway/voice/voice-packet.mjs';

const FLOOD = 3000; // packets: about a second of work each way without the bounds
const heard = new Map(); // callId -> frames the agent heard (decoded or concealed)
const voiceTap = { sent() {}, heard({ callId }) { heard.set(callId, (heard.get(callId) ?? 0) + 1); } };

const legs = []; // the fake WebRTC legs answered (call-rtc.mjs's answer, injected)
async function fakeAnswer({ onPacket, onClose }) {
  const leg = { sdp: 'v=0 answer', onPacket, open: () => true, send: () => 'sent', close: (reason) => onClose(reason) };
  legs.push(leg);
  return leg;
}

let server;
let payload; // one real Opus packet of silence
before(async () => {
  const V = await loadVoice();
  payload = voicePackets(V, new Int16Array(960))[0].subarray(8);
  server = await startTestServer({ voiceTap, rtc: { answer: fakeAnswer } });
});
after(async () => {
  closeAllSockets();
  await server.close();
});

// Packet k of the flood: seq 25 k (a 24-frame gap before each), tiny.
const floodPacket = (k) => encodeVoicePacket({ seq: k * 25, timestamp: k * 25 * 960, payload });

async function startCall(session, callId, features = []) {
  const socket = await connect(server.url);
  socket.send({ ...helloFrame({ session }), features });
  await socket.waitFor((f) => f.type === 'welcome');
  socket.send({ type: 'voice.start', call_id: callId, greeting: false });
  await socket.waitFor((f) => f.type === 'voice.started' && f.call_id === callId);
  return socket;
}

// A shopper's ping round trips, every 20 ms, until stop(): the longest.
function pinger(socket) {
  let worst = 0;
  let running = true;
  const done = (async () => {
    for (let t = 1; running; t += 1) {
      const sent = performance.now();
      socket.send({ type: 'ping', t });
      await socket.waitFor((f) => f.type === 'pong' && f.t === t, 20_000);
      worst = Math.max(worst, performance.now() - sent);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return { stop: async () => { running = false; await done; return worst; } };
}

// What the call was allowed: its burst and rate over `ms`, and the gaps
// that time explains (one 20 ms frame per 20 ms).
const allowedFrames = (ms) => CLIENT_BOUNDS.voicePacketBurst + (ms * CLIENT_BOUNDS.voicePacketsPerSecond) / 1000
  + ms / 20 + 2;

async function floodedAnswer(socket, callId) {
  const error = await socket.waitFor((f) => f.type === 'error' && f.call_id === callId, 10_000);
  assert.deepEqual({ code: error.code, reason: error.reason }, { code: 'rate_limited', reason: 'voice_flood' });
  await socket.waitFor((f) => f.type === 'voice.closed' && f.call_id === callId, 5000);
}

test('a seq-jumping flood on the socket: bounded decoding, the call ended, another shopper still answered', async () => {
  const other = await joinSession(server.url, { session: 'vf-other' });
  const socket = await startCall('vf-ws', 'call-ws');
  const pings = pinger(other.socket);
  const started = performance.now();
  for (let k = 1; k <= FLOOD; k += 1) socket.ws.send(floodPacket(k));
  await floodedAnswer(socket, 'call-ws');
  const ms = performance.now() - started;
  const worst = await pings.stop();

  const frames = heard.get('call-ws') ?? 0;
  assert.ok(frames <= allowedFrames(ms), `${frames} frames heard in ${ms.toFixed(0)} ms (at most ${allowedFrames(ms).toFixed(0)})`);
  const [call] = (await voiceCalls(server.url)).filter((c) => c.call_id === 'call-ws');
  assert.equal(call.open, false, 'the call was ended');
  assert.ok(call.packets_over_rate >= CLIENT_BOUNDS.voiceFloodDrops, `${call.packets_over_rate} packets dropped`);
  assert.ok(worst < 1000, `the other shopper's ping took ${worst.toFixed(0)} ms at worst`);
  other.socket.send({ type: 'ping', t: 'after' });
  await other.socket.waitFor((f) => f.type === 'pong' && f.t === 'after');
  // The flooding connection itself stays: only its call ended.
  socket.send({ type: 'ping', t: 'still' });
  await socket.waitFor((f) => f.type === 'pong' && f.t === 'still');
});

test('the same flood on the WebRTC data channel: bounded decoding and the call ended', async () => {
  const other = await joinSession(server.url, { session: 'vf-other-rtc' });
  const socket = await startCall('vf-rtc', 'call-rtc', ['rtc']);
  socket.send({ type: 'voice.rtc_offer', call_id: 'call-rtc', pc_id: 1, sdp: 'v=0 offer' });
  await socket.waitFor((f) => f.type === 'voice.rtc_answer' && f.call_id === 'call-rtc');
  const leg = legs.at(-1);
  const started = performance.now();
  // In slices, so the other shopper's ping is served between them as the
  // network would interleave them.
  const pings = pinger(other.socket);
  for (let k = 1; k <= FLOOD; k += 1) {
    leg.onPacket(floodPacket(k));
    if (k % 100 === 0) await new Promise((r) => setImmediate(r));
  }
  await floodedAnswer(socket, 'call-rtc');
  const ms = performance.now() - started;
  const worst = await pings.stop();

  const frames = heard.get('call-rtc') ?? 0;
  assert.ok(frames <= allowedFrames(ms), `${frames} frames heard in ${ms.toFixed(0)} ms (at most ${allowedFrames(ms).toFixed(0)})`);
  const [call] = (await voiceCalls(server.url)).filter((c) => c.call_id === 'call-rtc');
  assert.equal(call.open, false);
  assert.ok(call.packets_over_rate >= CLIENT_BOUNDS.voiceFloodDrops);
  assert.ok(worst < 1000, `the other shopper's ping took ${worst.toFixed(0)} ms at worst`);
});

test('a shopper speaking in real time is never limited', async () => {
  const socket = await startCall('vf-real', 'call-real');
  const V = await loadVoice();
  const packets = voicePackets(V, new Int16Array(960 * 100)); // 2 s
  for (const [i, p] of packets.entries()) {
    socket.ws.send(p);
    if (i % 5 === 4) await new Promise((r) => setTimeout(r, 100)); // 5 frames per 100 ms, in small bursts
  }
  socket.send({ type: 'ping', t: 'end' });
  await socket.waitFor((f) => f.type === 'pong' && f.t === 'end');
  const [call] = (await voiceCalls(server.url)).filter((c) => c.call_id === 'call-real');
  assert.equal(call.packets_over_rate, 0);
  assert.equal(call.frames_received, packets.length);
  assert.equal(call.open, true);
});
