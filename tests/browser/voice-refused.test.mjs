// A voice call the gateway refuses (as many calls open from the shopper's
// address as it allows: here one, held by another page): the widget ends
// the call at once with a notice that says so, gives the microphone back (its
// tracks stopped) and text chat carries on; the gateway counted the refusal
// and kept no call. NATTER_DIST_DIR runs it against another build (one
// without the fix, to see it fail).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStack, eventually } from './harness.mjs';
import { openConnected, type } from './session-helpers.mjs';
import { speechWav, micArgs } from './voice-audio.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'natter-voice-refused-'));
const shopperWav = speechWav(dir, 'shopper', 'Hello.', { leadSeconds: 1, tailSeconds: 1 });

let stack;
before(async () => {
  stack = await startStack({ extraArgs: micArgs(shopperWav), server: { bounds: { maxVoiceCallsPerAddress: 1 }, distDir: process.env.NATTER_DIST_DIR || undefined } });
});
after(async () => { await stack?.close(); rmSync(dir, { recursive: true, force: true }); });

// Keeps the microphone streams the widget gets, to check their tracks end.
const keepStreams = (page) => page.addInitScript(() => {
  const md = navigator.mediaDevices;
  const real = md.getUserMedia.bind(md);
  window.__streams = [];
  md.getUserMedia = async (constraints) => {
    const stream = await real(constraints);
    window.__streams.push(stream);
    return stream;
  };
});

test('a call the gateway refuses ends with a notice, the microphone is given back, and text goes on', async () => {
  const first = await openConnected(stack);
  await first.widget.getByRole('button', { name: 'Start a voice call' }).click();
  await first.widget.locator('.voice:not([data-state="off"]):not([data-state="requesting_mic"])').waitFor({ state: 'attached' });
  const s = await openConnected(stack, { onPage: keepStreams });
  await s.widget.getByRole('button', { name: 'Start a voice call' }).click();
  await s.widget.getByText('Voice calls are busy right now. Please try again later, or keep chatting by text.').waitFor();
  await s.widget.locator('.voice[data-state="off"]').waitFor({ state: 'attached' });
  await eventually(async () => {
    const live = await s.page.evaluate(() => window.__streams.flatMap((m) => m.getTracks()).filter((t) => t.readyState === 'live').length);
    assert.equal(live, 0, 'a microphone track is still live');
  });
  const ends = s.sockets.flatMap((w) => w.sent.filter((f) => f.type === 'voice.end'));
  assert.deepEqual(ends, [], 'the refused call was ended on the server');
  await type(s, 'do you have PS5 games?');
  await s.finishedReplies.first().waitFor();
  assert.equal(s.msgsSent().length, 1);
  const stats = await (await fetch(new URL('/__natter/stats', stack.server.url))).json();
  assert.ok(JSON.stringify(stats).includes('"calls_refused_address":1'), `the gateway counted one refusal by address: ${JSON.stringify(stats).slice(0, 400)}`);
  assert.notEqual(await first.widget.locator('.voice[data-state]').first().getAttribute('data-state'), 'off', 'the first page\'s call goes on');
});
