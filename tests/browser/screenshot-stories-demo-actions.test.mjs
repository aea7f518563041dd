// Screenshot stories of an action the page ran for the assistant, on the
// demo shop's product page (web/demo/astro-bot.html) with the scripted demo
// agent, in Chromium (regions compared relative to their own area,
// region-shots.mjs):
//   demo-action-en-<size>         desktop and phone: the widget's action card
//                                 after Confirm ("Done: Added …"), and
//                                 -result: its result line on its own
//   demo-basket-en-<size>         the basket in the page's header after it, at 1
//   console-actions-<lang>-desktop  English and Arabic (right to left): the
//                                 staff console's "What the page did" (its
//                                 heading and the one action line) in the
//                                 conversation's detail, on the live session
// References: tests/browser/reference/; NATTER_UPDATE_SCREENSHOTS=1 rewrites
// them. NATTER_DIST_DIR: story-helpers.mjs. docs/theming.md, "Screenshot tests".
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, openStorefront } from './harness.mjs';
import { SIZES, LANGS, storyStack, signInToConsole } from './story-helpers.mjs';
import { checkRegion, checkShot } from './region-shots.mjs';
import { askAndConfirm } from './action-helpers.mjs';

const STAFF_TOKEN = 'demo-action-stories-staff-token-0123456789';
let stack;
before(async () => { stack = await startStack(storyStack({ staffToken: STAFF_TOKEN })); });
after(() => stack?.close());
beforeEach(() => stack.reset());

// The product page with an empty basket (the browser's localStorage is
// shared by this file's tests), at `viewport`; `live`: the
// widget on the live session (the console lists live conversations).
async function openProductPage(viewport, { live = false } = {}) {
  const onPage = async (page) => {
    await page.setViewportSize(viewport);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.addInitScript(() => localStorage.removeItem('pixel-harbour-basket'));
    if (live) await page.route('**/demo/astro-bot.html', async (route) => {
      const served = await route.fetch();
      const html = (await served.text()).replace('data-endpoint=""></script>', 'data-endpoint="" data-transport="session"></script>');
      await route.fulfill({ response: served, body: html });
    });
  };
  return openStorefront(stack, { path: '/demo/astro-bot.html', onPage });
}

// Asks the assistant, confirms on its card; returns the card once done.
async function addWithTheAssistant(s) {
  const { card } = await askAndConfirm(s);
  assert.equal(await s.page.locator('.basket .count').textContent(), '1');
  await s.page.evaluate(() => document.querySelector('natter-widget').shadowRoot.activeElement?.blur());
  await s.page.evaluate(() => document.fonts.ready);
  return card;
}

for (const [size, viewport] of Object.entries(SIZES)) {
  test(`en ${size}: the demo product page, the action card done and the basket at 1`, async () => {
    const s = await openProductPage(viewport);
    const card = await addWithTheAssistant(s);
    await checkRegion(`demo-action-en-${size}`, card);
    // The result line on its own too: a changed word is a small share of the card.
    await checkRegion(`demo-action-en-${size}-result`, card.getByRole('status'));
    // The phone's panel covers the page: the header is shot with the panel closed.
    await s.widget.locator('button.close').click();
    await s.panel.waitFor({ state: 'hidden' });
    await checkRegion(`demo-basket-en-${size}`, s.page.locator('header.site-header .basket'));
    s.assertClean();
  });
}

// The heading and the list of what the page did, as one shot.
async function shootActionsRan(page, name) {
  const box = await page.evaluate(() => {
    const list = document.querySelector('section.detail .actions-ran');
    const heading = list.previousElementSibling;
    const [a, b] = [heading.getBoundingClientRect(), list.getBoundingClientRect()];
    const x = Math.floor(Math.min(a.left, b.left)), y = Math.floor(a.top);
    return { x, y, width: Math.ceil(Math.max(a.right, b.right)) - x, height: Math.ceil(b.bottom) - y };
  });
  checkShot(name, await page.screenshot({ clip: box, animations: 'disabled', caret: 'hide' }));
}

for (const lang of LANGS) {
  test(`${lang} desktop: the staff console shows what the page did`, async () => {
    const s = await openProductPage(SIZES.desktop, { live: true });
    await addWithTheAssistant(s);
    const conversation = await s.page.evaluate(() => window.natter('debug').conversation_id);
    const staff = await stack.context.newPage();
    await staff.setViewportSize(SIZES.desktop);
    await staff.emulateMedia({ reducedMotion: 'reduce' });
    await signInToConsole(stack, staff, lang, STAFF_TOKEN);
    await staff.locator(`.conversations button[data-id="${conversation}"]`).click();
    const ran = staff.locator('section.detail .actions-ran .line');
    await ran.first().waitFor();
    assert.equal(await ran.count(), 1);
    await staff.locator('section.detail .actions-ran').scrollIntoViewIfNeeded();
    await staff.evaluate(() => { document.activeElement?.blur(); return document.fonts.ready; });
    await shootActionsRan(staff, `console-actions-${lang}-desktop`);
    s.assertClean();
  });
}
