// Idle cost of the widget, in headless Chromium: three pages sit side by
// side for the same NATTER_BENCH_IDLE_MINUTES (default 10), each in its own
// browser context (so its own renderer process, whose metrics are its own):
//
//   bare     the demo storefront with no widget (the baseline)
//   closed   the storefront with the widget (HTTP mode), core loaded by the
//            loader's idle preload, panel never opened: no session
//   live     the live-session storefront, chat opened, "Connected", panel
//            closed again: the session stays up and heartbeats (ping every
//            heartbeat_ms, 15 s, set by the server) run for real
//
// CDP Performance.getMetrics at the start and the end of the idle window:
// TaskDuration (all main-thread tasks) and ScriptDuration (JS) give CPU ms
// per minute; JSHeapUsedSize, each time right after a forced GC
// (HeapProfiler.collectGarbage), gives retained heap growth.

const MINUTE_MS = 60_000;

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

async function heapAfterGc(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  return (await metrics(cdp)).JSHeapUsedSize;
}

const PAGES = {
  bare: { path: '/bench/bare.html', prepare: async () => {} },
  closed: {
    path: '/demo/index.html',
    prepare: (page) => page.locator('natter-widget section.panel').waitFor({ state: 'attached' }),
  },
  live: {
    path: '/demo/live.html',
    async prepare(page) {
      const launcher = page.locator('natter-widget button.launcher');
      await launcher.click();
      await page.locator('natter-widget .status-text', { hasText: /^Connected$/ }).waitFor();
      await launcher.click();
      await page.locator('natter-widget section.panel').waitFor({ state: 'hidden' });
    },
  },
};

async function open(browser, base, { path, prepare }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const ws = { pings: 0, closes: 0 };
  page.on('websocket', (socket) => {
    socket.on('framesent', (f) => { if (/"type":\s*"ping"/.test(String(f.payload))) ws.pings += 1; });
    socket.on('close', () => { ws.closes += 1; });
  });
  await page.goto(base + path, { waitUntil: 'load' });
  await prepare(page);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  return { context, page, cdp, ws };
}

async function start(p) {
  const heap = await heapAfterGc(p.cdp);
  const m = await metrics(p.cdp);
  return { ...p, began: Date.now(), pings: p.ws.pings, task: m.TaskDuration, script: m.ScriptDuration, heap };
}

async function finish(s) {
  const m = await metrics(s.cdp); // before the GC below, which is not idle work
  const minutes = (Date.now() - s.began) / MINUTE_MS;
  const heap = await heapAfterGc(s.cdp);
  const visible = await s.page.evaluate(() => document.visibilityState);
  await s.context.close();
  return {
    minutes,
    taskMsPerMin: ((m.TaskDuration - s.task) * 1000) / minutes,
    scriptMsPerMin: ((m.ScriptDuration - s.script) * 1000) / minutes,
    heapStart: s.heap,
    heapEnd: heap,
    pings: s.ws.pings - s.pings,
    socketCloses: s.ws.closes,
    visible,
  };
}

// Returns {minutes, bare: {...}, closed: {...}, live: {...}} (finish() above).
export async function measureIdle({ browser, base, minutes }) {
  const opened = {};
  for (const [name, spec] of Object.entries(PAGES)) opened[name] = await open(browser, base, spec);
  const started = {};
  for (const name of Object.keys(opened)) started[name] = await start(opened[name]);
  await new Promise((r) => setTimeout(r, minutes * MINUTE_MS));
  const out = { minutes };
  for (const name of Object.keys(started)) out[name] = await finish(started[name]);
  return out;
}
