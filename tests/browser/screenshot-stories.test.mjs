// Screenshot stories: what a shopper sees in a given state, English and
// Arabic (right to left), desktop (1280×800) and phone (360×740), in
// Chromium. Each story drives the reference server into its state and
// compares one region (region-shots.mjs: the tolerance is relative to that
// region, and a region of another size fails), so a missing or garbled
// element fails even on a desktop-sized page:
//   cards-<lang>-<size>     the product cards of the agent's reply, the first
//                           saved (★ Save), the others not (☆ Save); and
//                           cards-<lang>-<size>-<n>, each card on its own
//   failed-<lang>-<size>    a message the server refused, with its Retry button
//   offline-<lang>-<size>   the live session's status line once the network is gone
//   queued-<lang>-<size>    a message typed while offline, queued
// References: tests/browser/reference/; NATTER_UPDATE_SCREENSHOTS=1 rewrites
// them. NATTER_DIST_DIR: story-helpers.mjs. docs/theming.md, "Screenshot tests".
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, eventually } from './harness.mjs';
import { SIZES, LANGS, storyStack, openPanel as openStoryPanel, still, partsLoaded } from './story-helpers.mjs';
import { checkRegion } from './region-shots.mjs';

let stack;
before(async () => { stack = await startStack(storyStack()); });
after(() => stack?.close());
beforeEach(() => stack.reset());

const QUESTION = 'do you have PS5 games?';
const openPanel = (...args) => openStoryPanel(stack, ...args);

// What each Save toggle shows: its ::before content (the star) and its text.
const saveLabels = (w) => w.widget.locator('.card-save').evaluateAll((buttons) => buttons.map((b) => ({
  pressed: b.getAttribute('aria-pressed'),
  shown: getComputedStyle(b, '::before').content.replace(/^"|"$/g, '') + b.textContent,
})));

for (const lang of LANGS) {
  for (const [size, viewport] of Object.entries(SIZES)) {
    test(`${lang} ${size}: a reply with product cards, one saved and one not`, async () => {
      const w = await openPanel(lang, viewport);
      await w.textarea.fill(QUESTION);
      await w.textarea.press('Enter');
      const reply = w.widget.locator('li.msg.agent[aria-busy="false"]');
      await reply.locator('.card').first().waitFor();
      const saves = reply.locator('.card-save');
      assert.ok(await saves.count() >= 2, 'at least two cards with a Save toggle');
      await saves.first().click();
      await eventually(async () => assert.equal(await saves.first().getAttribute('aria-pressed'), 'true'));
      // Every image loaded (or removed itself), so the shot does not race them.
      await reply.locator('img').evaluateAll((imgs) => Promise.all(imgs.map((i) => i.decode().catch(() => {}))));
      const labels = await saveLabels(w);
      for (const { pressed, shown } of labels) {
        assert.ok(!shown.includes('\\'), `a Save toggle shows ${JSON.stringify(shown)}: a CSS escape leaked`);
        assert.ok(shown.startsWith(pressed === 'true' ? '★\u00a0' : '☆\u00a0'), `a Save toggle shows ${JSON.stringify(shown)}`);
      }
      await still(w);
      // The cards together (a missing card changes its size), then each card
      // on its own, so one garbled price or toggle is a large share of its region.
      await checkRegion(`cards-${lang}-${size}`, reply.locator('.cards'));
      const items = await reply.locator('.card-item').all();
      for (const [i, item] of items.entries()) await checkRegion(`cards-${lang}-${size}-${i + 1}`, item);
      assert.deepEqual(w.problems, []);
    });

    test(`${lang} ${size}: a refused message with its Retry button`, async () => {
      await stack.faults({ action: 'status', status: 413 });
      const w = await openPanel(lang, viewport);
      await w.textarea.fill('Hello');
      await w.textarea.press('Enter');
      const failed = w.widget.locator('li.msg.user[data-state="failed"]');
      await failed.locator('button.retry').waitFor({ state: 'visible' });
      await still(w);
      await checkRegion(`failed-${lang}-${size}`, failed);
      // The browser's own line for the 413 and the widget's log of the failure.
      assert.ok(w.problems.length <= 2, w.problems.join('\n'));
    });

    test(`${lang} ${size}: offline: the live session's status line and a queued message`, async () => {
      const w = await openPanel(lang, viewport, { data: { transport: 'session' } });
      // One exchange first, and every part of the engine loaded before the
      // cut (partsLoaded: under load the exchange can end before them).
      await w.textarea.fill('Hello');
      await w.textarea.press('Enter');
      await w.widget.locator('li.msg.agent[aria-busy="false"]').waitFor();
      await partsLoaded(w, { session: true });
      const cdp = await w.page.context().newCDPSession(w.page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      // Emulation only pauses the socket; a real cut drops it. The cut comes
      // before the 'offline' event: the emulated network may hold back the
      // socket's close, and then the widget learns of the cut from the ping
      // it sends on 'offline' (answered within 5 s or the socket is gone).
      // The other way round, that ping's pong could arrive before the cut
      // and stretch the wait to the heartbeat's liveness deadline (~40 s).
      await stack.killSessions();
      await w.page.evaluate(() => dispatchEvent(new Event('offline')));
      await w.widget.locator('.status[data-state="offline"]').waitFor({ state: 'visible', timeout: 15_000 }).catch(async (e) => {
        const status = await w.widget.locator('.status').evaluate((n) => n.outerHTML).catch(String);
        throw new Error(`${e.message}\nthe status line instead: ${status}\nthe page's warnings: ${w.problems.join(' | ')}`);
      });
      await w.textarea.fill('Are you there?');
      await w.textarea.press('Enter');
      const queued = w.widget.locator('li.msg.user[data-state="queued"]');
      await still(w);
      await checkRegion(`offline-${lang}-${size}`, w.widget.locator('.status'));
      await checkRegion(`queued-${lang}-${size}`, queued);
    });
  }
}
