// "Voice rungs under loss": mouth-to-ear latency of the uplink
// and the downlink (p50/p95) and audible gaps per minute, for a call on
// WebRTC direct (the unordered data channel) and one forced onto the
// WebSocket (the gateway offers no WebRTC), each with 0 %, 3 % and 10 %
// packet loss and 40 ms of jitter on the path between page and gateway.
//
// The path (rung-path.mjs, netpath.py): Chromium runs in a network namespace
// of its own and reaches the gateway (this process, the reference server,
// in the bench's namespace) only through a TUN pair with netpath.py between:
// each packet, each direction, is dropped with the case's probability or
// else held 50 ms ± 40 ms (uniform, independently per packet, so packets
// overtake each other). netem is not in this machine's kernel, hence the
// forwarder. The path is clean while the page loads and the call starts,
// impaired for the measurement only.
//
// Per case, one call: the shopper's microphone (rung-page.mjs) plays
// `bursts` tone bursts (500 ms on, 500 ms off); then the agent says a train
// of as many (rung-audio.mjs). Times on the bench's clock (the page's is
// mapped to it through Playwright's pipe, pageClockOffset):
//   uplink   mouth: the onset enters the widget's capture worklet (a tap on
//            its MediaStreamSource); ear: the gateway decoded the frame
//            carrying it (the voice agent has it: no jitter buffer there)
//   downlink mouth: the gateway hands the onset's frame to the socket or
//            channel (paced in real time); ear: the onset leaves the
//            playback worklet (a tap on its output)
// Outside: the device's capture buffer before the mouth and the audio
// output's buffer (and the <audio> element) after the ear.
// Gaps: inside each burst heard, a run of 10 ms whose level is below half
// the burst's median (silence: an underrun, or a concealment that faded),
// counted once per run; per minute of tone analysed.
//
//   node tools/bench/voice-rungs.mjs   (root: it re-runs itself under
//   `unshare -n`; NATTER_BENCH_RUNG_BURSTS=20; NATTER_RUNGS_RAW=file keeps
//   what was recorded)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../tests/browser/harness.mjs';
import { openConnected } from '../../tests/browser/session-helpers.mjs';
import { voiceUi } from '../../tests/browser/voice-audio.mjs';
import { startServer } from '../gateway/server.mjs';
import { buildProduction } from './sizes.mjs';
import { measureAlone } from './doc-section.mjs';
import { openRungPath } from './rung-path.mjs';
import { installRungTaps, pageClockOffset, takeEvents } from './rung-page.mjs';
import { createStreamReader, gapsIn, pairOnsets, toneTrain } from './rung-audio.mjs';
import { percentile } from './stats.mjs';

export const VOICE_RUNGS_HEADING = '## Voice rungs under loss';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ON_MS = 500, OFF_MS = 500;
const DELAY_MS = 50, JITTER_MS = 40;
export const LOSSES = [0, 3, 10];
const TRAIN = 'rung bench tone train';
const now = () => performance.timeOrigin + performance.now();
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

// --- inside the namespace -------------------------------------------------

function gatewayTaps(train) {
  const onsetAt = new Map(train.onsetFrames.map((f, k) => [f, k]));
  const state = { downMouths: [], reader: createStreamReader() };
  return {
    state,
    tap: {
      sent({ text, index }) { if (text === TRAIN && onsetAt.has(index)) state.downMouths.push(now()); },
      heard({ pcm, concealed, fec }) { state.reader.frame(pcm, now(), concealed, fec); },
    },
  };
}

async function oneCase({ context, server, path: net, rung, lossPct, bursts, taps, log }) {
  const stack = { context, server };
  const s = await openConnected(stack, { onPage: installRungTaps });
  try {
    const ui = voiceUi(s);
    await ui.start.click();
    // Without WebRTC offered the call never names a rung: it rides the socket.
    const onRung = rung === 'websocket'
      ? ui.waitFor('listening', 20_000).then(async () => {
        const via = await s.page.evaluate(() => window.natter('debug').voice_route?.via);
        if (via !== 'websocket') throw new Error(`the call rides ${via}, not the WebSocket`);
      })
      : ui.waitForRung(rung, 20_000);
    await onRung.catch(async (error) => {
      const route = await s.page.evaluate(() => window.natter('debug').voice_route).catch(() => null);
      log(`[bench] ${rung}: the call is on ${await ui.rung()} (${JSON.stringify(route)}); the page said:\n${s.consoleLines.slice(-15).join('\n')}`);
      throw error;
    });
    await ui.waitFor('listening', 20_000); // the (silent) greeting played
    const clock = await pageClockOffset(s.page);
    await net.set({ delayMs: DELAY_MS, jitterMs: JITTER_MS, lossPct });
    await net.stats(); // counts from here
    await pause(3000); // the jitter buffer and the encoder meet the path
    // Uplink: the shopper's bursts.
    await takeEvents(s.page);
    taps.state.reader.take();
    await s.page.evaluate(([n, on, off]) => window.__rungs.burstUp(n, on, off), [bursts, ON_MS, OFF_MS]);
    await pause(1500); // the last frames are on their way
    const upPage = await takeEvents(s.page);
    const upGateway = taps.state.reader.take();
    // Downlink: the agent's train.
    taps.state.downMouths.length = 0;
    server.voice.sayToOpenCalls(TRAIN);
    await pause(bursts * (ON_MS + OFF_MS) + 2500);
    const downPage = await takeEvents(s.page);
    const downMouths = taps.state.downMouths.splice(0);
    const route = await s.page.evaluate(() => window.natter('debug').voice_route);
    const passed = await net.stats();
    await net.set({});
    await ui.end.click().catch(() => {});
    return { rung, lossPct, clock, upPage, upGateway, downPage, downMouths, route, passed };
  } finally {
    await net.set({});
    await s.page.close();
  }
}

// Latencies and gaps of one case from what was recorded.
export function figures(raw) {
  const toBench = (pageMs) => pageMs - raw.clock.offset;
  // Uplink.
  // An onset's time: when the tap's report reached the page's main thread
  // (see rung-page.mjs for why not the mapped context time).
  const upMouths = raw.upPage.filter((e) => e.tap === 'up' && 'onset' in e).map((e) => toBench(e.received));
  const upEarOnsets = raw.upGateway.onsets;
  const upPairs = pairOnsets(upMouths, upEarOnsets.map((o) => o.at));
  let upGaps = 0, upWindows = 0, upConcealed = 0, upFec = 0;
  for (const onset of upEarOnsets) {
    const span = raw.upGateway.windows.slice(onset.window + 2, onset.window + ON_MS / 10 - 3);
    const g = gapsIn(span.map((w) => w.rms));
    upGaps += g.gaps; upWindows += g.windows;
    upConcealed += span.filter((w) => w.concealed).length / 2; // two 10 ms windows a frame
    upFec += span.filter((w) => w.fec).length / 2;
  }
  // Downlink.
  const downOnsets = raw.downPage.filter((e) => e.tap === 'down' && 'onset' in e);
  const downEars = downOnsets.map((e) => toBench(e.received));
  // The context's own estimate of when the onset reaches the output, after
  // the report reached the main thread: the output device's buffer.
  const outputAfterReportMs = percentile(downOnsets.map((e) => e.onset - e.received), 50);
  const downPairs = pairOnsets(raw.downMouths, downEars);
  // Gaps are placed on the AudioContext's clock, onsets and levels alike.
  const levels = raw.downPage.filter((e) => e.tap === 'down' && e.rms)
    .flatMap((e) => e.rms.map((rms, j) => ({ at: e.ctxMs + j * 10, rms })));
  let downGaps = 0, downWindows = 0;
  const ctxOf = new Map(downOnsets.map((e) => [toBench(e.received), e.ctxMs]));
  for (const { ear } of downPairs) {
    if (ear === null) continue;
    const at = ctxOf.get(ear);
    const g = gapsIn(levels.filter((l) => l.at >= at + 20 && l.at < at + ON_MS - 30).map((l) => l.rms));
    downGaps += g.gaps; downWindows += g.windows;
  }
  const summary = (pairs) => {
    const ms = pairs.filter((p) => p.ear !== null).map((p) => p.ear - p.mouth);
    return { bursts: pairs.length, heard: ms.length, p50: percentile(ms, 50), p95: percentile(ms, 95) };
  };
  const perMinute = (gaps, windows) => (windows ? gaps / ((windows * 10) / 60_000) : NaN);
  const lost = (d) => (d[0] + d[1] ? (100 * d[1]) / (d[0] + d[1]) : NaN);
  return {
    rung: raw.rung, lossPct: raw.lossPct, clockRttMs: raw.clock.rtt, outputAfterReportMs,
    up: { ...summary(upPairs), gaps: upGaps, gapsPerMin: perMinute(upGaps, upWindows), toneS: upWindows / 100, concealedFrames: upConcealed, fecFrames: upFec },
    down: { ...summary(downPairs), gaps: downGaps, gapsPerMin: perMinute(downGaps, downWindows), toneS: downWindows / 100 },
    routeAfter: raw.route ? { rung: raw.route.rung, via: raw.route.via } : null,
    pathLossPct: { pageToGateway: lost(raw.passed.a_to_b), gatewayToPage: lost(raw.passed.b_to_a) },
  };
}

async function measureInside({ bursts, losses = LOSSES, log }) {
  const net = await openRungPath();
  const train = toneTrain(bursts, ON_MS, OFF_MS);
  const taps = gatewayTaps(train);
  const synthesize = async (text) => (text === TRAIN ? train.pcm : new Int16Array(4800)); // else 100 ms of silence
  const common = {
    host: net.gatewayHost, port: 0, distDir: process.env.NATTER_RUNGS_DIST, webDir: path.join(repoRoot, 'web'),
    tokenDelayMs: 5, log: () => {}, tts: { synthesize }, voiceTap: taps.tap,
    voiceLines: { greeting: 'Hello.', replies: ['Okay.'] },
  };
  const servers = {
    webrtc_direct: await startServer({ ...common }),
    websocket: await startServer({ ...common, rtc: { enabled: false } }),
  };
  const origins = Object.values(servers).map((s) => new URL(s.url).origin).join(',');
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'natter-rungs-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: net.chromium, headless: true,
    args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required', `--unsafely-treat-insecure-origin-as-secure=${origins}`,
      '--disable-features=WebRtcHideLocalIpsWithMdns'],
  });
  context.setDefaultTimeout(20_000);
  const cases = [];
  const raws = [];
  try {
    for (const lossPct of losses) {
      for (const rung of ['webrtc_direct', 'websocket']) {
        const raw = await oneCase({ context, server: servers[rung], path: net, rung, lossPct, bursts, taps, log });
        raws.push(raw);
        const f = figures(raw);
        log(`[bench] ${rung} at ${lossPct} % loss: up p50 ${f.up.p50?.toFixed(0)} ms p95 ${f.up.p95?.toFixed(0)} ms `
          + `(${f.up.heard}/${f.up.bursts}), ${f.up.gaps} gaps; down p50 ${f.down.p50?.toFixed(0)} ms p95 ${f.down.p95?.toFixed(0)} ms `
          + `(${f.down.heard}/${f.down.bursts}), ${f.down.gaps} gaps; route after ${JSON.stringify(f.routeAfter)}; `
          + `path loss ${f.pathLossPct.pageToGateway.toFixed(1)} / ${f.pathLossPct.gatewayToPage.toFixed(1)} %`);
        cases.push(f);
      }
    }
  } finally {
    await context.close().catch(() => {});
    for (const s of Object.values(servers)) await s.close();
    rmSync(userDataDir, { recursive: true, force: true });
    net.close();
    if (process.env.NATTER_RUNGS_RAW) writeFileSync(process.env.NATTER_RUNGS_RAW, JSON.stringify(raws)); // to look into a figure
  }
  return { bursts, onMs: ON_MS, offMs: OFF_MS, delayMs: DELAY_MS, jitterMs: JITTER_MS, chromium: context.browser()?.version() ?? '', cases };
}

// --- from outside: runs the above in a namespace of its own ----------------

// Returns the figures, or {skipped: why} when the namespace cannot be made
// (not root, no unshare, no /dev/net/tun): then nothing is measured.
export async function measureVoiceRungs({ bursts = 20, log = console.log } = {}) {
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', 'test -w /dev/net/tun && /usr/sbin/ip link set lo up'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    const why = (probe.error?.message ?? probe.stderr ?? '').trim() || `exit ${probe.status}`;
    log(`[bench] voice rungs skipped: ${why}`);
    return { skipped: `the bench could not make a network namespace with a TUN device (${why})` };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'natter-rungs-out-'));
  const out = path.join(dir, 'result.json');
  try {
    const child = spawnSync('unshare', ['-n', process.execPath, fileURLToPath(import.meta.url), '--inside'], {
      stdio: 'inherit',
      // The production build, what shops get, built out here: the same files as the rest of the run.
      env: { ...process.env, NATTER_RUNGS_OUT: out, NATTER_BENCH_RUNG_BURSTS: String(bursts), NATTER_RUNGS_DIST: await buildProduction() },
    });
    if (child.status !== 0) throw new Error(`the voice rungs bench failed in its namespace (exit ${child.status})`);
    return JSON.parse(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (v) => (v === undefined || Number.isNaN(v) ? '—' : `${v.toFixed(0)} ms`);
const rate = (v) => (Number.isNaN(v) ? '—' : v.toFixed(1));
const RUNG_NAMES = { webrtc_direct: 'WebRTC direct (data channel)', websocket: 'WebSocket' };

export function renderVoiceRungsSection(r) {
  if (r.skipped) {
    return `${VOICE_RUNGS_HEADING}

Not measured: ${r.skipped}. The bench (\`tools/bench/voice-rungs.mjs\`)
needs root for \`unshare -n\` and a TUN device; it reports nothing rather
than figures from an unimpaired path.
`;
  }
  const rows = r.cases.map((c) => `| ${RUNG_NAMES[c.rung]} | ${c.lossPct} % | ${ms(c.up.p50)} | ${ms(c.up.p95)} | ${c.up.heard}/${c.up.bursts} | `
    + `${rate(c.up.gapsPerMin)} | ${ms(c.down.p50)} | ${ms(c.down.p95)} | ${c.down.heard}/${c.down.bursts} | ${rate(c.down.gapsPerMin)} | `
    + `${c.pathLossPct.pageToGateway.toFixed(1)} / ${c.pathLossPct.gatewayToPage.toFixed(1)} % | ${c.routeAfter?.rung ?? '—'} |`);
  return `${VOICE_RUNGS_HEADING}

Mouth-to-ear latency and audible gaps on each rung with loss and jitter on
the path (\`tools/bench/voice-rungs.mjs\`), all six cases in one run, one
call each in headless Chromium against the reference gateway: WebRTC
direct (the voice frames on the unordered data channel opened with maxRetransmits 0,
held to it on the gateway's side too: \`tools/gateway/voice/werift-abandon.mjs\`)
and the WebSocket (the gateway offers no WebRTC, so the call stays there).

**How loss and jitter are injected.** This kernel has no netem, so the
bench builds the path itself: Chromium runs in a network namespace of its
own and reaches the gateway only through a pair of TUN devices with a
forwarder between them (\`tools/bench/netpath.py\`, set up by
\`rung-path.mjs\`; the bench runs under \`unshare -n\`, so nothing outside
it changes). Every IP packet crosses the forwarder once per direction:
the WebSocket's TCP segments (and their ACKs) and WebRTC's UDP datagrams
alike. Each packet, in each direction independently, is dropped with the
case's probability (0, 3 or 10 % per direction, independently per
packet; the drop rate achieved is in the table), else held ${r.delayMs} ms ± ${r.jitterMs} ms
(uniform, drawn per packet) but never released before the packet ahead
of it in the same direction: ${r.jitterMs} ms of jitter each way on a ${r.delayMs} ms
one-way delay, first in first out, as queueing jitter is. netem's
jitter instead lets packets overtake each other (at 20 ms frames and
±40 ms, most of them); a first run that way left the uplink at 0 % loss
with 15 gaps in 5 bursts, because the reference gateway decodes frames
as they come (no reorder buffer) and conceals every seq gap; real paths
seldom reorder at that rate, so the figures below do not. The path is
clean while the page loads and the call starts; it is impaired 3 s
before the measurement and for all of it.

**How each figure is taken.** Per case the shopper's microphone (a
WebAudio stream the page hands the widget instead of the device's) plays
${r.bursts} bursts of a 1 kHz tone (${r.onMs} ms on after ${r.offMs} ms of silence); then
the agent says a train of ${r.bursts} such bursts (the reference gateway's
speech replaced by it, paced in real time like any utterance). An onset
is the first sample above 0.1 after at least 200 ms below 0.01. Uplink:
from the onset entering the widget's capture worklet (a tap on its
microphone source in the widget's AudioContext) to the gateway decoding
the frame that carries it (the voice agent has it then; the gateway has
no jitter buffer). Downlink: from the gateway handing the onset's frame to
the socket or channel to the onset leaving the widget's playback worklet
(a tap on its output, after the jitter buffer, Opus decoding with FEC/PLC
and resampling). Both include the 20 ms framing and Opus's look-ahead.
A tap's onset counts when its report reaches the page's main
thread (a few ms at most after the AudioContext rendered the sample:
uplink figures are low and downlink figures high by that much), mapped
to the bench's clock by the smallest-round-trip reading over
Playwright's pipe (< ${Math.max(...r.cases.map((c) => c.clockRttMs)).toFixed(1)} ms). Outside the figures: the device's
capture buffer before the mouth, and after the ear the audio output,
which the context's own getOutputTimestamp() puts
${Math.round(percentile(r.cases.map((c) => c.outputAfterReportMs), 50))} ms later, and the \`<audio>\` element. "heard" counts bursts whose onset arrived before the next burst's.
Gaps: inside each burst heard, from 20 ms after its onset to 30 ms before
its end, a run of 10 ms windows whose level is below half the burst's
median level (silence: an underrun, a lost stretch, a concealment that
faded) counts once; per minute of tone so analysed (${Math.round(r.cases[0]?.up.toneS ?? 0)} s or so each
way per case). A single frame rebuilt by FEC or PLC inside a steady tone
is not a gap by this measure (it is seldom silent), so on speech the
audible damage can be higher; the uplink's concealed frames are counted
apart below.

| rung | loss each way | uplink p50 | p95 | heard | gaps / min | downlink p50 | p95 | heard | gaps / min | dropped (page→gw / gw→page) | rung at the end |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|
${rows.join('\n')}

Uplink frames the gateway concealed (lost; rebuilt from the next frame's
in-band FEC, else by PLC) inside the bursts, with those from FEC in brackets:
${r.cases.map((c) => `${RUNG_NAMES[c.rung]} at ${c.lossPct} %: ${c.up.concealedFrames} (${c.up.fecFrames ?? 0})`).join('; ')}.

Reading the figures: the uplink ear is the reference gateway, which
decodes each frame as it comes and rebuilds a lost one from the next
frame's in-band FEC (PLC only for the earlier frames of a longer gap), so
uplink gaps on the data channel are lost stretches the agent hears as
holes; on the WebSocket TCP turns the same loss into delay (the uplink
p95) and no gaps. The downlink runs through the widget's jitter buffer,
whose depth follows the jitter it sees and grows each time it runs dry (a
frame late, not lost). On the data channel both directions are unreliable:
Chromium's sender honours maxRetransmits 0, and the gateway's werift
0.24.4, which never abandoned a chunk at maxRetransmits 0
(\`maybeAbandon\` tests \`!!chunk.maxRetransmits\`), is held to it by
\`tools/gateway/voice/werift-abandon.mjs\`: a lost agent frame is dropped,
the widget's jitter buffer conceals it, and nothing queues behind a
retransmission (the downlink's latency should not grow with loss; its
gaps need not fall: a frame once played late is now concealed). The last run before those two gateway changes
(2026-11-23T14:37Z, load average 4.51) had the WebRTC downlink at p50 326
and 328 ms, p95 326 and 348 ms, at 3 and 10 % loss, against 257 and 337 ms
at 0 % (the jitter buffer grown by late retransmissions), and 33.3 and
240 uplink gaps a minute at 3 and 10 % (5.5 and 50.5 frames concealed,
all by PLC). While building the
bench, the downlink gaps seen at 0 % loss were ~15 ms of exact silence
in the playback worklet's output (its queue running dry on this loaded
2-core machine), not the network.
`;
}

function main() {
  if (process.argv.includes('--inside')) {
    // NATTER_BENCH_RUNG_LOSSES=0,10: fewer cases, to look into one (never for the report).
    const losses = process.env.NATTER_BENCH_RUNG_LOSSES?.split(',').map(Number) ?? LOSSES;
    return measureInside({ bursts: Number(process.env.NATTER_BENCH_RUNG_BURSTS ?? 20), losses, log: console.log })
      .then((r) => writeFileSync(process.env.NATTER_RUNGS_OUT, JSON.stringify(r)));
  }
  return measureAlone('voice-rungs.mjs', VOICE_RUNGS_HEADING,
    () => measureVoiceRungs({ bursts: Number(process.env.NATTER_BENCH_RUNG_BURSTS ?? 20) }), renderVoiceRungsSection);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => { console.error(`[bench] failed: ${err.stack ?? err}`); process.exit(1); });
}
