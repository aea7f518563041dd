// Voice minutes in the record (docs/record.md, "Voice minutes"): a call's
// stretches on this instance (one per connection it streamed on, or per
// voice.start/voice.end) add up into one row per call, as long as they
// streamed in total (the gateway's clock), and the analytics sum it. A
// client flooding voice.start/voice.end, or starting call after call, costs
// the record a bounded number of rows and writes, and the time stays whole.
// Needs build/wasm (node tools/bundle/build.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, request, startTestServer, stats } from './helpers.mjs';
import { closeAllSockets, joinSession, sleep } from './session-helpers.mjs';
import { loadVoice } from './voice-helpers.mjs';

const TOKEN = 'staff-token-for-voice-time-0123456789';

async function recordServer(t, options = {}) {
  await loadVoice();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-voice-time-'));
  const server = await startTestServer({ staffToken: TOKEN, record: { setting: { kind: 'sqlite', file: path.join(dir, 'record.sqlite') } }, ...options });
  t.after(async () => { closeAllSockets(); await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });
  return server;
}
const staff = (server, urlPath) => request(server.url, { path: urlPath, headers: { Authorization: `Bearer ${TOKEN}` } });
async function voiceRows(server, conversation) {
  const res = await staff(server, `/staff/record/conversations/${conversation}`);
  return res.status === 200 ? JSON.parse(res.body).conversation.voice_time : [];
}
// A counter's value in /metrics (labels as written there, e.g. 'reason="stretch"').
function counter(text, name, labels = '') {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').at(-1)) : undefined;
}

// One stretch: start, stream at least `holdMs`, end. Resolves the client's
// outer bound of it (voice.start sent to voice.closed received).
async function stretch(socket, callId, holdMs) {
  const from = socket.frames.length; // frames of earlier stretches do not count
  const next = (type) => (f) => f.type === type && f.call_id === callId && socket.frames.indexOf(f) >= from;
  const sent = Date.now();
  socket.send({ type: 'voice.start', call_id: callId, greeting: false });
  await socket.waitFor(next('voice.started'));
  await sleep(holdMs);
  socket.send({ type: 'voice.end', call_id: callId });
  await socket.waitFor(next('voice.closed'));
  return Date.now() - sent;
}

test('a call on two connections is one row as long as both stretches; analytics sum it', async (t) => {
  const server = await recordServer(t, { bounds: { voiceTimeReportMs: 500 } });
  const first = await joinSession(server.url, { session: 'voice-time-1' });
  const startedAt = Date.now();
  first.socket.send({ type: 'voice.start', call_id: 'call-vt', greeting: false });
  await first.socket.waitFor((f) => f.type === 'voice.started' && f.call_id === 'call-vt');
  await sleep(300);
  first.socket.ws.terminate(); // a dropped connection
  const second = await joinSession(server.url, { session: 'voice-time-1', token: first.welcome.resume_token });
  assert.equal(second.welcome.resumed, true, 'the same session, resumed');
  second.socket.send({ type: 'voice.start', call_id: 'call-vt', greeting: false });
  await second.socket.waitFor((f) => f.type === 'voice.started' && f.call_id === 'call-vt');
  await sleep(200);
  second.socket.send({ type: 'voice.end', call_id: 'call-vt' });
  await second.socket.waitFor((f) => f.type === 'voice.closed' && f.call_id === 'call-vt');
  const endedAt = Date.now();

  // The first stretch is written when it ends; the second within a report interval.
  const rows = await eventually(async () => {
    const found = await voiceRows(server, 'voice-time-1');
    return found.length === 1 && found[0].ms >= 450 && found;
  }, 10_000, 'one row with both stretches');
  assert.equal(rows[0].callId, 'call-vt');
  assert.ok(rows[0].ms <= endedAt - startedAt, `no more than the call lasted: ${JSON.stringify(rows)}`);
  const day = new Date().toISOString().slice(0, 10);
  const figures = JSON.parse((await staff(server, `/staff/record/analytics?from=${day}`)).body).analytics;
  assert.equal(figures.voiceMinutes, Math.round(rows[0].ms / 6000) / 10);
});

test('a voice.start/voice.end flood on one call is one row and two writes, with all of its time', async (t) => {
  const server = await recordServer(t, { metrics: true, resumeWindowMs: 200 });
  const { socket } = await joinSession(server.url, { session: 'voice-time-flood' });
  const written = async () => counter((await request(server.url, { path: '/metrics' })).body, 'natter_record_events_written_total');
  // The session's own row (the hello's visitor) first, so what follows is the call's.
  await eventually(async () => (await staff(server, '/staff/record/conversations/voice-time-flood')).status === 200, 5000, 'the session recorded');
  const before = await written();
  const PAIRS = 60;
  const HOLD_MS = 10;
  let outer = 0;
  for (let i = 0; i < PAIRS; i += 1) outer += await stretch(socket, 'call-flood', HOLD_MS);
  socket.ws.close(); // the session ends here after its resume window: the row's last write

  const rows = await eventually(async () => {
    const found = await voiceRows(server, 'voice-time-flood');
    return found.length === 1 && found[0].ms >= PAIRS * HOLD_MS && found;
  }, 10_000, 'the flood\'s time in one row');
  assert.ok(rows[0].ms <= outer, `no more than the stretches lasted (${outer} ms): ${rows[0].ms}`);
  const metrics = (await request(server.url, { path: '/metrics' })).body;
  assert.equal(counter(metrics, 'natter_record_events_written_total') - before, 2, 'the first stretch at its end, the rest at session end');
  assert.equal(counter(metrics, 'natter_voice_time_merged_total', 'reason="stretch"'), PAIRS - 1, metrics);
});

test('call after call in one session: at most voiceTimeRowsPerSession rows, the rest of the time in the newest', async (t) => {
  const ROWS = 3;
  const server = await recordServer(t, { resumeWindowMs: 200, bounds: { voiceTimeRowsPerSession: ROWS } });
  const { socket } = await joinSession(server.url, { session: 'voice-time-calls' });
  const CALLS = 12;
  const HOLD_MS = 20;
  let outer = 0;
  for (let i = 0; i < CALLS; i += 1) outer += await stretch(socket, `call-${i}`, HOLD_MS);
  socket.ws.close();

  const rows = await eventually(async () => {
    const found = await voiceRows(server, 'voice-time-calls');
    const ms = found.reduce((sum, r) => sum + r.ms, 0);
    return ms >= CALLS * HOLD_MS && found;
  }, 10_000, 'every call\'s time recorded');
  assert.deepEqual(rows.map((r) => r.callId).sort(), ['call-0', 'call-1', 'call-2']);
  assert.ok(rows.reduce((sum, r) => sum + r.ms, 0) <= outer);
  assert.equal((await stats(server.url)).voice.voice_time_calls_merged, CALLS - ROWS);
});
