// Screenshot story of a shopper's photos in the operator console, English
// and Arabic (?lang=), desktop, Chromium: a shopper sent two photos (a wide
// one and a tall one, fixed pictures) with a message; on a second gateway,
// which keeps photos 2 s, another shopper's photo has expired. Regions,
// compared relative to their own area (region-shots.mjs):
//   console-photos-<lang>-desktop-line     the shopper's line with its two thumbnails
//   console-photos-<lang>-desktop-open     the wide photo opened whole
//   console-photos-<lang>-desktop-missing  the line whose photo is no longer kept
// References: tests/browser/reference/; NATTER_UPDATE_SCREENSHOTS=1 rewrites
// them. docs/theming.md, "Screenshot tests".
import { test, before, after } from 'node:test';
import { startStack, startReferenceServer } from './harness.mjs';
import { SIZES, LANGS, storyStack, signInToConsole } from './story-helpers.mjs';
import { checkRegion, checkShot } from './region-shots.mjs';
import { closeAllSockets } from '../server/session-helpers.mjs';
import { png } from '../server/attachment-helpers.mjs';
import { shopperSends, photoExpired } from './shopper-photos.mjs';

const STAFF_TOKEN = 'staff-token-for-the-stories-0123456789';
const SHORT_TTL_MS = 2000;
// A sky over a field with a red disc; a blue-to-orange band from top to bottom.
const WIDE = png(640, 480, { pixel: (x, y) => ((x - 320) ** 2 + (y - 200) ** 2 < 90 ** 2 ? [200, 30, 30] : y < 300 ? [120, 180, 230] : [60, 140, 60]) });
const TALL = png(300, 600, { pixel: (x, y) => [Math.round(40 + y / 3), 90, Math.round(230 - y / 3)] });
let stack;
let expiring;
let sent;
let gone;

before(async () => {
  stack = await startStack(storyStack({ staffToken: STAFF_TOKEN }));
  expiring = await startReferenceServer({ staffToken: STAFF_TOKEN, distDir: process.env.NATTER_DIST_DIR || undefined, limits: { runTtlMs: SHORT_TTL_MS } });
  sent = await shopperSends(stack.server.url, 'the left stick drifts, see the photos', [WIDE, TALL]);
  gone = await shopperSends(expiring.server.url, 'this one broke', [png(64, 48)]);
  await photoExpired(expiring.server.url, STAFF_TOKEN, gone.conversation, gone.attachments[0], SHORT_TTL_MS + 5000);
});
after(async () => { closeAllSockets(); await stack?.close(); await expiring?.server.close(); });

// Signs in on `server`'s console and opens `conversation`; → its shopper line.
async function shopperLine(server, lang, conversation) {
  const page = await stack.context.newPage();
  await page.setViewportSize(SIZES.desktop);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await signInToConsole({ server }, page, lang, STAFF_TOKEN);
  await page.locator(`.conversations button[data-id="${conversation}"]`).click();
  return { page, line: page.locator('section.detail .transcript .line.shopper').first() };
}

const still = (page) => page.evaluate(() => { document.activeElement?.blur(); return document.fonts.ready; });

for (const lang of LANGS) {
  test(`${lang} desktop: staff see the shopper's photos, open one, and one no longer kept`, async () => {
    const { page, line } = await shopperLine(stack.server, lang, sent.conversation);
    await page.waitForFunction(() => [...document.querySelectorAll('.line.shopper button.photo img')]
      .filter((i) => i.complete && i.naturalWidth > 0).length === 2);
    await still(page);
    await checkRegion(`console-photos-${lang}-desktop-line`, line);
    await line.locator('button.photo').first().click();
    const dialog = page.locator('dialog.photo-view[open]');
    await page.waitForFunction(() => document.querySelector('dialog.photo-view img')?.naturalWidth > 0);
    await still(page);
    // Shot by the viewport's pixels: an element shot of a dialog in the top
    // layer scrolls the page under it first and took in a strip of the page.
    const box = await dialog.boundingBox();
    const [x, y] = [Math.ceil(box.x), Math.ceil(box.y)];
    const clip = { x, y, width: Math.floor(box.x + box.width) - x, height: Math.floor(box.y + box.height) - y };
    checkShot(`console-photos-${lang}-desktop-open`, await page.screenshot({ clip, animations: 'disabled', caret: 'hide' }));
    await page.close();

    const missing = await shopperLine(expiring.server, lang, gone.conversation);
    await missing.line.locator('.photo-missing').waitFor();
    await still(missing.page);
    await checkRegion(`console-photos-${lang}-desktop-missing`, missing.line);
    await missing.page.close();
  });
}
