// Screenshot story of the operator console (/staff/console, what shop staff
// see), English and Arabic (?lang=), desktop and phone, Chromium: a shopper
// asked for a person and said something; staff sign in and open the
// conversation. Regions, compared relative to their own area
// (region-shots.mjs):
//   console-list-<lang>-<size>    the waiting conversation in the list
//   console-detail-<lang>-<size>  the conversation opened, before taking it over,
//                                 and -line<n>: each transcript line on its own
// The conversation id changes on every run and is shown as 00000000.
// References: tests/browser/reference/; NATTER_UPDATE_SCREENSHOTS=1 rewrites
// them. NATTER_DIST_DIR: story-helpers.mjs. docs/theming.md, "Screenshot tests".
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './harness.mjs';
import { SIZES, LANGS, storyStack, openPanel, send, signInToConsole } from './story-helpers.mjs';
import { checkRegion } from './region-shots.mjs';

const LINES = 3;
const STAFF_TOKEN = 'staff-token-for-the-stories-0123456789';
let stack;
before(async () => { stack = await startStack(storyStack({ staffToken: STAFF_TOKEN })); });
after(() => stack?.close());
beforeEach(() => stack.reset());

// The conversation's id is new on every run: where the console shows it,
// it reads 00000000 in the shot.
const fixId = (page, id) => page.evaluate((short) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let replaced = 0;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.data.includes(short)) { n.data = n.data.replaceAll(short, '00000000'); replaced++; }
  }
  return replaced;
}, id.slice(0, 8));

for (const lang of LANGS) {
  for (const [size, viewport] of Object.entries(SIZES)) {
    test(`${lang} ${size}: staff open a conversation waiting for a person`, async () => {
      const w = await openPanel(stack, 'en', SIZES.desktop, { data: { transport: 'session' } });
      await w.widget.locator('.status[data-state="connected"]').waitFor({ state: 'attached' });
      await send(w, 'is the PS5 in stock?');
      await w.widget.locator('li.msg.agent[aria-busy="false"]').waitFor();
      await w.widget.locator('button.handoff-ask').click();
      await w.widget.locator('li.notice').last().waitFor();
      const conversation = await w.page.evaluate(() => window.natter('debug').conversation_id);

      const page = await stack.context.newPage();
      await page.setViewportSize(viewport);
      await page.emulateMedia({ reducedMotion: 'reduce' });
      await signInToConsole(stack, page, lang, STAFF_TOKEN);
      const item = page.locator(`.conversations button[data-id="${conversation}"]`);
      await item.waitFor();
      await page.evaluate(() => document.fonts.ready);
      assert.equal(await fixId(page, conversation), 1, 'the list shows the id once');
      await checkRegion(`console-list-${lang}-${size}`, item);
      await item.click();
      const detail = page.locator('section.detail');
      await detail.locator('.transcript .line.shopper .text', { hasText: 'is the PS5 in stock?' }).waitFor();
      await page.evaluate(() => document.activeElement?.blur());
      assert.ok(await fixId(page, conversation) >= 1, 'the detail shows the id');
      await checkRegion(`console-detail-${lang}-${size}`, detail);
      // Each transcript line on its own too: one line is a small share of the whole detail.
      const lines = await detail.locator('.line').all();
      assert.equal(lines.length, LINES, 'the shopper\'s line, the assistant\'s, the handoff note');
      for (const [i, line] of lines.entries()) await checkRegion(`console-detail-${lang}-${size}-line${i + 1}`, line);
    });
  }
}
