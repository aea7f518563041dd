// Where the launcher's time goes (part of `npm run bench`, and of
// send-timings.mjs alone): the same page loads as launcher-paint.mjs, each
// under a Chromium trace (category devtools.timeline), attributing the
// renderer main thread's time from loader start to launcher painted to what
// ran. launcher-paint.mjs says how much later the widget's launcher is
// painted than the plain button; this says on what the widget spends it, so
// a change can aim at the largest part. Tracing slows the page, so these
// figures attribute time; they do not time the launcher.
//
// Each trace event's self time (its duration less that of the events nested
// in it) goes to one part:
//   loader script  EvaluateScript/FunctionCall of natter.js (or the
//                  baseline's plain-launcher.js); the style pass its
//                  lift into the top layer brings forward is style
//   bench probe    the same for the bench's own scripts (probe-head.js, t0.js)
//   style          UpdateLayoutTree, ParseAuthorStyleSheet
//   layout         Layout
//   paint          PrePaint, Paint, Layerize, Commit (the frame's main-thread
//                  paint, compositing inputs and commit)
//   other          everything else (HTML parsing, event dispatch, tasks' own time)
// Per page load the parts are summed; each row is the median over loads.
import { launcherShown } from './browser-timings.mjs';
import { median } from './stats.mjs';

// 2 traced pairs per run of the rest of the bench (NATTER_BENCH_RUNS): 50 by
// default, about a minute (48 s here).
export const tracePairs = (runs) => 2 * runs;

export const PARTS = ['loader script', 'bench probe', 'style', 'layout', 'paint', 'other'];
const PART_OF_EVENT = {
  UpdateLayoutTree: 'style', ParseAuthorStyleSheet: 'style',
  Layout: 'layout',
  PrePaint: 'paint', Paint: 'paint', Layerize: 'paint', Commit: 'paint',
};
const LOADER_URL = /\/(natter|bench\/plain-launcher)\.js$/;
const PROBE_URL = /\/bench\/(probe-head|t0)\.js$/;

function partOf(event) {
  if (event.name === 'EvaluateScript' || event.name === 'FunctionCall') {
    const url = String(event.args?.data?.url ?? '');
    if (LOADER_URL.test(url)) return 'loader script';
    if (PROBE_URL.test(url)) return 'bench probe';
  }
  return PART_OF_EVENT[event.name] ?? 'other';
}

// traceEvents of one page load; t0 (the probe's mark right before the
// loader tag), start (loader start, never earlier: launcherShown) and visible
// in ms on the page's clock. Returns {<part>: ms}, or null when the trace
// lacks t0.js. The trace's clock is aligned where t0.js's evaluation ends
// (t0 is taken in it, its last statement).
export function attribute(traceEvents, { t0, start = t0, visible }) {
  const t0Script = traceEvents.filter((e) => e.ph === 'X' && e.name === 'EvaluateScript'
    && /\/bench\/t0\.js$/.test(String(e.args?.data?.url ?? ''))).at(-1);
  if (!t0Script) return null;
  const at = (ms) => t0Script.ts + t0Script.dur + (ms - t0) * 1000;
  const [from, to] = [at(start), at(visible)];
  // The part of an event inside the window (a task can begin before it).
  const inside = (e) => Math.max(0, Math.min(e.ts + (e.dur ?? 0), to) - Math.max(e.ts, from)) / 1000;
  const events = traceEvents
    .filter((e) => e.ph === 'X' && e.pid === t0Script.pid && e.tid === t0Script.tid && inside(e) > 0)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const parts = Object.fromEntries(PARTS.map((p) => [p, 0]));
  const open = []; // the events enclosing the current one, outermost first
  for (const e of events) {
    while (open.length && open.at(-1).ts + open.at(-1).dur <= e.ts) open.pop();
    parts[partOf(e)] += inside(e);
    if (open.length) parts[partOf(open.at(-1))] -= inside(e); // not the parent's own time
    open.push(e);
  }
  return parts;
}

// Returns {widget: [{<part>: ms}…], plain: […], dropped}: `pairs` traced
// loads of each page in alternating order, each pair in a fresh context.
export async function traceLauncherPaint({ browser, base, pairs, onPair = () => {} }) {
  const out = { widget: [], plain: [], dropped: 0 };
  const url = { widget: `${base}/bench/widget.html`, plain: `${base}/bench/plain-launcher.html` };
  for (let i = 0; i < pairs; i += 1) {
    const context = await browser.newContext();
    for (const which of i % 2 ? ['plain', 'widget'] : ['widget', 'plain']) {
      const page = await context.newPage();
      await browser.startTracing(page, { categories: ['devtools.timeline'] });
      let trace;
      let marks;
      try {
        const shown = await launcherShown(page, url[which]);
        const t0 = await page.evaluate(() => window.__bench.t0);
        marks = { t0, start: shown.start, visible: shown.start + shown.launcher };
      } finally {
        trace = await browser.stopTracing();
      }
      const parts = attribute(JSON.parse(trace.toString()).traceEvents, marks);
      if (parts) out[which].push(parts);
      else out.dropped += 1;
      await page.close();
    }
    await context.close();
    onPair(i + 1);
  }
  return out;
}

const ms2 = (v) => `${v.toFixed(2)} ms`;
const sum = (parts) => Object.values(parts).reduce((a, b) => a + b, 0);

// The report's table: per part, the median over loads for the widget and
// the baseline, and the widget's extra.
export function renderLauncherTrace(trace) {
  const row = (label, pick) => {
    const [w, b] = [median(trace.widget.map(pick)), median(trace.plain.map(pick))];
    return `| ${label} | ${ms2(w)} | ${ms2(b)} | ${w >= b ? '+' : '−'}${ms2(Math.abs(w - b))} |`;
  };
  const dropped = trace.dropped ? ` ${trace.dropped} traces without the probe's start were left out.` : '';
  return `Where the time goes: ${trace.widget.length} more loads of each page, each
under a Chromium trace (\`tools/bench/launcher-trace.mjs\`): the page's main
thread from loader start to launcher painted, each trace event's own time by what
ran, summed per load; medians over loads (so the parts need not add up to
the total). Tracing slows the page: these attribute the widget's extra
time, they do not time it.${dropped}

| part of the main thread's time | widget | baseline | widget's extra |
|---|---:|---:|---:|
${PARTS.map((part) => row(part, (p) => p[part])).join('\n')}
${row('**total**', sum)}
`;
}
