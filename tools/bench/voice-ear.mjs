// "Voice answer at the ear": from the end of the shopper's speech
// (the last voiced sample entering the widget's capture worklet) to the first
// sample of the agent's answer leaving its playback worklet, over the ten
// spoken shop questions of tests/server/voice-questions.mjs (espeak-ng en-gb,
// played into the widget as its microphone: ear-page.mjs), in headless
// Chromium against the reference gateway with pocketsphinx and the scripted
// text agent. Cases: WebSocket and WebRTC (direct, the data channel) ×
// the scripted agent, one whose first token comes after 300 ms and one that
// then streams a word every 30 ms × each
// turn-taking setting of the gateway (tools/gateway/voice/turn-taking.mjs: `fixed` is the old
// 600 ms of quiet and the whole answer at once; `adaptive` the new one).
// Every case is one call per run that asks the ten questions, waiting for
// each answer to end; the cases are interleaved within each run.
//
// Each turn's steps, on the bench's clock (the page's mapped to it):
//   uplink        mouth end -> the gateway decoded the last loud frame
//   end of turn   -> the gateway decided the turn ended
//   recognition   -> the words known (0 when recognised before the end)
//   agent         -> the text to say (the first sentence) handed on
//   synthesis     -> its first frame sent
//   transport     -> that frame handed to the page's voice worker
//   jitter buffer -> its first sample left the playback worklet (decoding too)
// The total is taken on the widget's AudioContext clock alone (both taps in
// the same context), so it needs no mapping; the steps are within a few ms.
//
//   node tools/bench/voice-ear.mjs   (NATTER_BENCH_EAR_RUNS=2 runs;
//   NATTER_BENCH_EAR_CASES=websocket/scripted/fixed,… to look into some: the
//   table is printed, docs/benchmarks.md is left as it is)
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, startReferenceServer } from '../../tests/browser/harness.mjs';
import { openConnected } from '../../tests/browser/session-helpers.mjs';
import { voiceUi } from '../../tests/browser/voice-audio.mjs';
import { QUESTIONS } from '../../tests/server/voice-questions.mjs';
import { UNPACED_UPLINK } from '../../tests/server/voice-helpers.mjs';
import { createPocketsphinxStt } from '../gateway/voice/stt-pocketsphinx.mjs';
import { loadCatalogue } from '../gateway/agents/shop-catalogue.mjs';
import { DEMO_CATALOGUE } from '../gateway/agents/config.mjs';
import { createScriptedAgent } from '../gateway/agents/index.mjs';
import { frameDbfs, DEFAULT_SEGMENTER } from '../gateway/voice/speech-segmenter.mjs';
import { buildProduction } from './sizes.mjs';
import { measureAlone } from './doc-section.mjs';
import { installEarTaps, takeEarEvents } from './ear-page.mjs';
import { pageClockOffset } from './rung-page.mjs';
import { percentile } from './stats.mjs';

export const VOICE_EAR_HEADING = '## Voice answer at the ear';
export const TURN_SETTINGS = ['fixed', 'adaptive'];
const now = () => performance.timeOrigin + performance.now();
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
const STEPS = ['uplink', 'endOfTurn', 'recognition', 'agent', 'synthesis', 'transport', 'jitterBuffer'];

// The question as the shopper says it: espeak-ng en-gb at 150 words/min,
// 48 kHz floats, peak at -3 dBFS.
function questionSamples(text) {
  const wav = execFileSync('espeak-ng', ['-v', 'en-gb', '-s', '150', '--stdout', text]);
  const raw = execFileSync('sox', ['-D', '-t', 'wav', '-', '-t', 'raw', '-r', '48000', '-e', 'floating-point', '-b', '32',
    '-c', '1', '-L', '-', 'norm', '-3'], { input: wav });
  return Array.from(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length)));
}

// An agent whose first token comes `ms` after the turn reaches it (a hosted
// model's time to first token), the scripted agent's reply after.
function slowAgent(ms) {
  const base = createScriptedAgent();
  return { ...base, name: `scripted+${ms}ms`, async* reply(turn, options) { await pause(ms); yield* base.reply(turn, options); } };
}

// A hosted model as it streams: its first token `firstMs` after the turn,
// then a word every `perWordMs` (about 33 tokens a second), so the voice
// gateway can speak the first sentence before the answer is written.
function streamingAgent(firstMs, perWordMs) {
  const base = createScriptedAgent();
  return {
    ...base, name: `streaming+${firstMs}ms`,
    async* reply(turn, options) {
      await pause(firstMs);
      for await (const event of base.reply(turn, options)) {
        if (event.event !== 'delta') { yield event; continue; }
        for (const word of event.data.text.match(/\S*\s*/g).filter(Boolean)) {
          yield { event: 'delta', data: { text: word } };
          await pause(perWordMs);
        }
      }
    },
  };
}

const AGENTS = {
  scripted: () => createScriptedAgent(),
  agent300: () => slowAgent(300),
  stream300: () => streamingAgent(300, 30),
};

// The gateway's side: its turn steps and its last loud frame decoded, on the bench's clock.
function gatewayTaps() {
  const log = [];
  return {
    log,
    tap: {
      sent({ index }) { if (index === 0) log.push({ step: 'sent', at: now() }); },
      heard({ pcm }) { if (frameDbfs(pcm) >= DEFAULT_SEGMENTER.thresholdDbfs) log.push({ step: 'loud', at: now() }); },
      turn({ step }) { log.push({ step, at: now() }); },
    },
  };
}

async function startCase(c, distDir) {
  const taps = gatewayTaps();
  const controls = await startReferenceServer({
    distDir, tokenDelayMs: 20, // as npm start paces a typed reply
    stt: createPocketsphinxStt({ products: loadCatalogue(DEMO_CATALOGUE), wholeDictionary: c.wholeDictionary, resident: !c.perUtterance }),
    agent: AGENTS[c.agent](),
    voiceLines: { greeting: 'Hello.', replies: ['Okay.'] },
    voiceTurns: c.turns,
    voiceAnswer: c.answer,
    rtc: { enabled: c.transport === 'webrtc' },
    voiceTap: taps.tap,
    // This process runs the gateway and drives the browser: a stall here
    // delivers the shopper's frames in a burst, which is not a flood.
    bounds: UNPACED_UPLINK,
  });
  return { ...c, controls, taps };
}

// One call asking every question; the figures of each turn.
async function oneCall(context, k, questions, log) {
  const stack = { context, server: k.controls.server };
  const s = await openConnected(stack, { onPage: installEarTaps });
  const turns = [];
  try {
    const ui = voiceUi(s);
    await ui.start.click();
    if (k.transport === 'webrtc') await ui.waitForRung('webrtc_direct', 20_000);
    await ui.waitFor('listening', 20_000);
    const route = await s.page.evaluate(() => window.natter('debug').voice_route?.via ?? 'websocket');
    if (route !== (k.transport === 'webrtc' ? 'rtc' : 'websocket')) throw new Error(`${k.name}: the call rides ${route}`);
    const clock = await pageClockOffset(s.page);
    const toBench = (pageMs) => pageMs - clock.offset;
    await pause(500);
    for (const [i, q] of questions.entries()) {
      await takeEarEvents(s.page);
      k.taps.log.length = 0;
      await s.page.evaluate((samples) => window.__ear.speak(samples), q.samples);
      const deadline = Date.now() + 20_000;
      let ev = [];
      while (Date.now() < deadline) {
        ev.push(...await takeEarEvents(s.page));
        if (ev.some((e) => e.tap === 'down')) break;
        await pause(50);
      }
      await ui.waitFor('listening', 30_000).catch(() => {});
      await pause(400);
      ev.push(...await takeEarEvents(s.page));
      const up = ev.find((e) => e.tap === 'up');
      const down = ev.find((e) => e.tap === 'down');
      const packet = ev.find((e) => e.tap === 'packet');
      const g = (step) => k.taps.log.find((e) => e.step === step)?.at;
      const ended = g('ended');
      const loud = k.taps.log.filter((e) => e.step === 'loud' && (!ended || e.at <= ended)).at(-1)?.at;
      if (!up || !down || !up.same || !down.same) {
        log(`[bench] ear ${k.name} q${i + 1}: no measurement (up ${!!up}, down ${!!down}, same context ${up?.same}/${down?.same}); `
          + `the gateway said: ${k.controls.serverLog.slice(-3).join(' | ')}`);
        turns.push({ question: i + 1, missed: true });
        continue;
      }
      const mouthEnd = toBench(up.received) - 250; // the tap reports 250 ms of quiet after the last voiced sample
      const recognized = g('recognized') ?? ended;
      const points = [mouthEnd, loud, ended, Math.max(ended, recognized), g('answered'), g('sent'),
        packet ? toBench(packet.received) : undefined, toBench(down.received)];
      const steps = {};
      STEPS.forEach((name, j) => {
        const a = points[j], b = points[j + 1];
        steps[name] = a === undefined || b === undefined ? NaN : b - a;
      });
      const total = down.ctxMs - up.ctxMs;
      turns.push({ question: i + 1, total, steps });
      log(`[bench] ear ${k.name} q${i + 1}: ${total.toFixed(0)} ms (${STEPS.map((n) => `${n} ${steps[n].toFixed(0)}`).join(', ')})`);
    }
    await ui.end.click().catch(() => {});
    return turns;
  } finally {
    await s.page.close();
  }
}

export function caseList() {
  const all = [];
  for (const turns of TURN_SETTINGS) {
    for (const transport of ['websocket', 'webrtc']) {
      for (const agent of Object.keys(AGENTS)) all.push({ name: `${transport}/${agent}/${turns}`, transport, agent, turns });
    }
  }
  // The streamed answer's own share: adaptive turns, the answer spoken only
  // once the whole of it is written (the baseline beside stream300/adaptive).
  for (const transport of ['websocket', 'webrtc']) {
    all.push({ name: `${transport}/stream300/adaptive+whole`, transport, agent: 'stream300', turns: 'adaptive', answer: 'whole' });
  }
  // The recogniser's share (stt-pocketsphinx.mjs): the same turns with
  // pocketsphinx started for each utterance (loading its model each time)
  // instead of the resident decoder, and that with the whole dictionary read
  // for each utterance instead of the grammar's words.
  const scripted = { transport: 'websocket', agent: 'scripted', turns: 'adaptive', perUtterance: true };
  all.push({ name: 'websocket/scripted/adaptive+perutterance', ...scripted });
  all.push({ name: 'websocket/scripted/adaptive+wholedict', ...scripted, wholeDictionary: true });
  const only = process.env.NATTER_BENCH_EAR_CASES?.split(',');
  return only ? all.filter((c) => only.includes(c.name)) : all;
}

export async function measureVoiceEar({ runs = 2, log = console.log } = {}) {
  const distDir = await buildProduction();
  const questions = QUESTIONS.map(([text]) => ({ text, samples: questionSamples(text) }));
  const cases = [];
  for (const c of caseList()) cases.push(await startCase(c, distDir));
  const browser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    '--autoplay-policy=no-user-gesture-required']);
  browser.context.setDefaultTimeout(20_000);
  const results = Object.fromEntries(cases.map((k) => [k.name, []]));
  try {
    for (let r = 0; r < runs; r++) {
      for (const k of cases) results[k.name].push(...await oneCall(browser.context, k, questions, log));
    }
  } finally {
    await browser.close();
    for (const k of cases) await k.controls.server.close();
  }
  return {
    runs, questions: questions.length, chromium: browser.context.browser()?.version() ?? '',
    cases: cases.map(({ name, transport, agent, turns, answer }) => ({ name, transport, agent, turns, answer, turnsMeasured: results[name] })),
  };
}

const f0 = (v) => (Number.isFinite(v) ? v.toFixed(0) : '—');
const minOf = (a) => (a.length ? Math.min(...a) : NaN);

// min / p50 / p95 of a case's totals and the median of each step.
export function summarise(c) {
  const ok = c.turnsMeasured.filter((t) => !t.missed);
  const totals = ok.map((t) => t.total);
  const step = (n) => percentile(ok.map((t) => t.steps[n]).filter(Number.isFinite), 50);
  return {
    name: c.name, measured: ok.length, asked: c.turnsMeasured.length,
    min: minOf(totals), p50: percentile(totals, 50), p95: percentile(totals, 95),
    steps: Object.fromEntries(STEPS.map((n) => [n, step(n)])),
  };
}

export function renderVoiceEarSection(r) {
  const rows = r.cases.map(summarise).map((s) => `| ${s.name} | ${s.measured}/${s.asked} | ${f0(s.min)} | ${f0(s.p50)} | ${f0(s.p95)} | `
    + `${STEPS.map((n) => f0(s.steps[n])).join(' | ')} |`);
  return `${VOICE_EAR_HEADING}

From the end of the shopper's speech (the last sample above 0.01 entering
the widget's capture worklet) to the first sample of the agent's answer
leaving its playback worklet (\`tools/bench/voice-ear.mjs\`), in headless
Chromium ${r.chromium} against the reference gateway (pocketsphinx with the
catalogue's grammar, espeak-ng, the scripted text agent paced at 20 ms a
token as \`npm start\` does (\`scripted\`), the same agent with its first
token 300 ms late and the rest at once (\`agent300\`), or 300 ms late and
then a word every 30 ms as a hosted model streams (\`stream300\`)), over the ${r.questions} spoken shop questions of
\`tests/server/voice-questions.mjs\` (espeak-ng en-gb, 150 words/min, played
into the widget as its microphone). ${r.runs} runs; in each, every case is one
call asking every question in turn (waiting for each answer to end), the
cases interleaved. Case names: transport / agent / the gateway's
turn-taking (\`fixed\`: the old 600 ms of quiet, recognition after it and
the whole answer synthesised at once; \`adaptive\`: tools/gateway/voice/README.md,
"Voice turns", the answer spoken sentence by sentence as the agent writes it;
\`adaptive+whole\`: adaptive turns, the answer spoken once all of it is written;
\`adaptive+perutterance\`: adaptive turns, pocketsphinx started for each utterance instead of the resident decoder;
\`adaptive+wholedict\`: that, reading the whole dictionary instead of the grammar's words). Total: on the widget's AudioContext clock (both taps in
it). Steps (medians, so they need not add up to the total's median): the
uplink to the gateway decoding the last loud frame, the end-of-turn
decision, recognition left after it, the agent to the first text to say,
synthesis to the first frame sent, transport to the page's voice worker,
then the jitter buffer, decoding and the playback worklet.

| case | turns | min ms | p50 ms | p95 ms | uplink | end of turn | recognition | agent | synthesis | transport | jitter buffer |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.env.NATTER_BENCH_EAR_RUNS ?? 2);
  // Some cases only (NATTER_BENCH_EAR_CASES): printed, the section keeps all of them.
  const measured = process.env.NATTER_BENCH_EAR_CASES
    ? measureVoiceEar({ runs }).then((r) => console.log(renderVoiceEarSection(r)))
    : measureAlone('voice-ear.mjs', VOICE_EAR_HEADING, () => measureVoiceEar({ runs }), renderVoiceEarSection);
  measured.catch((err) => { console.error(`[bench] failed: ${err.stack ?? err}`); process.exit(1); });
}
