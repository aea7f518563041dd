// Barge-in: the shopper talks over the agent's greeting. Chromium's fake
// microphone starts speaking 0.8 s after capture starts, while the greeting
// is still playing: the widget stops playback, tells the gateway
// (voice.barge_in), and the gateway cuts the utterance short.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStack, eventually } from './harness.mjs';
import { openConnected } from './session-helpers.mjs';
import { speechWav, micArgs, recordVoiceStates } from './voice-audio.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'natter-barge-'));
const wav = speechWav(dir, 'talker',
  'Sorry to interrupt, but I need to know whether the blue jacket comes in a larger size, and how quickly it ships.',
  { leadSeconds: 0.8, tailSeconds: 2 });

let stack;
before(async () => {
  stack = await startStack({ extraArgs: micArgs(wav) });
});
after(async () => { await stack?.close(); rmSync(dir, { recursive: true, force: true }); });

test('speaking over the greeting stops playback and cuts the agent short', async () => {
  const s = await openConnected(stack);
  await recordVoiceStates(s.page);
  await s.widget.getByRole('button', { name: 'Start a voice call' }).click();
  const sent = (type) => s.sockets.flatMap((w) => w.sent.filter((f) => f.type === type));
  const received = (type) => s.sockets.flatMap((w) => w.received.filter((f) => f.type === type));
  await eventually(() => assert.equal(sent('voice.barge_in').length, 1), { timeout: 15_000 });
  await eventually(() => assert.ok(
    received('voice.agent').some((f) => f.state === 'end' && f.utterance === 1 && f.reason === 'barge_in'),
    'the gateway cut the greeting short'));
  const states = await s.page.evaluate(() => window.__voiceStates);
  const i = states.indexOf('agent_speaking');
  assert.ok(i >= 0 && states[i + 1] === 'user_speaking', `agent_speaking, then user_speaking: ${states}`);
  const calls = (await stack.control('/__natter/voice/calls')).calls;
  assert.equal(calls[0].barge_ins, 1);
  assert.equal(JSON.parse(await s.page.evaluate(() => JSON.stringify(natter('debug').stats))).barge_ins, 1);
  await s.widget.getByRole('button', { name: 'End call' }).click();
  s.assertClean();
});
