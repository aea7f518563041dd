// Screenshot stories of what a shopper can tap (region-shots.mjs), English
// and Arabic (right to left), desktop and phone, in Chromium:
//   chips-<lang>-<size>     the reply chips and link button under the demo
//                           agent's trade-in answer
//   starters-<lang>-<size>  the shop's starter prompts on an empty
//                           conversation (natter('starters', …))
// References: tests/browser/reference/; NATTER_UPDATE_SCREENSHOTS=1 rewrites
// them. docs/theming.md, "Screenshot tests".
import { test, before, after, beforeEach } from 'node:test';

import assert from 'node:assert/strict';
import { startStack } from './harness.mjs';
import { SIZES, LANGS, storyStack, openPanel as openStoryPanel, still, send } from './story-helpers.mjs';
import { checkRegion } from './region-shots.mjs';

let stack;
before(async () => { stack = await startStack(storyStack()); });
after(() => stack?.close());
beforeEach(() => stack.reset());

const openPanel = (...args) => openStoryPanel(stack, ...args);
const STARTERS = { en: ['Where is my order?', 'Returns and refunds'], ar: ['أين طلبي؟', 'الإرجاع والاسترداد'] };

for (const lang of LANGS) {
  for (const [size, viewport] of Object.entries(SIZES)) {
    test(`${lang} ${size}: reply chips and a link button under an answer`, async () => {
      const w = await openPanel(lang, viewport);
      await send(w, 'can I trade in my old console?');
      const row = w.widget.locator('li.msg.agent[aria-busy="false"] .suggestions');
      await row.waitFor();
      assert.equal(await row.locator('.chip').count(), 3);
      await still(w);
      await checkRegion(`chips-${lang}-${size}`, row);
      assert.deepEqual(w.problems, []);
    });

    test(`${lang} ${size}: the shop's starter prompts on an empty conversation`, async () => {
      const w = await openPanel(lang, viewport);
      await w.page.evaluate((list) => window.natter('starters', list), STARTERS[lang]);
      const row = w.widget.locator('li.starters .suggestions');
      await row.waitFor();
      assert.deepEqual(await row.locator('.chip').allTextContents(), STARTERS[lang]);
      await still(w);
      await checkRegion(`starters-${lang}-${size}`, row);
      assert.deepEqual(w.problems, []);
    });
  }
}
