// Parts (b) and (c) of the bench, in headless Chromium. Every run opens a
// fresh browser context (empty cache and storage) with the widget page and
// the plain baseline page (bench-site.mjs), in alternating order, and takes:
//
//   inDom     loader start -> the launcher is in the DOM with a box (the
//             loader's own work; probe-head.js watches with a MutationObserver). Start = the later of t0.js running and
//             natter.js's bytes having arrived (Resource Timing responseEnd):
//             the loader cannot start before either (so the figures are upper
//             bounds: they include any wait between those and the script).
//   launcher  loader start -> launcher painted: the task after the first
//             frame in which the button has a box. The report takes both
//             launcher figures from launcher-paint.mjs, over many more loads.
//   toFetch   Enter keydown (event.timeStamp) -> fetch('/api/chat') called
//             (the page's wrapped fetch);
//   toWire    Enter keydown -> the request sent (Resource Timing requestStart);
//             both for the page's first message, and as later* for a second
//             message once the first is answered.
// All times are the page's own performance.now() clock.

const KEYS = ['inDom', 'launcher', 'toFetch', 'toWire', 'laterToFetch', 'laterToWire'];

// The n-th (1-based) Enter -> /api/chat of this page, once the request's
// Resource Timing entry exists (it is added when the response has ended).
async function chatTiming(page, n) {
  await page.waitForFunction((count) =>
    performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/api/chat')).length === count, n);
  const t = await page.evaluate(() => {
    const b = window.__bench;
    const entry = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/api/chat')).at(-1);
    return { keys: b.keys.length, fetches: b.fetches.length, key: b.keys[0], fetchAt: b.fetches[0], requestStart: entry.requestStart };
  });
  if (t.keys !== 1 || t.fetches !== 1) throw new Error(`expected one Enter and one request, got ${t.keys} and ${t.fetches}`);
  return { toFetch: t.fetchAt - t.key, toWire: t.requestStart - t.key };
}

// Types, presses Enter, waits for `answered()`, returns that send's timings.
async function send(page, textarea, answered, n) {
  await textarea.fill('hello');
  await page.evaluate(() => { Object.assign(window.__bench, { keys: [], fetches: [], plainDone: false }); });
  await textarea.press('Enter');
  await answered();
  return chatTiming(page, n);
}

// Loads `url` and returns {start, inDom, launcher} (start: loader start on
// the page's clock; the others relative to it).
export async function launcherShown(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.__bench.visible !== undefined);
  const s = await page.evaluate(() => {
    const b = window.__bench;
    const loader = performance.getEntriesByType('resource').find((e) => /\/(natter|bench\/plain-launcher)\.js$/.test(e.name));
    return { start: Math.max(b.t0, loader ? loader.responseEnd : 0), inDom: b.inDom, visible: b.visible, checked: b.visibleChecked };
  });
  if (!s.checked) throw new Error('the launcher was not visible when measured');
  return { start: s.start, inDom: s.inDom - s.start, launcher: s.visible - s.start };
}

async function widgetRun(context, base) {
  const page = await context.newPage();
  const shown = await launcherShown(page, `${base}/bench/widget.html`);
  await page.locator('natter-widget button.launcher').click();
  const textarea = page.locator('natter-widget textarea');
  const replies = page.locator('natter-widget li.msg.agent[aria-busy="false"]');
  const first = await send(page, textarea, () => replies.nth(0).waitFor(), 1);
  const second = await send(page, textarea, () => replies.nth(1).waitFor(), 2);
  await page.close();
  return { ...shown, ...first, laterToFetch: second.toFetch, laterToWire: second.toWire };
}

async function plainRun(context, base) {
  const page = await context.newPage();
  const shown = await launcherShown(page, `${base}/bench/plain.html`);
  const textarea = page.locator('#plain');
  const answered = () => page.waitForFunction(() => window.__bench.plainDone === true);
  const first = await send(page, textarea, answered, 1);
  const second = await send(page, textarea, answered, 2);
  await page.close();
  return { ...shown, ...first, laterToFetch: second.toFetch, laterToWire: second.toWire };
}

// Returns {widget: {<key>: [ms, …]}, plain: {<key>: [ms, …]}} for KEYS.
export async function measureBrowserTimings({ browser, base, runs, onRun = () => {} }) {
  const empty = () => Object.fromEntries(KEYS.map((k) => [k, []]));
  const out = { widget: empty(), plain: empty() };
  for (let i = 0; i < runs; i += 1) {
    const context = await browser.newContext();
    const order = i % 2 ? ['plain', 'widget'] : ['widget', 'plain'];
    for (const which of order) {
      const run = await (which === 'widget' ? widgetRun : plainRun)(context, base);
      for (const k of KEYS) out[which][k].push(run[k]);
    }
    await context.close();
    onRun(i + 1);
  }
  return out;
}
