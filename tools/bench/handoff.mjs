// The "Handoff" bench: one gateway instance (in memory, its own
// process) holding `sessions` live conversations (the Gateway bench's load
// generator, real protocol over ws, a ping per session every 15 s). On a
// sample of them, one after another so each figure is one handoff's own:
//   - staff → shopper: a person takes the conversation over and replies
//     through the staff API; ms from the reply POST to the shopper's socket
//     receiving its text;
//   - takeover → last AI event: the shopper's question is being answered
//     (first token received) when the person takes over; ms from the take
//     POST to the last event of the AI's reply the shopper received (0 when
//     none came after the POST), and how many of the AI's events came after
//     the control event (the promise: none); and ms from the take POST to
//     the shopper receiving the control event ("‹name› joined").
// The staff calls and the shopper sockets are in one process, one clock.
// Everything shares the machine's cores (stated in the report).
import { fileURLToPath } from 'node:url';
import { measureAlone } from './doc-section.mjs';
import { startInstance, startLoad } from './gateway.mjs';
import { percentile } from './stats.mjs';

export const HANDOFF_HEADING = '## Handoff';
const STAFF_TOKEN = 'bench-staff-token-0123456789abcdef';

export async function measureHandoff({ sessions = 1000, samples = 200, log = console.log } = {}) {
  const gateway = await startInstance({ tokenDelayMs: 20, staffToken: STAFF_TOKEN, instance: 'handoff-bench' });
  const load = await startLoad();
  try {
    const opened = await load.run('open', { urls: [gateway.url], n: sessions, prefix: 'handoff' });
    const staff = await load.run('staff', { url: gateway.url, token: STAFF_TOKEN, n: samples });
    const cut = await load.run('takeover', { url: gateway.url, token: STAFF_TOKEN, n: samples });
    const figures = (values) => ({ n: values.length, p50: percentile(values, 50), p95: percentile(values, 95) });
    const result = {
      sessions, live: opened.live, samples,
      staff: figures(staff.ms), takeover: figures(cut.ms), control: figures(cut.controlMs),
      aiEventsAfterControl: cut.after, takeoversSeen: cut.cut,
    };
    log(`[bench] handoff, ${opened.live} live: staff → shopper p50 ${result.staff.p50?.toFixed(1)} ms, `
      + `takeover → last AI event p50 ${result.takeover.p50?.toFixed(1)} ms, AI events after the takeover: ${cut.after}`);
    await load.run('close');
    return result;
  } finally {
    await load.stop();
    await gateway.kill();
  }
}

const ms = (v) => (v === undefined || Number.isNaN(v) ? '—' : `${v.toFixed(1)} ms`);

export function renderHandoffSection(r) {
  return `${HANDOFF_HEADING}

A person stepping in (\`tools/bench/handoff.mjs\`): one gateway instance in
memory holding ${r.sessions} live conversations (${r.live} live; the Gateway
bench's load generator, real protocol, a ping per session every 15 s). On
${r.samples} of them, one at a time: a person takes over and replies through
the staff API (time from the reply POST to the shopper's socket receiving
its text); and a takeover while the AI's answer streams (time from the take
POST to the last AI event the shopper received, 0 when none came after the
POST). Staff calls and shopper sockets run in one process, on one clock; the
load generator shares the machine's cores with the gateway.

| figure | n | p50 | p95 |
|---|---:|---:|---:|
| staff sends → shopper receives the text | ${r.staff.n} | ${ms(r.staff.p50)} | ${ms(r.staff.p95)} |
| takeover → last AI event the shopper received | ${r.takeover.n} | ${ms(r.takeover.p50)} | ${ms(r.takeover.p95)} |
| takeover → the shopper receives the control event | ${r.control.n} | ${ms(r.control.p50)} | ${ms(r.control.p95)} |

AI events the shopper received after the takeover's control event: **${r.aiEventsAfterControl}**
(of ${r.takeoversSeen} takeovers whose control event arrived).
`;
}

function main() {
  return measureAlone('handoff.mjs', HANDOFF_HEADING, () => measureHandoff({
    sessions: Number(process.env.NATTER_BENCH_HANDOFF_SESSIONS ?? 1000),
    samples: Number(process.env.NATTER_BENCH_HANDOFF_SAMPLES ?? 200),
  }), renderHandoffSection);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => { console.error(`[bench] failed: ${err.stack ?? err}`); process.exit(1); });
}
