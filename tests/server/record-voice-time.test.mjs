// Voice minutes in the record (docs/record.md, "Analytics"): a call that
// streams on one connection, is resumed on a second after a drop, and is
// ended there is recorded as two stretches, each as long as it streamed on
// its connection (the gateway's clock), and the analytics sum them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, request, startTestServer } from './helpers.mjs';
import { closeAllSockets, joinSession } from './session-helpers.mjs';
import { loadVoice } from './voice-helpers.mjs';

const TOKEN = 'staff-token-for-voice-time-0123456789';

test('a call\'s stretches on each connection are recorded with how long each streamed; analytics sum them', async (t) => {
  await loadVoice();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-voice-time-'));
  const server = await startTestServer({ staffToken: TOKEN, record: { setting: { kind: 'sqlite', file: path.join(dir, 'record.sqlite') } } });
  t.after(async () => { closeAllSockets(); await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });
  const first = await joinSession(server.url, { session: 'voice-time-1' });
  const startedAt = Date.now();
  first.socket.send({ type: 'voice.start', call_id: 'call-vt', greeting: false });
  await first.socket.waitFor((f) => f.type === 'voice.started' && f.call_id === 'call-vt');
  await new Promise((r) => setTimeout(r, 300));
  first.socket.ws.terminate(); // a dropped connection
  const second = await joinSession(server.url, { session: 'voice-time-1', token: first.welcome.resume_token });
  assert.equal(second.welcome.resumed, true, 'the same session, resumed');
  second.socket.send({ type: 'voice.start', call_id: 'call-vt', greeting: false });
  await second.socket.waitFor((f) => f.type === 'voice.started' && f.call_id === 'call-vt');
  await new Promise((r) => setTimeout(r, 200));
  second.socket.send({ type: 'voice.end', call_id: 'call-vt' });
  await second.socket.waitFor((f) => f.type === 'voice.closed' && f.call_id === 'call-vt');
  const endedAt = Date.now();

  const staff = (urlPath) => request(server.url, { path: urlPath, headers: { Authorization: `Bearer ${TOKEN}` } });
  const stretches = await eventually(async () => {
    const res = await staff('/staff/record/conversations/voice-time-1');
    const c = res.status === 200 ? JSON.parse(res.body).conversation : null;
    return c?.voice_time.length === 2 && c.voice_time;
  }, 10_000, 'two stretches in the record');
  assert.deepEqual(stretches.map((s) => s.callId), ['call-vt', 'call-vt']);
  assert.ok(stretches[0].ms >= 250 && stretches[1].ms >= 150, JSON.stringify(stretches));
  assert.ok(stretches[0].ms + stretches[1].ms <= endedAt - startedAt, 'no more than the call lasted');
  const day = new Date().toISOString().slice(0, 10);
  const figures = JSON.parse((await staff(`/staff/record/analytics?from=${day}`)).body).analytics;
  assert.equal(figures.voiceMinutes, Math.round((stretches[0].ms + stretches[1].ms) / 6000) / 10);
});
