// Screenshot stories of an answer's thumbs (region-shots.mjs), English and
// Arabic (right to left), desktop, in Chromium:
//   thumbs-<lang>-desktop   the demo agent's answer with its thumbs, the
//                           thumb down pressed and taken by the gateway
// References: tests/browser/reference/; NATTER_UPDATE_SCREENSHOTS=1 rewrites
// them. docs/theming.md, "Screenshot tests".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack } from './harness.mjs';
import { SIZES, LANGS, storyStack, openPanel, still, send } from './story-helpers.mjs';
import { checkRegion } from './region-shots.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-thumbs-story-'));
let stack;
before(async () => { stack = await startStack(storyStack({ record: { setting: { kind: 'sqlite', file: path.join(dir, 'r.sqlite') } } })); });
after(async () => { await stack?.close(); fs.rmSync(dir, { recursive: true, force: true }); });

const NAMES = { en: 'Not helpful', ar: 'غير مفيدة' };

for (const lang of LANGS) {
  test(`${lang} desktop: an answer's thumbs, thumbed down`, async () => {
    const w = await openPanel(stack, lang, SIZES.desktop);
    await send(w, 'headset under 50');
    const answer = w.widget.locator('li.msg.agent[aria-busy="false"]');
    const down = answer.getByRole('button', { name: NAMES[lang] });
    await down.waitFor();
    const taken = w.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/feedback');
    await down.click();
    assert.equal((await taken).status(), 202);
    assert.equal(await down.getAttribute('aria-pressed'), 'true');
    await still(w);
    await checkRegion(`thumbs-${lang}-desktop`, answer);
    assert.deepEqual(w.problems, []);
  });
}
