// The voice test controls: faults on the agent's audio (drop, reorder,
// jitter, cut), the calls listing, and reset. Each test resets the server first.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { request, startTestServer, stats } from './helpers.mjs';
import { closeAllSockets, joinSession } from './session-helpers.mjs';
import { header, setVoiceFaults, voiceCalls } from './voice-helpers.mjs';

// A greeting of about 2.5 s: enough frames for shares to show.
const LINES = { greeting: 'Hello there, and welcome to the game shop. How can I help you today?', replies: ['Sure.'] };

let server;
before(async () => { server = await startTestServer({ voiceLines: LINES }); });
after(async () => {
  closeAllSockets();
  await server.close();
});
beforeEach(async () => {
  closeAllSockets();
  await request(server.url, { method: 'POST', path: '/__natter/reset' });
});

// Starts a call with the greeting and resolves the socket once the greeting ended.
async function greeted(session) {
  const { socket } = await joinSession(server.url, { session });
  socket.send({ type: 'voice.start', call_id: 'call', greeting: true });
  await socket.waitFor((f) => f.type === 'voice.agent' && f.state === 'end', 10_000);
  return socket;
}

const seqs = (socket) => socket.binary.map((b) => header(b).seq);

test('without faults every frame arrives in order', async () => {
  const socket = await greeted('vf-clean');
  const s = seqs(socket);
  assert.deepEqual(s, [...s.keys()]);
  assert.ok(s.length > 100, `${s.length} frames`);
  const { voice } = await stats(server.url);
  assert.equal(voice.frames_sent, s.length);
});

test('drop: about that share of frames never arrives; their seq is used up', async () => {
  await setVoiceFaults(server.url, { drop: 0.3, seed: 1 });
  const socket = await greeted('vf-drop');
  const s = seqs(socket);
  const sent = (await stats(server.url)).voice.frames_sent;
  const lost = 1 - s.length / sent;
  assert.ok(lost > 0.15 && lost < 0.45, `lost ${lost} of ${sent}`);
  assert.ok(s.every((q, i) => i === 0 || q > s[i - 1]), 'order kept');
  assert.ok(s.at(-1) < sent, 'seq numbers stay within what was made');
});

// The audio frames and voice.* frames, without the live transcript's session
// events (voice.transcript: the final one follows the end, in the event log).
const voiceTimeline = (socket) => socket.timeline.filter((x) => x.text?.event !== 'voice.transcript');

test('reorder 1: adjacent frames are swapped in pairs', async () => {
  await setVoiceFaults(server.url, { reorder: 1 });
  const socket = await greeted('vf-reorder');
  const s = seqs(socket);
  assert.deepEqual(s.slice(0, 6), [1, 0, 3, 2, 5, 4]);
  assert.deepEqual([...s].sort((a, b) => a - b), [...s.keys()], 'none lost');
  const timeline = voiceTimeline(socket);
  const endAt = timeline.findIndex((x) => x.text?.state === 'end');
  assert.equal(endAt, timeline.length - 1, 'the end comes after every frame, an odd one out included');
});

test('jitter: frames arrive late and out of order, the end still after the last', async () => {
  await setVoiceFaults(server.url, { jitter_ms: 80, seed: 3 });
  const socket = await greeted('vf-jitter');
  const s = seqs(socket);
  const inversions = s.filter((q, i) => i > 0 && q < s[i - 1]).length;
  assert.ok(inversions >= 5, `${inversions} frames overtaken`);
  assert.deepEqual([...s].sort((a, b) => a - b), [...s.keys()], 'none lost');
  const timeline = voiceTimeline(socket);
  const endAt = timeline.findIndex((x) => x.text?.state === 'end');
  assert.equal(endAt, timeline.length - 1);
});

test('cut_after_ms: the socket drops abruptly that long after the next voice.start, once', async () => {
  await setVoiceFaults(server.url, { cut_after_ms: 400 });
  const { socket } = await joinSession(server.url, { session: 'vf-cut' });
  const t0 = performance.now();
  socket.send({ type: 'voice.start', call_id: 'call', greeting: true });
  const { code } = await socket.waitClosed(3000);
  const after = performance.now() - t0;
  assert.equal(code, 1006);
  assert.ok(after >= 390, `closed after ${after} ms, before the cut was due`); // a lower bound: never flaky
  // Not much later than due: the stream was cut while still paced (20 ms a frame).
  assert.ok(socket.binary.length > 0 && socket.binary.length < 40, `${socket.binary.length} frames before the cut`);
  const again = await greeted('vf-cut-2'); // not armed any more
  assert.equal(again.ws.readyState, 1);
});

test('bad fault settings are 400; reset clears faults, calls and voice counters', async () => {
  for (const body of ['{"drop": 1.5}', '{"jitter_ms": -1}', '{"whatever": 1}', 'nope']) {
    const res = await request(server.url, { method: 'POST', path: '/__natter/voice/faults', body });
    assert.equal(res.status, 400, body);
  }
  await setVoiceFaults(server.url, { drop: 1 });
  const socket = await greeted('vf-reset');
  assert.equal(socket.binary.length, 0, 'drop 1 sends no audio');
  assert.equal((await voiceCalls(server.url)).length, 1);
  await request(server.url, { method: 'POST', path: '/__natter/reset' });
  assert.deepEqual(await voiceCalls(server.url), []);
  assert.equal((await stats(server.url)).voice.frames_sent, 0);
  const after = await greeted('vf-reset');
  assert.ok(after.binary.length > 100, 'faults cleared');
  assert.equal((await voiceCalls(server.url))[0].greeted, true);
});
