// Screenshot stories of the action confirm card (ui/action-card.js;
// region-shots.mjs), English and Arabic (right to left), desktop, in
// Chromium:
//   action-<lang>-proposed  the card under the agent's answer: item,
//                           variant, quantity, price, Confirm / Not now
//   action-<lang>-done      after Confirm: the handler's result message
// The agent is the test's (action-test-agent.mjs); the endpoints the gateway's.
// References: tests/browser/reference/; NATTER_UPDATE_SCREENSHOTS=1 rewrites
// them. docs/theming.md, "Screenshot tests".
import { test, before, after, beforeEach } from 'node:test';

import assert from 'node:assert/strict';
import { startStack, eventually } from './harness.mjs';
import { SIZES, LANGS, storyStack, openPanel, still, send } from './story-helpers.mjs';
import { checkRegion } from './region-shots.mjs';
import { actionAgent, declareAddToCart, SUMMARY } from './action-test-agent.mjs';

let stack;
before(async () => { stack = await startStack(storyStack({ agent: actionAgent() })); });
after(() => stack?.close());
beforeEach(() => stack.reset());

const ASK = { en: 'please add this to my basket', ar: 'أضف هذا إلى سلتي من فضلك' };
const RESULT = { en: 'Added to basket', ar: 'أُضيف إلى السلة' };

for (const lang of LANGS) {
  test(`${lang} desktop: the action confirm card, proposed and done`, async () => {
    const w = await openPanel(stack, lang, SIZES.desktop);
    // Sent at once: a message waits for the page context on its way
    // (load-page-context.js hold), the declaration with it.
    await declareAddToCart(w.page, RESULT[lang]);
    await send(w, ASK[lang]);
    const card = w.widget.getByRole('group', { name: SUMMARY[lang].title });
    await card.waitFor();
    await w.widget.locator('li.msg.agent[aria-busy="false"]').waitFor();
    await still(w);
    await checkRegion(`action-${lang}-proposed`, card);
    await card.locator('.action-confirm').click();
    await eventually(async () => assert.equal(await card.getAttribute('data-state'), 'done'), { timeout: 10000 });
    await still(w);
    await checkRegion(`action-${lang}-done`, card);
    assert.deepEqual(w.problems, []);
  });
}
