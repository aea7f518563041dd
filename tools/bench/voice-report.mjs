// Renders the "Voice" section of docs/benchmarks.md from measureVoice()'s
// figures (voice.mjs). Pure: data in, Markdown out.
import { median, p95 } from './stats.mjs';
import { SETTINGS } from './voice-codec.mjs';
import { renderVoiceOrigins } from './voice-origins.mjs';

export const VOICE_HEADING = '## Voice';

const ms = (v, d = 1) => `${v.toFixed(d)} ms`;
const bytes = (n) => n.toLocaleString('en-GB');
const min = (a) => Math.min(...a);

// One row per encoder and complexity: min and median, and the WASM or
// opusscript figure over native's from the same runs.
function encodeTable(e) {
  const rows = [];
  for (const [c, r] of Object.entries(e.byComplexity)) {
    const row = (label, x) => (x.error
      ? `| ${c} | ${label} | not measured: ${x.error} | | | | |`
      : `| ${c} | ${label} | ${ms(min(x.cpuMsPerAudioS), 2)} | ${ms(median(x.cpuMsPerAudioS), 2)} | ` +
        `${(min(x.cpuMsPerAudioS) / min(r.native.cpuMsPerAudioS)).toFixed(2)}× | ` +
        `${(median(x.cpuMsPerAudioS) / median(r.native.cpuMsPerAudioS)).toFixed(2)}× | ${x.kbps.toFixed(1)} |`);
    rows.push(row(`native libopus ${e.opusVersion} (\`natter_opus_encode_cli\`, Release, -O2, no intrinsics)`, r.native),
      row('WASM (`natter.voice.wasm`, WASM SIMD, `VoiceEncoder.encode`) in Node 20', r.wasm),
      row('the same WASM in headless Chromium (page clock)', r.chromium),
      row('WASM without SIMD (`natter.voicescalar.wasm`, for engines without it) in Node 20', r.wasm_scalar),
      row('opusscript 0.1.1 (libopus 1.4, its own WASM build)', r.opusscript));
  }
  return ['| complexity | encoder | CPU per s of audio, min | median | vs native (mins) | vs native (medians) | kbit/s out |',
    '|---:|---|---:|---:|---:|---:|---:|', ...rows].join('\n');
}

export function renderVoiceSection({ encode: e, capture: c, call, origins, download: d }, { alone } = {}) {
  const how = alone
    ? `Measured by \`node tools/bench/voice.mjs\` alone on ${alone.date} (${alone.seconds.toFixed(0)} s), which rewrites only this
section; the machine and load are those of the header only if the whole bench ran then.`
    : 'Measured in the same run as the figures above.';
  return `${VOICE_HEADING}

${how}

### Opus encode speed

The same ${e.seconds} s of espeak-ng speech (${e.spokenSeconds.toFixed(1)} s of speech, looped), 48 kHz mono,
${SETTINGS.frame}-sample (20 ms) frames, ${SETTINGS.bitrate / 1000} kbit/s, complexity ${Object.keys(e.byComplexity).join(' and ')} (the call uses ${SETTINGS.complexity}),
in-band FEC on (${SETTINGS.lossPerc} % expected loss), VOIP application, voice signal, through each
encoder; ${e.runs} runs, each with a fresh encoder, the five encoders and the complexities interleaved
within each run. Baseline: native libopus in the same runs; the minimum is the
figure least disturbed by other work on the (shared) machine. Target: WASM
≤ 1.10× native at both complexities.

${encodeTable(e)}

CPU time of the encode loop alone: native, \`CLOCK_PROCESS_CPUTIME_ID\` around
the loop inside \`natter_opus_encode_cli --time 1\` (input read before, output
written after, so no start-up or I/O); WASM and opusscript, Node's
\`process.cpuUsage()\` (user + system of the whole process, so any GC
thread too) around the loop, including each API's copy in and out; in
Chromium (\`tools/bench/voice-codec-chromium.mjs\`), the page's
\`performance.now()\` around the same loop in a blank page (a page cannot
read its CPU clock: wall time of a busy loop on one thread, which on an idle
core is its CPU time). Chromium's V8 is where shoppers' calls encode, and
much newer than Node 20's.
The WASM packets were ${e.wasmSameAsNative ? 'byte for byte the same as' : '**not** the same as'} the native ones
(\`tests/node/voice_codec_bytes.test.mjs\` asserts this on a chirp). opusscript
is a different libopus version, so its packets (and bit rate) differ.

### Captured frame → packet ready

One \`CaptureStream\` (device rate 48 kHz, so no resampling) fed the same
speech 20 ms at a time in Node: write the frame into its input, \`push()\`, copy
the packet out, as \`shim/voice/voice-worker.js\` does before posting it.
Wall time per frame (\`process.hrtime\`), over ${c.perFrameMs.length} frames that produced a packet
(${c.withoutPacket} of ${c.frames} produced none).

| measure | median | p95 | max |
|---|---:|---:|---:|
| \`push\` of one 20 ms frame → packet copied out | ${ms(median(c.perFrameMs), 3)} | ${ms(p95(c.perFrameMs), 3)} | ${ms(Math.max(...c.perFrameMs), 3)} |

${call.uplinkMs ? `In Chromium, during the ${call.seconds} s call below (\`natter('debug').voice_uplink_ms\`): from
an audio chunk reaching the voice worker (from the capture worklet) to its
encoded packets going to \`WebSocket.send\` on the page: encode, the worker →
page message, and the page's queue, over the last ${call.uplinkMs.count} chunks that completed a
packet: median ${ms(call.uplinkMs.median, 2)}, p95 ${ms(call.uplinkMs.p95, 2)}. The worklet → worker hop
(one MessagePort message per 128-sample quantum) is not in it: an
AudioWorklet has no clock shared with the page.` : 'Not measured in Chromium in this run.'}

### Main-thread long tasks during a call

One ${call.seconds} s voice call in headless Chromium (a single measurement):
\`/demo/live.html\` with the session up, Chromium's fake microphone looping
espeak-ng speech, "Start a voice call" clicked, then ${call.seconds} s from the
click (voice bar states seen, first time each: ${[...new Set(call.states)].map((s) => `\`${s}\``).join(', ')};
the agent spoke ${call.states.filter((s) => s === 'agent_speaking').length} time(s)). Target: none.

| long tasks (≥ 50 ms) from the click | count | total | longest |
|---|---:|---:|---:|
| voice call, ${call.seconds} s | ${call.longTaskCount} | ${ms(call.longTaskMs)} | ${ms(call.longestMs)} |

\`longtask\` entries (PerformanceObserver installed before any page script)${call.longTaskCount
  ? `, starting ${call.longTaskStartsMs.map((t) => ms(t, 0)).join(', ')} after the click` : ''}.
The widget's own scripts (\`natter.*\`) inside long animation frames in the
window: ${ms(call.widgetLoafMs)}. The window length is \`NATTER_BENCH_CALL_SECONDS\` (default 60).
${call.audioContext ? `
What a call's start would cost: Chromium starts its audio service inside
a page's first \`new AudioContext()\`, on the main thread. In a blank page of
a fresh browser launched the same way, in the same run: first
\`new AudioContext()\` ${ms(call.audioContext.firstMs)}, a second one ${ms(call.audioContext.secondMs)}. The voice runtime
therefore creates its AudioContext only once \`getUserMedia\` has granted the
microphone: capture has started the audio service by then (off the main
thread). In another fresh browser in this run, the first
\`new AudioContext()\` after \`getUserMedia\` granted the fake microphone took
${call.audioContext.afterMicMs === undefined ? 'not measured' : ms(call.audioContext.afterMicMs)}.
` : ''}
${origins ? `
### Embedded from another origin

A page may not start a Worker from another origin, so a widget embedded
from elsewhere runs its voice worker inside the voice frame (an iframe from
the widget's origin, \`natter.voiceframe.<hash>.html\`); the page's worklets
and main thread then talk to it across processes (\`tools/bench/voice-origins.mjs\`:
the shop page on \`http://localhost:P\`, the widget on \`http://127.0.0.1:Q\`,
another site, so another renderer process). Baseline: the same-origin embed in
the same run.

${renderVoiceOrigins(origins)}
` : ''}
${renderVoiceDownload(d)}`;
}

export const VOICE_DOWNLOAD_HEADING = '### Voice download';

// The "Voice download" subsection alone (sizes.mjs rewrites it with the sizes).
export function renderVoiceDownload(d) {
  const files = d.files.map((f) => `\`${f.file}\` ${bytes(f.gzip)}`).join(', ');
  return `${VOICE_DOWNLOAD_HEADING}

What the first voice call downloads on top of the chat widget, from the
production build's \`manifest.json\` (each file is also in "Shipped bytes"): ${files};
**${bytes(d.gzip)} bytes gzipped** (as served), ${bytes(d.raw)} bytes raw.
`;
}
