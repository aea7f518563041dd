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
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { startStack } from './harness.mjs';
import { openWidgetPage } from './widget-page.mjs';
import { RATIO_TOLERANCE, compareRegion as comparePng } from './region-shots.mjs';
import { repoRoot } from '../node/load-core.mjs';

const UPDATE = process.env.NATTER_UPDATE_SCREENSHOTS === '1';
const refDir = path.join(repoRoot, 'tests/browser/reference');
const outDir = path.join(repoRoot, 'build/screenshots');

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
  const file = path.join(refDir, `${name}.png`);
  if (UPDATE) {
    mkdirSync(refDir, { recursive: true });
    writeFileSync(file, buffer);
    return;
  }
  assert.ok(existsSync(file), `no reference ${path.relative(repoRoot, file)}: run npm run update-screenshots`);
  const want = PNG.sync.read(readFileSync(file));
  const got = PNG.sync.read(buffer);
  assert.deepEqual([got.width, got.height], [want.width, want.height], `${name}: size`);
  assert.ok(area > 0, `${name}: the widget drew nothing to compare`);
  const { ratio, diff } = comparePng(got, want, area);
  if (ratio > RATIO_TOLERANCE) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, `${name}.actual.png`), buffer);
    writeFileSync(path.join(outDir, `${name}.diff.png`), PNG.sync.write(diff));
  }
  assert.ok(ratio <= RATIO_TOLERANCE,
    `${name}: differing pixels are ${(ratio * 100).toFixed(2)}% of the widget's area (limit ${RATIO_TOLERANCE * 100}%); see build/screenshots/`);
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
