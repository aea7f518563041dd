// Screenshots of the launcher and the open panel, light and dark, phone
// (360×740) and desktop (1280×800), English and Arabic, compared with
// tests/browser/reference/<name>.png. A pixel differs when a channel
// differs by more than CHANNEL_TOLERANCE; a screenshot fails when the
// differing pixels (anywhere in it) exceed RATIO_TOLERANCE of the area of
// what is compared: the widget's visible launcher and panel, not the whole
// viewport, so a missing or moved launcher fails on a desktop screenshot
// too (then actual and diff images are written to build/screenshots/). `npm run update-screenshots` rewrites the
// references (NATTER_UPDATE_SCREENSHOTS=1). docs/theming.md, "Screenshot tests".
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './harness.mjs';
import { openWidgetPage } from './widget-page.mjs';
import { checkShot } from './region-shots.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack.close());
beforeEach(() => stack.reset());

// The area (device pixels) of the widget's visible launcher and panel: the
// bounding box of both, as drawn now.
async function widgetArea(page) {
  return page.evaluate(() => {
    const root = document.querySelector('natter-widget').shadowRoot;
    const boxes = [...root.querySelectorAll('button.launcher, [part="panel"]')]
      .filter((el) => el.getClientRects().length > 0).map((el) => el.getBoundingClientRect());
    if (boxes.length === 0) return 0;
    const left = Math.min(...boxes.map((b) => b.left));
    const top = Math.min(...boxes.map((b) => b.top));
    const right = Math.max(...boxes.map((b) => b.right));
    const bottom = Math.max(...boxes.map((b) => b.bottom));
    return (right - left) * (bottom - top) * devicePixelRatio ** 2;
  });
}

function check(name, buffer, area) {
  checkShot(name, buffer, { area, areaName: "the widget's area" });
}

const SIZES = { phone: { width: 360, height: 740 }, desktop: { width: 1280, height: 800 } };

for (const lang of ['en', 'ar']) {
  for (const scheme of ['light', 'dark']) {
    for (const [size, viewport] of Object.entries(SIZES)) {
      test(`${lang} ${scheme} ${size}: the launcher, then the open panel, look as committed`, async () => {
        const w = await openWidgetPage(stack, { lang, scheme, viewport, init: { fontFamily: '"DejaVu Sans"' } });
        await w.ready();
        await w.settle();
        const shot = () => w.page.screenshot({ animations: 'disabled', caret: 'hide' });
        check(`launcher-${lang}-${scheme}-${size}`, await shot(), await widgetArea(w.page));
        await w.openChat();
        await w.page.evaluate(() => document.querySelector('natter-widget').shadowRoot.activeElement?.blur()); // no focus ring
        await w.settle();
        check(`panel-${lang}-${scheme}-${size}`, await shot(), await widgetArea(w.page));
        assert.deepEqual(w.problems, []);
      });
    }
  }
}
