// Renders docs/benchmarks.md from the measured figures. Pure: data in,
// Markdown out.
import { START_WAIT_MS } from './host-cost.mjs';
import { median, p95, ratioOfMediansInterval } from './stats.mjs';
import { renderVoiceSection } from './voice-report.mjs';
import { renderVoiceAgentSection } from './voice-agent.mjs';
import { renderLookSection } from './look-cost.mjs';
import { renderGatewaySection } from './gateway-report.mjs';
import { renderHandoffSection } from './handoff.mjs';
import { renderAttackSection } from './attack.mjs';
import { renderCallStartSection } from './call-start.mjs';
import { renderVoiceRungsSection } from './voice-rungs.mjs';
import { renderVoiceEarSection } from './voice-ear.mjs';
import { renderEchoCanceller } from './echo-canceller.mjs';
import { renderPreloadSection } from './preload.mjs';
import { renderStreamCostSection } from './stream-cost.mjs';
import { targetTotals } from './budgets.mjs';
import { renderLauncherTrace } from './launcher-trace.mjs';

const ms = (v) => `${v.toFixed(1)} ms`;
const bytes = (n) => n.toLocaleString('en-GB');

// before: optional {build, sizes} of an earlier build, shown per key.
function sizeTable(sizes, before) {
  const was = (key) => {
    const b = before.sizes.find((s) => s.key === key);
    return b ? bytes(b.gzip) : 'none';
  };
  const rows = sizes.map((s) => `| \`${s.file}\` (${s.key}) | ${bytes(s.raw)} | ${before ? `${was(s.key)} | ` : ''}${bytes(s.gzip)} | ${bytes(s.gzip9)} | ` +
    `${s.budget === null ? 'none' : `≤ ${bytes(s.budget)}`} | ${s.pass === null ? '' : s.pass ? 'pass' : '**FAIL**'} |`);
  const head = before
    ? ['| file | bytes | gzip bytes before | gzip bytes | gzip -9 bytes | budget (gzip) | result |', '|---|---:|---:|---:|---:|---:|---|']
    : ['| file | bytes | gzip bytes | gzip -9 bytes | budget (gzip) | result |', '|---|---:|---:|---:|---:|---|'];
  return [...head, ...rows].join('\n');
}

export const SIZES_HEADING = '## Shipped bytes';

// The "Shipped bytes" section. before: as in sizeTable; alone: {date} when
// sizes.mjs rewrote only this section.
export function renderSizeSection(sizes, { before = null, alone = null } = {}) {
  const how = alone ? `\nMeasured by \`node tools/bench/sizes.mjs\` alone on ${alone.date}, which rewrites only this
section and "Voice download".\n` : '';
  const was = before ? ` "before" is build \`${before.build}\` (${before.label}), measured the same way.` : '';
  return `${SIZES_HEADING}
${how}
Every file of a production build (\`NATTER_ENV=production\`, what shops
get) a page can download. "gzip" is the build's gzip sibling of the file
(\`<file>.gz\`, made by zopfli: \`tools/bundle/precompress.mjs\`), what the
reference server and nginx's \`gzip_static\` send a browser that accepts
gzip; "gzip -9" is zlib at level 9, the measure of figures before the
siblings were made by zopfli. The loader's
budget is the product requirement (it is on every page of every shop); the
others are ceilings in \`tools/bench/budgets.mjs\` (the one place for
budgets; \`tests/node/size-budgets.test.mjs\` checks them in \`npm test\`)
that catch a sudden jump.${was}

${sizeTable(sizes, before)}

What a shopper downloads, against the targets in \`tools/bench/budgets.mjs\`
(a page view with no intent downloads only the loader:
docs/decisions/0005-core-loaded-on-intent.md):

| download | gzip bytes | gzip -9 bytes | target | result | brotli |
|---|---:|---:|---:|---|---:|
${targetTotals(sizes).map((t) => `| ${t.label} | ${bytes(t.gzip)} | ${bytes(t.gzip9)} | ≤ ${bytes(t.target)} | ${t.pass ? 'met' : '**not met**'} | ${t.br === null ? '–' : bytes(t.br)} |`).join('\n')}

The targets are judged on gzip as served (the \`.gz\` siblings). The build
writes each file's brotli (quality 11) and gzip siblings, which the
reference server and the CDN send as they are to a browser that accepts
them (docs/deploying.md, "Compression"): "brotli" is what a browser
accepting \`br\` receives.
`;
}

function timingRow(label, widget, plain) {
  const ratio = median(widget) / median(plain);
  return `| ${label} | ${ms(median(widget))} | ${ms(p95(widget))} | ${ms(median(plain))} | ${ms(p95(plain))} | ${ratio.toFixed(2)}× |`;
}

function reconnectSection({ reconnect, syntheticEvents }) {
  const synthetic = syntheticEvents === 0
    ? 'Chromium fired `offline` and `online` itself in every trial.'
    : `In ${syntheticEvents} trial(s) Chromium did not fire \`online\`/\`offline\` itself and the bench dispatched it after waiting up to 1 s; those figures include the wait.`;
  return `## Reconnect after a network cut

${reconnect.length} trials, each a fresh tab on the live-session storefront
(\`/demo/live.html\`, \`data-transport="session"\`) with the session up:
the network is cut for 2 s (Chromium's network emulation offline, and the
server's end of the socket dropped, as \`tests/browser/session-network.test.mjs\`
does, since emulation alone only pauses an open socket), then restored.
No baseline: nothing simpler does the same job.

| measure | median | p95 |
|---|---:|---:|
| network back → status "Connected" | ${ms(median(reconnect))} | ${ms(p95(reconnect))} |

**network back**: Node's clock just before the CDP call that restores the
network (so the figures are upper bounds). **Connected**: the status line
reads "Connected" again (the core's \`welcome\` on the new socket), seen by
a MutationObserver in the page and stamped with \`performance.timeOrigin +
performance.now()\` (the same machine clock). ${synthetic}
`;
}

// Page views whose core did not start on its own: the policy's outcome on
// a page with no long idle period, said with the idle time it was given.
function notStartedText(notStarted) {
  if (!notStarted.length) return 'Every run preloaded it.';
  const longest = Math.max(...notStarted.map((n) => n.longestIdleMs));
  const callbacks = notStarted.map((n) => n.idleCallbacks).join(', ');
  return `${notStarted.length} run(s) did not preload within ${START_WAIT_MS / 1000} s: their loader's idle callbacks ` +
    `(${callbacks} of them) were given at most ${ms(longest)} of idle time (the policy needs over 40 ms).`;
}

function hostCostSection(hostCost, runs) {
  const { widget, plain } = hostCost;
  const row = (label, v) => `| ${label} | ${ms(median(v))} | ${ms(p95(v))} |`;
  const count = (label, w, b) => `| ${label} | ${median(w)} | ${Math.max(...w)} | ${median(b)} | ${Math.max(...b)} |`;
  const total = (label, w, b) => `| ${label} | ${ms(median(w))} | ${ms(Math.max(...w))} | ${ms(median(b))} | ${ms(Math.max(...b))} |`;
  const withLoaf = widget.widgetLoafMs.filter((v) => v > 0).length;
  return `## Host-page cost

What a shop's page pays before the shopper touches the widget, beyond the
loader's bytes ("Shipped bytes") and the time to its launcher ("Time to
launcher and time to send"): those sections say them, and are not repeated
here (\`sizes.mjs\` and \`send-timings.mjs\` rewrite each alone).

${runs} more runs, each in a fresh browser context, with no interaction at all:
the widget page (the storefront as above) is watched from its first script
until the core has started on its own (the panel is built, hidden; at most
${START_WAIT_MS / 1000} s) plus 500 ms; the plain baseline page of the same run is watched for
the same time.

| long tasks on the main thread (≥ 50 ms) | widget median | widget max | baseline median | baseline max |
|---|---:|---:|---:|---:|
${count('count per page load', widget.longTaskCount, plain.longTaskCount)}
${total('total duration per page load', widget.longTaskMs, plain.longTaskMs)}

Target: none caused by the widget. \`longtask\` entries (a
PerformanceObserver in the first script of \`<head>\`, buffered) do not say
whose code ran; long animation frames do: the widget's own scripts
(\`natter.*\`) ran inside a long animation frame in ${withLoaf} of ${widget.widgetLoafMs.length} runs, for
${ms(median(widget.widgetLoafMs))} median, ${ms(Math.max(...widget.widgetLoafMs))} at most (script time, not the frame's).

When the core is fetched, relative to loader start (the runs that
preloaded it: ${widget.coreJsAt.length} of ${runs}):

| event | median | p95 |
|---|---:|---:|
${row("page's load event end", widget.loadEnd)}
${row("loader's first idle callback runs", widget.idleAt)}
${row('natter.core.*.js request starts', widget.coreJsAt)}
${row('natter.core.*.wasm request starts', widget.coreWasmAt)}

With no interaction, the core was requested only from the loader's idle
callbacks (after the page's load, in an idle period of over 40 ms): before
the first of them in ${widget.coreBeforeIdle} of ${widget.coreJsAt.length} runs. ${notStartedText(widget.notStarted)}
Every request of the last run's page, in order, before any interaction:
${widget.requests.map((r) => `\`${r}\``).join(', ')}. The other trigger, the shopper's intent
(pointer over or focus on the launcher), is not timed here.
`;
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const signedKib = (n) => `${n >= 0 ? '+' : '−'}${kib(Math.abs(n))}`;

function idleRow(label, page, bare) {
  const vs = (v, b) => (b > 0 ? `${(v / b).toFixed(2)}×` : 'n/a');
  return `| ${label} | ${ms(page.taskMsPerMin)} | ${vs(page.taskMsPerMin, bare.taskMsPerMin)} | ` +
    `${ms(page.scriptMsPerMin)} | ${kib(page.heapStart)} | ${kib(page.heapEnd)} | ${signedKib(page.heapEnd - page.heapStart)} | ${page.pings} |`;
}

function idleSection(idle) {
  const { bare, closed, live } = idle;
  return `## Idle cost

Three tabs of the demo storefront sit side by side for the same
${idle.minutes} minute(s), each in its own browser context (its own renderer
process): **no widget** (the baseline, measured in the same run), the
**widget closed** (HTTP mode, core loaded by the loader's idle preload,
panel never opened, no session), and a **live session** (\`/demo/live.html\`:
chat opened, "Connected", panel closed again; the session stays up and
sends a heartbeat every \`heartbeat_ms\` = 15 s, set by the server).
One window per tab, so these are single measurements, not medians.

| page | main-thread CPU / min | vs no widget | of which JS / min | JS heap at start | JS heap at end | heap growth | heartbeats sent |
|---|---:|---:|---:|---:|---:|---:|---:|
${idleRow('no widget', bare, bare)}
${idleRow('widget closed, no session', closed, bare)}
${idleRow('live session, panel closed', live, bare)}

CPU: CDP \`Performance.getMetrics\` \`TaskDuration\` (every main-thread
task: script, style, layout, GC) and \`ScriptDuration\` (JS only), end minus
start, per minute of wall time. Heap: \`JSHeapUsedSize\`, each time right
after a forced GC (\`HeapProfiler.collectGarbage\`), so growth is what stays
reachable. Heartbeats: \`ping\` frames the page sent in the window (the
live session's socket closed ${live.socketCloses} time(s) in all; page
visibility at the end: ${live.visible}). Set the window with
\`NATTER_BENCH_IDLE_MINUTES\` (default 10).
`;
}

// "Time to launcher and time to send" (also written alone by send-timings.mjs).
export function renderTimingSection(timings, runs) {
  const { widget, plain, paint, paintTrace } = timings;
  const pairs = paint.widget.launcher.length;
  const [low, high] = ratioOfMediansInterval(paint.widget.launcher, paint.plain.launcher);
  return `## Time to launcher and time to send

On the demo storefront served by the reference server over loopback, with
a production build (what shops get: no debug panel), each page load in a
fresh browser context (empty cache and storage). The launcher
rows: ${pairs} loads of each page, in alternating order
(\`tools/bench/launcher-paint.mjs\`); the send rows: ${runs} runs of each page,
two messages each. Median and p95 (nearest rank). The baseline is the same
page with the least code that does the same job, measured in the same run;
ratio = widget median / baseline median.

| measure | widget median | widget p95 | baseline median | baseline p95 | ratio |
|---|---:|---:|---:|---:|---:|
${timingRow('loader start → launcher in the DOM', paint.widget.inDom, paint.plain.inDom)}
${timingRow('loader start → launcher painted', paint.widget.launcher, paint.plain.launcher)}
${timingRow('Enter → fetch(/api/chat) called, first message', widget.toFetch, plain.toFetch)}
${timingRow('Enter → request sent (requestStart), first message', widget.toWire, plain.toWire)}
${timingRow('Enter → fetch(/api/chat) called, second message', widget.laterToFetch, plain.laterToFetch)}
${timingRow('Enter → request sent (requestStart), second message', widget.laterToWire, plain.laterToWire)}

The painted ratio of this many loads moves from run to run: 95 % of
bootstrap resamples of these ${pairs} pairs give ${low.toFixed(2)}× to ${high.toFixed(2)}×.
A load's own course outweighs the widget: whether the storefront was laid
out and painted before its end-of-body scripts ran decides whether its whole
first layout falls inside the window, and pairs are not alike.
${paintTrace ? `\n${renderLauncherTrace(paintTrace)}` : ''}
How each figure is taken (all on the page's own \`performance.now()\` clock):

- **loader start**: the later of a same-origin script that runs right before
  the (synchronous) loader tag and Resource Timing \`responseEnd\` of the
  loader (\`natter.js\`, or the baseline's \`plain-launcher.js\`). Start can
  only be later than that, so the figures are upper bounds. **in the DOM**:
  the widget's host element is in the document, seen by a MutationObserver
  installed first thing in \`<head>\` (it runs once the loader's script has
  finished; the widget's includes the page's first style pass, which lifting
  the host into the top layer brings forward from the frame). **painted**: the launcher button has a box (checked at once,
  then each frame), then the task after the next frame: the frame that
  paints it. Baseline (\`/bench/plain-launcher.html\`): a script that appends
  a plain button in a shadow root, and nothing else.
- **Enter**: \`event.timeStamp\` of the keydown, seen by a capture listener
  installed before the widget. **fetch called**: a \`fetch\` wrapper installed
  before the widget. **request sent**: Resource Timing \`requestStart\` of the
  \`/api/chat\` entry. Baseline: a plain textarea whose keydown handler posts
  the same request directly. The widget's extra is its whole turn before
  the fetch: the core (event in, effects out, through WASM), then
  \`http_request\`, the first of the message's effects (clearing the
  composer, the shopper's bubble and its delivery line, host events and
  storage follow it in the same task). The first message on a page also
  runs those paths for the first time; the second shows the steady state.
`;
}

export function renderReport({ command, date, machine, sizes, timings, hostCost, reconnect, idle, voice, voiceAgent, callStart, preload, look, gateway, handoff, attack, voiceRungs, voiceEar, echo, stream, runs, seconds }) {
  return `# Benchmarks

Written by \`${command}\` (\`tools/bench/run.mjs\`); do not edit by hand, run it again.

- date: ${date}
- machine: ${machine.nproc} CPUs (${machine.cpu}), ${machine.memGiB} GiB RAM, ${machine.os}; load average ${machine.load} when the bench started
- Node ${machine.node}; Chromium ${machine.chromium} (\`/usr/bin/chromium\`, headless)
- bench wall time: ${seconds.toFixed(0)} s
- every page a browser loads here is served from the production build whose bytes "Shipped bytes" lists (what shops get: no debug panel)

${renderSizeSection(sizes)}
${renderLookSection(look)}
${renderTimingSection(timings, runs)}
${hostCostSection(hostCost, runs)}
${reconnectSection(reconnect)}
${idleSection(idle)}
${renderVoiceSection(voice)}
${renderVoiceAgentSection(voiceAgent)}
${gateway ? renderGatewaySection(gateway) : ''}
${handoff ? renderHandoffSection(handoff) : ''}
${attack ? renderAttackSection(attack) : ''}
${callStart ? renderCallStartSection(callStart) : ''}
${preload ? renderPreloadSection(preload) : ''}
${voiceRungs ? renderVoiceRungsSection(voiceRungs) : ''}
${voiceEar ? renderVoiceEarSection(voiceEar) : ''}
${echo ? renderEchoCanceller(echo) : ''}
${stream ? renderStreamCostSection(stream) : ''}`;
}
