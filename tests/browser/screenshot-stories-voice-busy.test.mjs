// Screenshot stories of the notice a refused voice call leaves (voice_busy:
// the gateway allows one call per address here, and another page holds it),
// English and Arabic (right to left), desktop, in Chromium (the notice's
// region compared relative to its own area, region-shots.mjs):
//   voice-busy-<lang>-desktop  "Voice calls are busy right now. …"
// Chromium's fake microphone plays silence. References:
// tests/browser/reference/; NATTER_UPDATE_SCREENSHOTS=1 rewrites them.
// NATTER_DIST_DIR: story-helpers.mjs. docs/theming.md, "Screenshot tests".
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStack } from './harness.mjs';
import { micArgs } from './voice-audio.mjs';
import { SIZES, LANGS, storyStack, openPanel, still } from './story-helpers.mjs';
import { checkRegion } from './region-shots.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'natter-voice-busy-story-'));
const silence = path.join(dir, 'silence.wav');
execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', silence, 'trim', '0', '10']);

let stack;
before(async () => {
  const options = storyStack({ bounds: { maxVoiceCallsPerAddress: 1 } });
  stack = await startStack({ ...options, extraArgs: [...options.extraArgs, ...micArgs(silence)] });
});
after(async () => { await stack?.close(); rmSync(dir, { recursive: true, force: true }); });
beforeEach(() => stack.reset());

const BUSY = {
  en: 'Voice calls are busy right now. Please try again later, or keep chatting by text.',
  ar: 'المكالمات الصوتية مشغولة الآن. يُرجى المحاولة لاحقًا، أو متابعة الدردشة كتابةً.',
};

for (const lang of LANGS) {
  test(`${lang} desktop: a voice call refused while another page holds the address's one call`, async () => {
    const holder = await openPanel(stack, 'en', SIZES.desktop, { data: { transport: 'session' } });
    await holder.widget.locator('.status[data-state="connected"]').waitFor({ state: 'attached' });
    await holder.widget.locator('button.mic').click();
    await holder.widget.locator('[part="voice-bar"][data-state="agent_speaking"], [part="voice-bar"][data-state="listening"]').waitFor({ state: 'visible', timeout: 15_000 });

    const w = await openPanel(stack, lang, SIZES.desktop, { data: { transport: 'session' } });
    await w.widget.locator('.status[data-state="connected"]').waitFor({ state: 'attached' });
    await w.widget.locator('button.mic').click();
    await w.widget.locator('.voice[data-state="off"]').waitFor({ state: 'attached' });
    const notice = w.widget.locator('li.notice').last();
    await notice.waitFor();
    await still(w);
    await checkRegion(`voice-busy-${lang}-desktop`, notice);
    assert.equal(await notice.textContent(), BUSY[lang]);
    // The widget logs the gateway's refusal; nothing else.
    assert.deepEqual(w.problems, ['[natter] server error (voice_unavailable): Too many voice calls from this network right now: try again in a minute.']);
  });
}
