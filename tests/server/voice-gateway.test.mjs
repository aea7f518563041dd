// The voice gateway over the live session (docs/protocol.md, "Voice frames"
// and "Voice control frames"): a ws client as the browser would be, with
// speech made by espeak-ng + sox and encoded with the voice WASM module.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from './helpers.mjs';
import { closeAllSockets, joinSession, sleep } from './session-helpers.mjs';
import {
  bestEnvelopeCorrelation, concatPcm, decodePackets, envelope, getBinary, header, loadVoice, rms,
  UNPACED_UPLINK, shopperSpeech, utteranceFrames, voiceCalls, voicePackets,
} from './voice-helpers.mjs';

const LINES = {
  greeting: 'Hello there, and welcome to the game shop.',
  replies: ['Sure, we have that one in stock.', 'Would you like the bundle?'],
};

let server;
let V;
// The gateway's bench tap: how each of the shopper's frames was heard, per call.
const heardBy = new Map(); // callId -> [{ concealed, fec }]
const voiceTap = {
  sent() {},
  heard({ callId, concealed, fec }) {
    if (!heardBy.has(callId)) heardBy.set(callId, []);
    heardBy.get(callId).push({ concealed, fec: fec ?? false });
  },
};
before(async () => {
  V = await loadVoice();
  server = await startTestServer({ voiceLines: LINES, voiceTap, bounds: UNPACED_UPLINK });
});
after(async () => {
  closeAllSockets();
  await server.close();
});

const agentEnd = (callId, n) => (f) => f.type === 'voice.agent' && f.call_id === callId && f.utterance === n
  && f.state === 'end';
const agentStart = (callId, n) => (f) => f.type === 'voice.agent' && f.call_id === callId && f.utterance === n
  && f.state === 'start';

async function startCall(session, callId, greeting, hello = {}) {
  const joined = await joinSession(server.url, { session, ...hello });
  joined.socket.send({ type: 'voice.start', call_id: callId, greeting });
  await joined.socket.waitFor((f) => f.type === 'voice.started' && f.call_id === callId);
  return joined;
}

// 1.3 s or so of shopper speech, then 1 s of silence.
let speechCache = null;
function speechThenSilence() {
  speechCache ??= concatPcm(shopperSpeech('I am looking for a racing game'), new Int16Array(48000));
  return speechCache;
}

test('voice.start with greeting: started, then the greeting as paced, decodable Opus frames', async () => {
  const { socket } = await startCall('vg-greet', 'call-1', true);
  const started = socket.frames.find((f) => f.type === 'voice.started');
  assert.deepEqual(started, { type: 'voice.started', call_id: 'call-1', rate: 48000, frame_ms: 20 });
  const start = await socket.waitFor(agentStart('call-1', 1));
  assert.equal(start.text, LINES.greeting);
  const end = await socket.waitFor(agentEnd('call-1', 1), 10_000);
  assert.equal(end.reason, 'done');

  // start right before the first frame, end right after the last one
  // (the live transcript's session events, voice.transcript, go their own way)
  const timeline = socket.timeline.filter((x) => x.text?.event !== 'voice.transcript');
  const iStart = timeline.findIndex((x) => x.text === start);
  const iEnd = timeline.findIndex((x) => x.text === end);
  assert.ok(timeline[iStart + 1].binary && timeline[iEnd - 1].binary);
  const frames = timeline.slice(iStart + 1, iEnd);
  assert.ok(frames.every((x) => x.binary), 'only audio between start and end');
  assert.equal(frames.length, socket.binary.length);
  assert.ok(frames.length > 75, `${frames.length} frames`); // the line is well over 1.5 s

  const headers = socket.binary.map(header);
  headers.forEach((h, i) => {
    assert.deepEqual(h, { version: 1, flags: i === 0 ? 1 : 0, seq: i, timestamp: i * 960 });
  });
  const pcm = decodePackets(V, socket.binary);
  assert.equal(pcm.length, frames.length * 960);
  assert.ok(rms(pcm) > 1000, `rms ${rms(pcm)}: real speech, not silence`);

  // paced in real time after a 3-frame head start (timer slack allowed)
  const span = frames.at(-1).at - frames[0].at;
  const due = (frames.length - 3) * 20;
  assert.ok(span > due * 0.9 && span < due + 250, `sent over ${span} ms, due ${due} ms`);
  assert.ok(frames[2].at - frames[0].at < 15, 'the head start goes out at once');
});

test('a call resumed on a new connection is not greeted again and its seq continues', async () => {
  const first = await startCall('vg-resume', 'call-r', true);
  await first.socket.waitFor(agentEnd('call-r', 1), 10_000);
  const greetingFrames = first.socket.binary.length;
  await first.socket.terminate();

  const second = await startCall('vg-resume', 'call-r', true,
    { token: first.welcome.resume_token, last: 0 });
  assert.equal(second.welcome.resumed, true);
  await sleep(600);
  assert.equal(second.socket.frames.filter((f) => f.type === 'voice.agent').length, 0, 'no second greeting');
  assert.equal(second.socket.binary.length, 0);

  for (const p of voicePackets(V, speechThenSilence())) second.socket.ws.send(p);
  const heard = await second.socket.waitFor((f) => f.type === 'voice.heard', 5000);
  const reply = await second.socket.waitFor(agentStart('call-r', 2), 5000);
  assert.equal(reply.text, LINES.replies[0]);
  await second.socket.waitFor(agentEnd('call-r', 2), 10_000);
  assert.equal(header(second.socket.binary[0]).seq, greetingFrames, 'seq continues across utterances');
  assert.equal(header(second.socket.binary[0]).flags & 1, 1);
  assert.ok(heard.ms > 0);

  const [call] = (await voiceCalls(server.url)).filter((c) => c.session_id === 'vg-resume');
  assert.deepEqual({ ...call, frames_received: undefined, uplink: undefined }, {
    session_id: 'vg-resume', call_id: 'call-r', open: true, greeted: true, utterances_sent: 2,
    frames_received: undefined, bad_packets: 0, packets_over_rate: 0, segments_heard: 1, barge_ins: 0, uplink: undefined,
  });
  assert.deepEqual(call.uplink, { received: call.frames_received, expected: call.frames_received }, 'nothing lost');
});

test('the shopper\'s frames missing from the seq are counted as expected but not received (the pong\'s rx), and rebuilt from FEC', async () => {
  const { socket } = await startCall('vg-uplink', 'call-u', false);
  const packets = voicePackets(V, speechThenSilence());
  const sent = packets.filter((_, i) => i % 10 !== 5 || i === packets.length - 1); // every tenth lost on the way
  // A gap is concealed only as far as real time explains it
  // (uplink-decoder.mjs banks the time between arrivals). The frames between
  // losses go back to back, faster than a microphone's, so they bank
  // nothing: the pause before each loss's next frame pays for the
  // concealment. 100 ms, not the 40 a microphone would leave, because the
  // gateway's thread is busy at the utterance's end and takes the packets
  // around it late (45 ms failed 1 run of 2 at load average 10).
  let before = -1;
  for (const p of sent) {
    if (header(p).seq !== before + 1) await sleep(100);
    before = header(p).seq;
    socket.ws.send(p);
  }
  let call;
  for (let i = 0; i < 100; i++) {
    [call] = (await voiceCalls(server.url)).filter((c) => c.session_id === 'vg-uplink');
    if (call?.frames_received === sent.length) break;
    await sleep(50);
  }
  assert.deepEqual(call.uplink, { received: sent.length, expected: packets.length });
  // Each lost alone: rebuilt from the next frame's FEC (uplink-decoder.mjs), in its place.
  const heard = heardBy.get('call-u');
  assert.equal(heard.length, packets.length);
  assert.deepEqual(heard.map((h, i) => (h.concealed ? i : -1)).filter((i) => i >= 0),
    packets.map((_, i) => i).filter((i) => i % 10 === 5 && i !== packets.length - 1));
  assert.ok(heard.every((h) => h.fec === h.concealed), 'every concealed frame came from FEC');
});

test('shopper speech then silence: voice.heard with the segment length, then a spoken reply', async () => {
  const { socket } = await startCall('vg-heard', 'call-h', false);
  const speech = shopperSpeech('I am looking for a racing game');
  const pcm = concatPcm(speech, new Int16Array(48000));
  const sent = voicePackets(V, pcm);
  for (const p of sent) socket.ws.send(p);
  const heard = await socket.waitFor((f) => f.type === 'voice.heard', 5000);
  assert.equal(heard.call_id, 'call-h');
  assert.equal(heard.utterance, 1);
  // espeak's own leading/trailing quiet is not speech: the segment is a bit shorter
  const speechMs = (speech.length / 48000) * 1000;
  assert.ok(heard.ms >= speechMs - 400 && heard.ms <= speechMs + 100, `heard ${heard.ms} ms of ${speechMs} ms`);
  const start = await socket.waitFor(agentStart('call-h', 1), 5000);
  assert.equal(start.text, LINES.replies[0]);
  assert.ok(socket.frames.indexOf(heard) < socket.frames.indexOf(start), 'heard comes before the answer');
  await socket.waitFor(agentEnd('call-h', 1), 10_000);
  const reply = decodePackets(V, utteranceFrames(socket, 'call-h', 1));
  assert.ok(rms(reply) > 1000, `reply rms ${rms(reply)}`);

  // The recording is what was sent: 10 ms envelopes, aligned by cross-correlation,
  // correlate at r >= 0.8 (Opus at 24 kbit/s keeps the envelope; expect ~0.95+).
  const res = await getBinary(server.url, '/__natter/voice/heard?session_id=vg-heard');
  assert.equal(res.status, 200);
  const heardAudio = JSON.parse(res.body.toString('utf8'));
  assert.equal(heardAudio.samples, sent.length * 960);
  const { r, lag } = bestEnvelopeCorrelation(envelope(pcm), heardAudio.envelope);
  assert.ok(r >= 0.8, `envelope correlation ${r} at lag ${lag}`);
  assert.ok(Math.abs(lag) <= 2, `lag ${lag} windows`);
  assert.equal((await getBinary(server.url, '/__natter/voice/heard?session_id=nobody')).status, 404);
});

test('barge_in stops the utterance mid-stream: frames stop, end reason barge_in', async () => {
  const { socket } = await startCall('vg-barge', 'call-b', true);
  await socket.waitFor(agentStart('call-b', 1));
  await sleep(300);
  socket.send({ type: 'voice.barge_in', call_id: 'call-b' });
  const end = await socket.waitFor(agentEnd('call-b', 1), 2000);
  assert.equal(end.reason, 'barge_in');
  const atEnd = socket.binary.length;
  await sleep(300);
  assert.equal(socket.binary.length, atEnd, 'no frame after the end');
  assert.ok(atEnd > 10 && atEnd < 40, `${atEnd} frames before the barge-in`);
  const [call] = (await voiceCalls(server.url)).filter((c) => c.session_id === 'vg-barge');
  assert.equal(call.barge_ins, 1);
});

test('voice.end: the utterance ends (closed), voice.closed, frames stop, packets are refused', async () => {
  const { socket } = await startCall('vg-end', 'call-e', true);
  await socket.waitFor(agentStart('call-e', 1));
  await sleep(200);
  socket.send({ type: 'voice.end', call_id: 'call-e' });
  const closed = await socket.waitFor((f) => f.type === 'voice.closed', 2000);
  assert.deepEqual(closed, { type: 'voice.closed', call_id: 'call-e' });
  const end = socket.frames.find(agentEnd('call-e', 1));
  assert.equal(end?.reason, 'closed');
  assert.ok(socket.frames.indexOf(end) < socket.frames.indexOf(closed));
  const atEnd = socket.binary.length;
  await sleep(300);
  assert.equal(socket.binary.length, atEnd);
  socket.ws.send(voicePackets(V, new Int16Array(960))[0]);
  const refused = await socket.waitFor((f) => f.type === 'error' && f.reason === 'voice_not_started');
  assert.equal(refused.code, 'bad_frame');
  socket.send({ type: 'voice.end', call_id: 'call-e' }); // repeated: answered again
  await socket.waitFor((f) => f.type === 'voice.closed' && f !== closed);
});

test('binary before voice.start is bad_frame voice_not_started; malformed packets are counted; the socket stays', async () => {
  const { socket } = await joinSession(server.url, { session: 'vg-bad' });
  socket.ws.send(voicePackets(V, new Int16Array(960))[0]);
  const early = await socket.waitFor((f) => f.type === 'error');
  assert.deepEqual({ code: early.code, reason: early.reason }, { code: 'bad_frame', reason: 'voice_not_started' });
  socket.send({ type: 'voice.barge_in', call_id: 'nope' });
  await socket.waitFor((f) => f.type === 'error' && f !== early && f.reason === 'voice_not_started');

  socket.send({ type: 'voice.start', call_id: 'call-x', greeting: false });
  await socket.waitFor((f) => f.type === 'voice.started');
  const malformed = [Buffer.from([1, 0, 0]), Buffer.from([2, 0, 0, 0, 0, 0, 0, 0, 9]), Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]),
    Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]), Buffer.alloc(1276)])];
  for (const p of malformed) socket.ws.send(p);
  socket.send({ type: 'ping', t: 7 });
  await socket.waitFor((f) => f.type === 'pong' && f.t === 7);
  const bad = socket.frames.filter((f) => f.reason === 'bad_voice_packet');
  assert.equal(bad.length, 4);
  assert.match(bad.map((f) => f.message).join(' '), /too_short.*bad_version.*empty_payload.*payload_too_long/);
  const [call] = (await voiceCalls(server.url)).filter((c) => c.session_id === 'vg-bad');
  assert.equal(call.bad_packets, 4);
  assert.equal(call.frames_received, 0);
  assert.equal(socket.ws.readyState, 1, 'still open');
});

test('voice frames before the welcome are bad_frame; binary before hello too', async () => {
  const { connect } = await import('./session-helpers.mjs');
  const socket = await connect(server.url);
  socket.send({ type: 'voice.start', call_id: 'c', greeting: true });
  socket.ws.send(Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 1]));
  await socket.waitFor(() => socket.frames.length >= 2);
  assert.ok(socket.frames.every((f) => f.type === 'error' && f.code === 'bad_frame'));
  assert.equal(socket.frames[1].reason, 'voice_not_started');
});
