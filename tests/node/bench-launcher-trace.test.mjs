// The bench's attribution of the launcher's time (tools/bench/launcher-trace.mjs):
// each trace event's own time goes to one part, once, and only inside the
// window from loader start to painted, on the page's main thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attribute } from '../../tools/bench/launcher-trace.mjs';

const MAIN = { pid: 7, tid: 1 };
const ev = (name, ts, dur, url, thread = MAIN) => ({ ph: 'X', name, ts, dur, ...thread, ...(url ? { args: { data: { url } } } : {}) });
const SITE = 'http://127.0.0.1:4000';

// t0.js ends at 1,000 µs; visible - t0 = 10 ms: the window is 1,000..11,000 µs.
const trace = [
  ev('RunTask', 500, 500),
  ev('EvaluateScript', 800, 200, `${SITE}/bench/t0.js`),
  ev('RunTask', 1000, 5000),
  ev('EvaluateScript', 1000, 3000, `${SITE}/natter.js`),
  ev('UpdateLayoutTree', 2000, 500), // forced inside the loader's script
  ev('FunctionCall', 4000, 1500, `${SITE}/bench/probe-head.js`),
  ev('Layout', 4200, 1000), // the probe's getBoundingClientRect
  ev('RunTask', 7000, 3000),
  ev('FunctionCall', 7000, 400, `${SITE}/natter.js`), // the lift, in the frame
  ev('UpdateLayoutTree', 7500, 300),
  ev('Layout', 7800, 200),
  ev('Paint', 8000, 600),
  ev('Commit', 8600, 400),
  ev('Layout', 9000, 9000, undefined, { pid: 7, tid: 2 }), // another thread
  ev('Paint', 11000, 800), // after painted
  { ph: 'I', name: 'Screenshot', ts: 3000, ...MAIN },
];

// Equal but for float rounding: the synthetic trace's figures are exact sums.
const close = (actual, expected, what) => assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ms, expected ${expected}`);

test('each event counts its own time once, in its part, inside the window only', () => {
  const parts = attribute(trace, { t0: 100, visible: 110 });
  close(parts['loader script'], 2.5 + 0.4, 'loader script: 3 ms less the 0.5 ms style forced in it, plus the lift');
  close(parts['bench probe'], 0.5, 'bench probe: 1.5 ms less its forced layout');
  close(parts.style, 0.5 + 0.3, 'style');
  close(parts.layout, 1 + 0.2, 'layout, the other thread not counted');
  close(parts.paint, 0.6 + 0.4, 'paint and commit, not the paint after the window');
  close(parts.other, (5000 - 3000 - 1500 + 3000 - 400 - 300 - 200 - 600 - 400) / 1000, 'the tasks\' own time');
  const total = Object.values(parts).reduce((a, b) => a + b, 0);
  close(total, 5 + 3, 'the parts sum to the main thread\'s busy time in the window');
});

test('the window starts at loader start: what ran while the loader downloaded is not counted', () => {
  // Loader start 0.5 ms after t0 (its responseEnd): 1,500 µs on the trace's clock.
  // The loader's script then runs in a task that began before (its parser
  // task): only their time inside the window counts.
  const waiting = [ev('ParseHTML', 1100, 300), ...trace.filter((e) => !/natter\.js$/.test(e.args?.data?.url ?? '') || e.ts > 1000),
    ev('EvaluateScript', 1500, 2500, `${SITE}/natter.js`)];
  const parts = attribute(waiting, { t0: 100, start: 100.5, visible: 110 });
  close(parts['loader script'], 2.0 + 0.4, 'loader script: 2.5 ms less its forced style, plus the lift');
  close(parts.other, (4500 - 2500 - 1500 + 3000 - 400 - 300 - 200 - 600 - 400) / 1000, 'the parser task from loader start on; not the parsing before');
  close(Object.values(parts).reduce((a, b) => a + b, 0), 4.5 + 3, 'busy time from loader start');
});

test('a trace without the probe\'s t0.js gives no attribution', () => {
  assert.equal(attribute(trace.filter((e) => !/t0\.js/.test(e.args?.data?.url ?? '')), { t0: 100, visible: 110 }), null);
});
