// Voice calls a client can pile up (docs/security.md, "Piled-up voice
// calls" and "Refused voice packets"): a session has one open call (another
// call_id's voice.start ends it), an ended call drops its audio and decoder
// at once and keeps only its counters, a session remembers a few calls, the
// instance holds at most maxVoiceCalls open calls (past it: error
// voice_unavailable reason over_capacity), and packets refused for want of
// a call are answered only at a bounded rate.
// Needs build/wasm (node tools/bundle/build.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, stats } from './helpers.mjs';
import { closeAllSockets, helloFrame, joinSession, connect } from './session-helpers.mjs';
import { loadVoice, voiceCalls, voicePackets } from './voice-helpers.mjs';
import { CLIENT_BOUNDS } from '../../tools/gateway/session/client-bounds.mjs';

const PACKETS_PER_CALL = 20; // 400 ms of (silent) audio each call records
const STARTS = 60;

let server;
let silence; // voice packets of silence, seq 0..
before(async () => {
  silence = voicePackets(await loadVoice(), new Int16Array(960 * PACKETS_PER_CALL));
  server = await startTestServer();
});
after(async () => {
  closeAllSockets();
  await server.close();
});

const voiceTotals = async (url) => (await stats(url)).voice;

async function startCall(socket, callId) {
  socket.send({ type: 'voice.start', call_id: callId, greeting: false });
  return socket.waitFor((f) => (f.type === 'voice.started' || f.type === 'error') && f.call_id === callId, 5000);
}

// Frames are handled in arrival order: once the pong is back, so are the packets.
async function sendAudio(socket, t) {
  for (const p of silence) socket.ws.send(p);
  socket.send({ type: 'ping', t });
  await socket.waitFor((f) => f.type === 'pong' && f.t === t, 5000);
}

test('the bounds\' defaults', () => {
  assert.equal(CLIENT_BOUNDS.maxVoiceCalls, 200);
  assert.equal(CLIENT_BOUNDS.maxVoiceCallsPerAddress, 8);
  assert.equal(CLIENT_BOUNDS.maxCallRecordsPerSession, 8);
  assert.equal(CLIENT_BOUNDS.refusedPacketReplies, 10);
  assert.equal(CLIENT_BOUNDS.refusedPacketRepliesPerSecond, 1);
});

test('many voice.start from one session: one open call, its audio only, a few records; another shopper still calls', async () => {
  const { socket } = await joinSession(server.url, { session: 'vcb-pile' });
  for (let i = 0; i < STARTS; i += 1) {
    const started = await startCall(socket, `pile-${i}`);
    assert.equal(started.type, 'voice.started', JSON.stringify(started));
    await sendAudio(socket, i);
  }
  const mine = (await voiceCalls(server.url)).filter((c) => c.session_id === 'vcb-pile');
  assert.ok(mine.length <= CLIENT_BOUNDS.maxCallRecordsPerSession, `${mine.length} calls remembered`);
  assert.deepEqual(mine.filter((c) => c.open).map((c) => c.call_id), [`pile-${STARTS - 1}`]);
  assert.ok(mine.every((c) => c.frames_received === PACKETS_PER_CALL), 'every call heard its audio');
  const totals = await voiceTotals(server.url);
  assert.equal(totals.calls_open, 1);
  assert.equal(totals.recorded_frames, PACKETS_PER_CALL, 'only the open call keeps audio');

  // A well-behaved shopper on the same instance starts a call and is heard.
  const other = await joinSession(server.url, { session: 'vcb-other' });
  assert.equal((await startCall(other.socket, 'other-1')).type, 'voice.started');
  await sendAudio(other.socket, 'other');
  // The piling session's latest call is still its own, and ends cleanly.
  socket.send({ type: 'voice.end', call_id: `pile-${STARTS - 1}` });
  await socket.waitFor((f) => f.type === 'voice.closed' && f.call_id === `pile-${STARTS - 1}`);
  const after = await voiceTotals(server.url);
  assert.equal(after.calls_open, 1);
  assert.equal(after.recorded_frames, PACKETS_PER_CALL, 'the ended call\'s audio went when it ended');
  other.socket.send({ type: 'voice.end', call_id: 'other-1' });
  await other.socket.waitFor((f) => f.type === 'voice.closed');
});

test('a second tab of the session starting a call ends the first tab\'s; a remembered call_id continues its counters', async () => {
  const first = await joinSession(server.url, { session: 'vcb-tabs', tab: 'tab-a' });
  assert.equal((await startCall(first.socket, 'tab-a-call')).type, 'voice.started');
  await sendAudio(first.socket, 'a');
  const second = await joinSession(server.url, { session: 'vcb-tabs', tab: 'tab-b', token: first.welcome.resume_token });
  assert.equal(second.welcome.resumed, true);
  assert.equal((await startCall(second.socket, 'tab-b-call')).type, 'voice.started');
  await sendAudio(second.socket, 'b');
  const calls = (await voiceCalls(server.url)).filter((c) => c.session_id === 'vcb-tabs');
  assert.deepEqual(calls.map((c) => [c.call_id, c.open]), [['tab-a-call', false], ['tab-b-call', true]]);
  assert.equal((await voiceTotals(server.url)).recorded_frames, PACKETS_PER_CALL);
  // Back to the first call (remembered): its counters continue, its audio starts afresh.
  assert.equal((await startCall(second.socket, 'tab-a-call')).type, 'voice.started');
  const back = (await voiceCalls(server.url)).filter((c) => c.session_id === 'vcb-tabs');
  assert.deepEqual(back.map((c) => [c.call_id, c.open, c.frames_received]),
    [['tab-b-call', false, PACKETS_PER_CALL], ['tab-a-call', true, PACKETS_PER_CALL]]);
  assert.equal((await voiceTotals(server.url)).recorded_frames, 0, 'tab-b-call\'s audio went when it ended');
  second.socket.send({ type: 'voice.end', call_id: 'tab-a-call' });
  await second.socket.waitFor((f) => f.type === 'voice.closed');
});

test('past maxVoiceCalls open on the instance, voice.start is voice_unavailable over_capacity; a freed slot is taken', async () => {
  const capped = await startTestServer({ bounds: { maxVoiceCalls: 2 } });
  try {
    const a = await joinSession(capped.url, { session: 'cap-a' });
    const b = await joinSession(capped.url, { session: 'cap-b' });
    const c = await joinSession(capped.url, { session: 'cap-c' });
    assert.equal((await startCall(a.socket, 'a1')).type, 'voice.started');
    assert.equal((await startCall(b.socket, 'b1')).type, 'voice.started');
    const refused = await startCall(c.socket, 'c1');
    assert.deepEqual({ ...refused, message: undefined }, {
      type: 'error', code: 'voice_unavailable', reason: 'over_capacity', call_id: 'c1', message: undefined,
    });
    assert.equal((await voiceCalls(capped.url)).filter((x) => x.session_id === 'cap-c').length, 0, 'nothing kept for it');
    assert.equal((await voiceTotals(capped.url)).calls_refused_full, 1);
    // A session switching calls at the cap is not refused: its old call ends.
    assert.equal((await startCall(a.socket, 'a2')).type, 'voice.started');
    c.socket.send({ type: 'ping', t: 'c' });
    await c.socket.waitFor((f) => f.type === 'pong' && f.t === 'c');
    b.socket.send({ type: 'voice.end', call_id: 'b1' });
    await b.socket.waitFor((f) => f.type === 'voice.closed');
    c.socket.send({ type: 'voice.start', call_id: 'c1', greeting: false });
    await c.socket.waitFor((f) => f.type === 'voice.started' && f.call_id === 'c1');
  } finally {
    closeAllSockets();
    await capped.close();
  }
});

// Every socket here comes from 127.0.0.1: one client address.
test('past maxVoiceCallsPerAddress open from one address, voice.start is voice_unavailable reason address; a session switching calls and a freed slot are not refused', async () => {
  const capped = await startTestServer({ bounds: { maxVoiceCallsPerAddress: 2 } });
  try {
    const a = await joinSession(capped.url, { session: 'addr-a' });
    const b = await joinSession(capped.url, { session: 'addr-b' });
    const c = await joinSession(capped.url, { session: 'addr-c' });
    assert.equal((await startCall(a.socket, 'a1')).type, 'voice.started');
    assert.equal((await startCall(b.socket, 'b1')).type, 'voice.started');
    const refused = await startCall(c.socket, 'c1');
    assert.deepEqual({ ...refused, message: undefined }, {
      type: 'error', code: 'voice_unavailable', reason: 'address', call_id: 'c1', message: undefined,
    });
    assert.equal((await voiceCalls(capped.url)).filter((x) => x.session_id === 'addr-c').length, 0, 'nothing kept for it');
    const totals = await voiceTotals(capped.url);
    assert.equal(totals.calls_refused_address, 1);
    assert.equal(totals.calls_refused_full, 0, 'not the instance cap');
    assert.equal((await startCall(a.socket, 'a2')).type, 'voice.started', 'its own old call ends: not refused');
    b.socket.send({ type: 'voice.end', call_id: 'b1' });
    await b.socket.waitFor((f) => f.type === 'voice.closed');
    c.socket.send({ type: 'voice.start', call_id: 'c1', greeting: false }); // its earlier error is still in the socket's frames
    await c.socket.waitFor((f) => f.type === 'voice.started' && f.call_id === 'c1');
  } finally {
    closeAllSockets();
    await capped.close();
  }
});

test('packets with no open call: a burst of replies, then a few a second; the rest counted; the socket carries on', async () => {
  const socket = await connect(server.url);
  socket.send(helloFrame({ session: 'vcb-refused' }));
  await socket.waitFor((f) => f.type === 'welcome');
  const before = (await voiceTotals(server.url)).packet_replies_dropped;
  const started = performance.now();
  const SENT = 500;
  for (let i = 0; i < SENT; i += 1) socket.ws.send(silence[i % silence.length]);
  socket.send({ type: 'ping', t: 'after' });
  await socket.waitFor((f) => f.type === 'pong' && f.t === 'after', 5000);
  const seconds = (performance.now() - started) / 1000;
  const replies = socket.frames.filter((f) => f.reason === 'voice_not_started').length;
  const allowed = CLIENT_BOUNDS.refusedPacketReplies + Math.ceil(seconds * CLIENT_BOUNDS.refusedPacketRepliesPerSecond);
  assert.ok(replies >= CLIENT_BOUNDS.refusedPacketReplies && replies <= allowed, `${replies} replies in ${seconds.toFixed(1)} s`);
  assert.equal((await voiceTotals(server.url)).packet_replies_dropped - before, SENT - replies);
  // Still a working session: a call starts and its packets are taken.
  assert.equal((await startCall(socket, 'after-refusals')).type, 'voice.started');
  await sendAudio(socket, 'call');
  const [call] = (await voiceCalls(server.url)).filter((c) => c.session_id === 'vcb-refused');
  assert.equal(call.frames_received, PACKETS_PER_CALL);
});
