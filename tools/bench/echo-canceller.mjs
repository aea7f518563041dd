// "Echo canceller" (an open question): does the browser's echo
// canceller take the widget's playback (the agent's frames decoded by the
// core, played through an <audio> element fed from WebAudio) as its
// reference, as it does for a WebRTC remote track? Measured in Chromium on
// an acoustic loopback (echo-loopback.mjs: everything played comes back
// into the microphone at full level, no room), by the microphone's level
// while the agent's speech plays:
//   echo removed  20·log10(level with echoCancellation off / level with it
//                 on), each pair taken in the same round; per path:
//                 the widget's <audio> element, the same audio as an RTP
//                 remote track, `echoCancellation: "all"`, and the
//                 widget's own constraints (noise suppression and gain
//                 control on too)
//   the shopper   a second voice played into the loopback from outside the
//                 browser (never in its output): its level with the
//                 canceller on against off (alone), and while the agent
//                 talks too (double talk) against alone
// Trials interleave, round after round, each in a fresh page.
//
//   node tools/bench/echo-canceller.mjs   (root on a machine without
//   PulseAudio: it installs it; NATTER_BENCH_ECHO_ROUNDS=5)
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { speechWav } from '../../tests/browser/voice-audio.mjs';
import { measureAlone } from './doc-section.mjs';
import { openEchoLoopback } from './echo-loopback.mjs';
import { median } from './stats.mjs';

export const ECHO_HEADING = '## Echo canceller';
const here = path.dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.NATTER_BENCH_ECHO_ROUNDS ?? 5);
const RAW = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
const ON = { ...RAW, echoCancellation: true };
const WIDGET = { echoCancellation: true, noiseSuppression: true, autoGainControl: true }; // shim/voice/voice-runtime.js
const TRIALS = {
  echo_off: { path: 'element', constraints: RAW },
  element: { path: 'element', constraints: ON },
  widget: { path: 'element', constraints: WIDGET },
  track: { path: 'track', constraints: ON },
  all: { path: 'element', constraints: { ...RAW, echoCancellation: 'all' } },
  shopper_off: { path: 'silent', constraints: RAW, talk: true },
  shopper_on: { path: 'silent', constraints: ON, talk: true },
  double_talk: { path: 'element', constraints: ON, talk: true },
};
const dB = (a, b) => 20 * Math.log10(a / b);

function serve(files) {
  const server = http.createServer((req, res) => {
    const file = files[new URL(req.url, 'http://x').pathname];
    if (!file) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'Content-Type': file.type, 'Cache-Control': 'no-store' });
    res.end(file.body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// Returns the figures, or {skipped: why} where the loopback cannot be made.
export async function measureEchoCanceller({ rounds = ROUNDS } = {}) {
  let loop;
  try {
    loop = await openEchoLoopback();
  } catch (error) {
    console.log(`[bench] echo canceller skipped: ${error.message}`);
    return { skipped: error.message };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'natter-echo-wav-'));
  const agent = speechWav(dir, 'agent', 'Hello and welcome. We have wireless headsets, running shoes in every size, '
    + 'and console bundles on sale this week. How can I help you today?');
  const shopper = speechWav(dir, 'shopper', 'I am looking for running shoes in size nine, and a headset for my brother.');
  const server = await serve({
    '/': { type: 'text/html', body: '<!doctype html><title>echo</title><script src="/echo-trial.js"></script>' },
    '/echo-trial.js': { type: 'text/javascript', body: readFileSync(path.join(here, 'page/echo-trial.js')) },
    '/agent.wav': { type: 'audio/wav', body: readFileSync(agent) },
  });
  // localhost: a secure context over plain HTTP, as getUserMedia needs.
  const url = `http://localhost:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true, env: loop.env,
    ignoreDefaultArgs: ['--mute-audio'], // Playwright mutes by default: nothing would reach the loopback
    args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required'],
  });
  const version = browser.version();
  const levels = Object.fromEntries(Object.keys(TRIALS).map((k) => [k, []]));
  const applied = {};
  try {
    for (let round = 1; round <= rounds; round += 1) {
      for (const [name, trial] of Object.entries(TRIALS)) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(url);
        // The page starts the agent's speech 1 s after its output runs.
        const talking = trial.talk ? new Promise((r) => { setTimeout(r, 1100); }).then(() => loop.talk(shopper)) : null;
        const r = await page.evaluate((t) => window.echoTrial(t), { ...trial, farUrl: '/agent.wav' });
        await talking;
        await context.close();
        levels[name].push(r.rms);
        applied[name] = r.applied;
      }
      console.log(`[bench] echo canceller: round ${round}/${rounds}`);
    }
  } finally {
    await browser.close();
    server.close();
    await loop.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const perRound = (a, b) => levels[a].map((v, i) => dB(v, levels[b][i]));
  return {
    rounds, version, applied, levels,
    removed: Object.fromEntries(['element', 'widget', 'track', 'all'].map((k) => [k, perRound('echo_off', k)])),
    shopperOn: perRound('shopper_on', 'shopper_off'),
    doubleTalk: perRound('double_talk', 'shopper_on'),
  };
}

const fmt = (xs) => `${Math.min(...xs).toFixed(1)} / ${median(xs).toFixed(1)}`;

export function renderEchoCanceller(r) {
  if (r.skipped) return `${ECHO_HEADING}\n\nNot measured: ${r.skipped}.\n`;
  const row = (what, xs) => `| ${what} | ${fmt(xs)} |`;
  return [
    ECHO_HEADING,
    '',
    `Chromium ${r.version} on an acoustic loopback (PulseAudio: a null sink whose monitor is the microphone; everything`,
    'played comes back at full level, without a room), the agent\'s speech played while the microphone is captured;',
    `${r.rounds} rounds, the trials interleaved, each in a fresh page (tools/bench/echo-canceller.mjs). Echo removed:`,
    'the microphone\'s level with `echoCancellation` off over its level with the setting named, in the same round, in dB',
    '(min / median over the rounds; higher is better).',
    '',
    '| the agent\'s audio played as | echo removed, dB (min / median) |',
    '|---|---|',
    row('the widget\'s way: an `<audio>` element fed from WebAudio, `echoCancellation: true`', r.removed.element),
    row('the same, with the widget\'s constraints (noise suppression and gain control on too)', r.removed.widget),
    row('an RTP remote track (a WebRTC peer connection), `echoCancellation: true`', r.removed.track),
    row(`the \`<audio>\` element, \`echoCancellation: "all"\` (applied as ${JSON.stringify(r.applied.all)})`, r.removed.all),
    '',
    '| the shopper (a voice played into the loopback from outside the browser) | level change, dB (min / median) |',
    '|---|---|',
    row('alone, the canceller on against off', r.shopperOn),
    row('while the agent talks (double talk) against alone, the canceller on', r.doubleTalk),
    '',
    'Not measured: a real room (reverberation, a speaker\'s distortion), other browsers and operating systems, mobile',
    'devices. What the figures decided: docs/decisions/0013-agent-audio-as-frames-not-rtp.md.',
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await measureAlone('echo-canceller.mjs', ECHO_HEADING, () => measureEchoCanceller(), renderEchoCanceller);
}
