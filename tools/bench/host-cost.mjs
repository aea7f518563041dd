// What the widget costs the shop's page while it loads, before the shopper
// touches it, in headless Chromium. Each run opens a fresh browser context
// with the widget page, then the plain baseline (bench-site.mjs; second,
// as it is watched for the widget's window), and never interacts:
//
//   widget page  waits until the core has started on its own (the panel is
//                built, hidden), then 500 ms more; baseline page is watched
//                until its clock reaches the same time. A page that has not
//                preloaded within START_WAIT_MS is recorded as such, with
//                the idle time the loader's callbacks were given (the
//                policy preloads only in an idle period of over 40 ms).
//   longTasks    count and total duration of longtask entries over that
//                window (probe-head.js observes from the first script on);
//                widgetLoafMs: time of the widget's own scripts (sourceURL
//                natter.*) inside long animation frames, which names the
//                culprit where longtask cannot.
//   coreAt       Resource Timing startTime of natter.core.*.js and .wasm,
//                relative to loader start; idleAt: when the loader's first
//                requestIdleCallback fired; loadEnd: the page's load event end.
// Loader start -> launcher painted is browser-timings.mjs's figure.
import { launcherShown } from './browser-timings.mjs';

const SETTLE_MS = 500;
export const START_WAIT_MS = 15_000;

function pageRecord(page) {
  return page.evaluate(() => {
    const b = window.__bench;
    const core = performance.getEntriesByType('resource').filter((e) => /\/natter\.core\./.test(e.name))
      .map((e) => ({ name: e.name, start: e.startTime }));
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      now: performance.now(), longTasks: b.longTasks, widgetLoafScripts: b.widgetLoafScripts,
      idleCallbacks: b.idleCallbacks, core, loadEnd: nav ? nav.loadEventEnd : NaN,
    };
  });
}

async function widgetRun(context, base) {
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  const shown = await launcherShown(page, `${base}/bench/widget.html`);
  const started = await page.locator('natter-widget section.panel').waitFor({ state: 'attached', timeout: START_WAIT_MS })
    .then(() => true, () => false);
  await page.waitForTimeout(SETTLE_MS);
  const r = await pageRecord(page);
  await page.close();
  const at = (ext) => r.core.find((c) => c.name.endsWith(ext))?.start - shown.start;
  const idle = r.idleCallbacks[0];
  return {
    end: r.now,
    longTasks: r.longTasks,
    widgetLoafMs: r.widgetLoafScripts.reduce((sum, s) => sum + s.duration, 0),
    coreJsAt: at('.js'),
    coreWasmAt: at('.wasm'),
    idleAt: idle ? idle.at - shown.start : NaN,
    idleCallbacks: r.idleCallbacks.length,
    started,
    longestIdleMs: Math.max(0, ...r.idleCallbacks.map((c) => c.remaining)),
    loadEnd: r.loadEnd - shown.start,
    launcher: shown.launcher,
    coreBeforeIdle: r.core.some((c) => !idle || c.start < idle.at),
    requestsBeforeInteraction: requests,
  };
}

async function plainRun(context, base, until) {
  const page = await context.newPage();
  await launcherShown(page, `${base}/bench/plain.html`);
  await page.waitForFunction((t) => performance.now() >= t, until);
  const r = await pageRecord(page);
  await page.close();
  return { longTasks: r.longTasks };
}

const total = (tasks) => tasks.reduce((sum, t) => sum + t.duration, 0);

// Returns {widget: {longTaskCount: [n…], longTaskMs: [ms…], widgetLoafMs: […],
// coreJsAt, coreWasmAt, idleAt, loadEnd: [ms…] (the core's only of the
// runs that preloaded), coreBeforeIdle: n, notStarted: [{idleCallbacks,
// longestIdleMs}…] (runs with no preload within START_WAIT_MS), requests:
// [paths of the last run]}, plain: {longTaskCount, longTaskMs}}.
export async function measureHostCost({ browser, base, runs }) {
  const widget = { longTaskCount: [], longTaskMs: [], widgetLoafMs: [], coreJsAt: [], coreWasmAt: [], idleAt: [], loadEnd: [],
    coreBeforeIdle: 0, notStarted: [], requests: [] };
  const plain = { longTaskCount: [], longTaskMs: [] };
  for (let i = 0; i < runs; i += 1) {
    const context = await browser.newContext();
    const w = await widgetRun(context, base);
    const p = await plainRun(context, base, w.end);
    await context.close();
    for (const k of ['widgetLoafMs', 'idleAt', 'loadEnd']) widget[k].push(w[k]);
    if (w.started) for (const k of ['coreJsAt', 'coreWasmAt']) widget[k].push(w[k]);
    else widget.notStarted.push({ idleCallbacks: w.idleCallbacks, longestIdleMs: w.longestIdleMs });
    widget.longTaskCount.push(w.longTasks.length);
    widget.longTaskMs.push(total(w.longTasks));
    plain.longTaskCount.push(p.longTasks.length);
    plain.longTaskMs.push(total(p.longTasks));
    if (w.coreBeforeIdle) widget.coreBeforeIdle += 1;
    widget.requests = w.requestsBeforeInteraction.map((p) => p.replace(/\.[0-9a-f]{12}\./, '.<hash>.'));
  }
  return { widget, plain };
}
