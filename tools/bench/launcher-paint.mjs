// Loader start -> launcher painted, over many page loads (part of `npm run
// bench`, and of send-timings.mjs alone). One page load gives one sample,
// and a load's own course moves it far more than the widget does: whether
// the storefront was laid out and painted while the parser waited for the
// end-of-body scripts, or only after them, decides whether the first
// layout (1 to 30 ms in headless Chromium here) falls inside the window.
// Samples of the widget and its baseline are not correlated pair by pair
// (r = -0.02 over 150 pairs), so only more loads narrow the figure: over 25
// pairs whole bench runs read 0.75x to 1.16x; the ratio's bootstrap 95 %
// interval is about ±0.13 over 150 pairs, ±0.08 over 400 (1.13x, 1.07x to
// 1.22x; a whole bench on b5ce592: 1.16x, 1.06x to 1.21x) and ±0.04 over
// 1,200 (1.106x, 1.061x to 1.146x with a 41.5 ms baseline; 1.19x, 1.13x
// to 1.23x with a 31.8 ms one: the widget's 4-6 ms weigh more on a faster
// page), on this 2-CPU machine: at 400 pairs the figure could not say which
// side of a 1.15x target it is. Hence its own count of interleaved pairs,
// each pair in a fresh browser context: 1,200 by default, about 11 minutes.
//
// Pages (bench-site.mjs): /bench/widget.html, the storefront with the real
// loader; /bench/plain-launcher.html, the same with a plain button in a
// shadow root (plain-launcher.js) and nothing else: the send baseline's
// textarea would be layout work the widget page does not have.
// launcher-trace.mjs then says on what the widget's extra time is spent.
import { launcherShown } from './browser-timings.mjs';

// 48 pairs per run of the rest of the bench (NATTER_BENCH_RUNS): 1,200 by default.
export const paintPairs = (runs) => 48 * runs;

// Returns {widget: {inDom: [ms…], launcher: [ms…]}, plain: {…}}, `pairs`
// samples each, in alternating order.
export async function measureLauncherPaint({ browser, base, pairs, onPair = () => {} }) {
  const out = { widget: { inDom: [], launcher: [] }, plain: { inDom: [], launcher: [] } };
  const url = { widget: `${base}/bench/widget.html`, plain: `${base}/bench/plain-launcher.html` };
  for (let i = 0; i < pairs; i += 1) {
    const context = await browser.newContext();
    for (const which of i % 2 ? ['plain', 'widget'] : ['widget', 'plain']) {
      const page = await context.newPage();
      const shown = await launcherShown(page, url[which]);
      out[which].inDom.push(shown.inDom);
      out[which].launcher.push(shown.launcher);
      await page.close();
    }
    await context.close();
    onPair(i + 1);
  }
  return out;
}
