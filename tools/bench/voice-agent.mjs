// The voice agent's answer time: from the end of the shopper's
// speech to the agent's first audio, split into its three steps as the
// gateway runs them one after another (tools/gateway/voice/voice-agent.mjs,
// voice-gateway.mjs): recognition (sox + pocketsphinx with the catalogue's
// grammar), agent (the scripted text agent through agent-runs.mjs, unpaced:
// the voice agent waits for the whole answer), synthesis (espeak-ng + sox + Opus
// encode of the whole utterance, which must exist before its first frame is
// sent). Over the 10 shop questions of tests/server/voice-questions.mjs, spoken
// by espeak-ng's en-gb voice; also the word error rate on that set.
// Baseline of the same run: each question's own duration (real-time factor).
// Wired into run.mjs; also runs alone and then rewrites only its section of
// docs/benchmarks.md:
//   node tools/bench/voice-agent.mjs
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPocketsphinxStt } from '../gateway/voice/stt-pocketsphinx.mjs';
import { spokenForm } from '../gateway/voice/shop-grammar.mjs';
import { createVoiceAgent } from '../gateway/voice/voice-agent.mjs';
import { speak } from '../gateway/voice/agent-voice.mjs';
import { encodePcm } from '../gateway/voice/opus-frames.mjs';
import { createVoiceModuleLoader } from '../gateway/voice/voice-module.mjs';
import { createAgentRuns } from '../gateway/runs/agent-runs.mjs';
import { MemoryStore } from '../gateway/store/memory-store.mjs';
import { RequestStats } from '../gateway/ops/request-stats.mjs';
import { loadCatalogue } from '../gateway/agents/shop-catalogue.mjs';
import { DEMO_CATALOGUE } from '../gateway/agents/config.mjs';
import { QUESTIONS, wordErrors } from '../../tests/server/voice-questions.mjs';
import { median, p95 } from './stats.mjs';
import { writeSection } from './doc-section.mjs';

export const VOICE_AGENT_HEADING = '## Voice agent';
const NPM_START_TOKEN_DELAY_MS = 20;

function shopperSpeech(text) {
  const wav = execFileSync('espeak-ng', ['-v', 'en-gb', '-s', '150', '--stdout', text]);
  const raw = execFileSync('sox', ['-D', '-t', 'wav', '-', '-t', 'raw', '-r', '48000', '-e', 'signed', '-b', '16',
    '-c', '1', '-L', '-'], { input: wav });
  return new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
}

const ms = (from) => Number(process.hrtime.bigint() - from) / 1e6;

export async function measureVoiceAgent({ log = console.log } = {}) {
  const V = await createVoiceModuleLoader()();
  const stt = createPocketsphinxStt({ products: loadCatalogue(DEMO_CATALOGUE) });
  let heard = '';
  let recognitionMs = 0;
  const timedStt = {
    async transcribe(pcm) {
      const t = process.hrtime.bigint();
      heard = await stt.transcribe(pcm);
      recognitionMs = ms(t);
      return heard;
    },
  };
  const store = new MemoryStore();
  const agentRuns = createAgentRuns({
    store, stats: new RequestStats(), tokenDelayMs: NPM_START_TOKEN_DELAY_MS,
  });
  const answer = createVoiceAgent({ stt: timedStt, agentRuns, store });
  const rows = [];
  let errors = 0;
  let words = 0;
  for (const [i, [question]] of QUESTIONS.entries()) {
    const pcm = shopperSpeech(question);
    const t = process.hrtime.bigint();
    const text = await answer({ sessionId: 'bench', callId: 'bench', utterance: i + 1, pcm });
    const answerMs = ms(t);
    const t2 = process.hrtime.bigint();
    encodePcm(V, await speak(text));
    const synthesisMs = ms(t2);
    const reference = spokenForm(question);
    errors += wordErrors(reference, spokenForm(heard));
    words += reference.split(' ').length;
    rows.push({ speechMs: (pcm.length / 48000) * 1000, recognitionMs, agentMs: answerMs - recognitionMs, synthesisMs });
    log(`[bench] voice agent: ${JSON.stringify(question)} heard ${JSON.stringify(heard)}`);
  }
  return { rows, errors, words };
}

export function renderVoiceAgentSection({ rows, errors, words }, { alone } = {}) {
  const pick = (key) => rows.map((r) => r[key]);
  const total = rows.map((r) => r.recognitionMs + r.agentMs + r.synthesisMs);
  const rtf = rows.map((r) => r.recognitionMs / r.speechMs);
  const load = os.loadavg()[0].toFixed(2);
  const line = (name, samples) => `| ${name} | ${median(samples).toFixed(0)} ms | ${p95(samples).toFixed(0)} ms |`;
  return `${VOICE_AGENT_HEADING}

${alone ? `Measured by \`node tools/bench/voice-agent.mjs\` alone on ${alone.date} (${alone.seconds.toFixed(0)} s), which rewrites only this
section.` : 'Measured in this run.'}

From the end of the shopper's speech to the agent's first audio, over the ${rows.length} spoken shop
questions of \`tests/server/voice-questions.mjs\` (espeak-ng en-gb, 150 words/min), one sample each; the
gateway runs the three steps one after another, after the segmenter's 600 ms of quiet that ends the
speech (not counted here). Agent: the scripted agent through \`agent-runs.mjs\` (the voice agent
reads the whole answer at once, without the ${NPM_START_TOKEN_DELAY_MS} ms per token that paces it in chat). Synthesis: espeak-ng + sox + Opus
encode of the whole answer.

| step | p50 | p95 |
|---|---:|---:|
${line('recognition (sox + pocketsphinx)', pick('recognitionMs'))}
${line('agent', pick('agentMs'))}
${line('synthesis', pick('synthesisMs'))}
${line('end of speech → first agent audio', total)}

Recognition against the question's own duration (same run): median ${median(rtf).toFixed(2)}× real time
(p95 ${p95(rtf).toFixed(2)}×). Word error rate on the set: ${errors}/${words} = ${(errors / words).toFixed(3)}.
Load average ${load} at the end (other work on the machine stretches these times).
`;
}

async function main() {
  const began = Date.now();
  const figures = await measureVoiceAgent();
  const section = renderVoiceAgentSection(figures, { alone: { date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), seconds: (Date.now() - began) / 1000 } });
  writeSection(VOICE_AGENT_HEADING, section);
  console.log(section);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => { console.error(`[bench] failed: ${err.stack ?? err}`); process.exit(1); });
}
