// One element of the widget as the engine drew it, in any engine: the
// driver's viewport screenshot cut to the element's box. The shot is taken
// again until two in a row are the same (a reply that is still fading in or
// an image still decoding never becomes the reference).
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';

const MAX_SHOTS = 10;

// The element's box in device pixels, once it is in view, focus is off
// the widget (no caret or focus ring) and its images and fonts are ready.
function boxOf(page, selector, index) {
  return page.evaluate(async (sel, at) => {
    const root = document.querySelector('natter-widget').shadowRoot;
    const el = [...root.querySelectorAll(sel)].at(at);
    if (!el) return null;
    root.activeElement?.blur();
    el.scrollIntoView({ block: 'nearest', behavior: 'instant' });
    await document.fonts.ready;
    await Promise.all([...el.querySelectorAll('img')].map((img) => img.decode().catch(() => {})));
    const frame = () => new Promise((done) => { requestAnimationFrame(() => done()); setTimeout(done, 100); });
    await frame();
    await frame();
    const r = el.getBoundingClientRect();
    // The panel's scrolling log cuts what does not fit: such a shot would
    // compare half an element.
    let clip = el.parentElement;
    while (clip && !/(auto|scroll|hidden)/.test(getComputedStyle(clip).overflowY)) clip = clip.parentElement;
    const c = clip?.getBoundingClientRect();
    const cut = c ? r.top < c.top - 0.5 || r.bottom > c.bottom + 0.5 || r.left < c.left - 0.5 || r.right > c.right + 0.5 : false;
    return { x: r.x, y: r.y, width: r.width, height: r.height, dpr: devicePixelRatio, cut };
  }, selector, index);
}

function cut(png, { x, y, width, height, dpr }) {
  const [left, top] = [Math.round(x * dpr), Math.round(y * dpr)];
  const [w, h] = [Math.round(width * dpr), Math.round(height * dpr)];
  assert.ok(left >= 0 && top >= 0 && left + w <= png.width && top + h <= png.height,
    `the element (${w}×${h} at ${left},${top}) is not wholly in the ${png.width}×${png.height} viewport shot`);
  const out = new PNG({ width: w, height: h });
  PNG.bitblt(png, out, left, top, w, h, 0, 0);
  return PNG.sync.write(out);
}

// The element matching `selector` in the widget's shadow root (the
// index-th, from the end when negative: the last by default), as a PNG Buffer.
export async function shotOf(page, selector, index = -1) {
  let previous = null;
  for (let i = 0; i < MAX_SHOTS; i += 1) {
    const box = await boxOf(page, selector, index);
    assert.ok(box && box.width > 0 && box.height > 0, `no ${selector} (${index}) with a box in the widget`);
    assert.ok(!box.cut, `${selector} does not fit in its scrolling container: the viewport is too small for this shot`);
    const shot = cut(PNG.sync.read(await page.screenshot()), box);
    if (previous?.equals(shot)) return shot;
    previous = shot;
  }
  assert.fail(`${selector} was still changing after ${MAX_SHOTS} shots`);
}
