// Screenshot stories of voice mode's call bar, as screenshot-stories.test.mjs
// (English and Arabic, desktop and phone, Chromium, one region each compared
// relative to its own area, region-shots.mjs). Chromium's fake microphone
// plays silence, so the call goes from the greeting to listening:
//   voice-<state>-<lang>-<size>  the bar while the agent speaks its greeting
//                                (agent_speaking), then listening, then muted
//   voice-typed-<lang>-desktop   a message typed during the call: the
//                                shopper's bubble and the reply in the chat,
//                                the bar while the reply is said
// The level meter's fill follows the audio and is blanked.
// References: tests/browser/reference/; NATTER_UPDATE_SCREENSHOTS=1 rewrites
// them. NATTER_DIST_DIR: story-helpers.mjs. docs/theming.md, "Screenshot tests".
import { test, before, after, beforeEach } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStack } from './harness.mjs';
import { micArgs } from './voice-audio.mjs';
import { SIZES, LANGS, storyStack, openPanel, still, blank, send } from './story-helpers.mjs';
import { checkRegion } from './region-shots.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'natter-voice-story-'));
const silence = path.join(dir, 'silence.wav');
execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', silence, 'trim', '0', '10']);

let stack;
before(async () => {
  const options = storyStack();
  stack = await startStack({ ...options, extraArgs: [...options.extraArgs, ...micArgs(silence)] });
});
after(async () => { await stack?.close(); rmSync(dir, { recursive: true, force: true }); });
beforeEach(() => stack.reset());

for (const lang of LANGS) {
  for (const [size, viewport] of Object.entries(SIZES)) {
    test(`${lang} ${size}: the call bar while the agent speaks, listening, and muted`, async () => {
      const w = await openPanel(stack, lang, viewport, { data: { transport: 'session' } });
      await w.widget.locator('.status[data-state="connected"]').waitFor({ state: 'attached' });
      await w.widget.locator('button.mic').click();
      const bar = w.widget.locator('[part="voice-bar"]');
      await blank(w, ['.voice-meter-fill']);
      for (const state of ['agent_speaking', 'listening']) {
        await w.widget.locator(`[part="voice-bar"][data-state="${state}"]`).waitFor({ state: 'visible', timeout: 15_000 });
        await still(w);
        await checkRegion(`voice-${state}-${lang}-${size}`, bar);
      }
      await w.widget.locator('button.voice-mute').click();
      await w.widget.locator('button.voice-mute[aria-pressed="true"]').waitFor();
      await still(w);
      await checkRegion(`voice-muted-${lang}-${size}`, bar);
    });
  }
}

for (const lang of LANGS) {
  test(`${lang} desktop: a message typed during the call is in the chat and its answer is said`, async () => {
    const w = await openPanel(stack, lang, SIZES.desktop, { data: { transport: 'session' } });
    await w.widget.locator('.status[data-state="connected"]').waitFor({ state: 'attached' });
    await w.widget.locator('button.mic').click();
    await blank(w, ['.voice-meter-fill']);
    const bar = w.widget.locator('[part="voice-bar"]');
    await w.widget.locator('[part="voice-bar"][data-state="listening"]').waitFor({ state: 'visible', timeout: 15_000 });
    const replies = w.widget.locator('li.msg.agent[aria-busy="false"]');
    const before = await replies.count(); // the greeting's bubble
    await send(w, 'order 12345, thanks');
    await w.page.waitForFunction((n) => document.querySelector('natter-widget').shadowRoot
      .querySelectorAll('li.msg.agent[aria-busy="false"]').length > n, before, { timeout: 15_000 });
    await w.widget.locator('[part="voice-bar"][data-state="agent_speaking"]').waitFor({ state: 'visible', timeout: 15_000 });
    // The typed answer's thumbs come with their own chunk: in the shot, always.
    await w.widget.locator('li.msg.agent[data-reply-to] .thumbs').waitFor();
    await still(w);
    await checkRegion(`voice-typed-${lang}-desktop`, w.widget.locator('[part="log"]'));
    await checkRegion(`voice-typed-bar-${lang}-desktop`, bar);
  });
}
