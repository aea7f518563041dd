// The browser side of a call's audio: AudioContext, the two worklets, the
// voice worker, getUserMedia. Created on the first microphone_requested, so
// none of the voice files (worker + Opus WASM, worklets) is downloaded until
// the shopper first asks for voice. Decides nothing: the core says when to
// ask for the mic, play, flush or send (voice-effects.js). What the browser
// refuses (CSP, CORS, no AudioWorklet, an insecure page) resolves
// requestMic to 'blocked' with one console line naming the fix.
//
// Echo: Chrome's echo canceller only hears audio played by media elements,
// not Web Audio's destination. So the agent's audio goes
//   playback worklet -> MediaStreamAudioDestinationNode -> <audio> element
// and never to ctx.destination; the core also gates the VAD while the agent
// is audible (VoiceEchoGuard).
//
// `on`: {packets(list), speaking(bool), level(x), drained(), micLost(), failed(message)}.

import { openVoiceLink, voiceBlocked } from './voice-link.js';
import { voiceCodecBuild, CODEC_FILE } from './codec-build.js';
import { VOICE_FILES } from './voice-files.js';

// What voice needs before anything is asked: a secure context (no
// getUserMedia without it) and AudioWorklet. A reason naming the fix, or ''.
function missingBasics(win) {
  if (!win.isSecureContext) return 'voice needs a secure context: serve the shop page over HTTPS';
  if (!win.navigator.mediaDevices?.getUserMedia) return 'this browser offers no getUserMedia';
  if (!win.AudioWorkletNode) return 'this browser has no AudioWorklet: voice needs a current browser';
  return '';
}

const MIC_CONSTRAINTS = { audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } };
const BITRATE = 24000;

export function createVoiceRuntime({ manifest, base, root, doc, win, on, log }) {
  // The chunk's own entries (voice-files.js), else the release manifest's.
  const entry = (key) => VOICE_FILES[key] ?? manifest.files[key];
  const url = (key) => new URL(entry(key).path, base).href;
  let ctx = null, worker = null, playbackNode = null, captureNode = null, audioEl = null;
  let ready = null;          // Promise of the graph (worklets + worker), once
  let stream = null, source = null;
  let pending = null;        // a granted stream whose audio graph is still starting
  let playConn = 0;
  let codecBuild = null;     // 'simd' | 'scalar' once the worker started (codec-build.js)

  // Returns the worklets' ports and `loaded`, which settles once the worker's
  // codec is ready (or failed): the call only starts then, so the greeting
  // never arrives before its decoder exists.
  // Per-frame latencies, the last LATENCY_KEEP of each, for natter('debug'):
  //   voice_uplink_ms: a captured chunk reaching the worker -> its encoded
  //     packets handed to the socket (encode + worker -> page + the page's queue);
  //   voice_downlink_ms: an agent packet handed over by the page -> the
  //     worker inserting it into the jitter buffer (the page -> worker hop;
  //     across origins, a hop between processes).
  // Clocks: timeOrigin + now, shared by page, frame and worker.
  const LATENCY_KEEP = 500;
  const latency = () => {
    const kept = [];
    return {
      note(ms) {
        kept.push(ms);
        if (kept.length > LATENCY_KEEP) kept.shift();
      },
      summary() {
        if (!kept.length) return null;
        const sorted = kept.slice().sort((a, b) => a - b);
        const at = (q) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 100) / 100;
        return { count: sorted.length, median: at(0.5), p95: at(0.95) };
      },
    };
  };
  const uplink = latency();
  const downlink = latency();
  const now = () => win.performance.timeOrigin + win.performance.now();

  // Starts the worker (voice-link.js: directly, or inside the voice frame
  // when the widget comes from another origin) and its codec download at
  // once; open(rate) gives it the worklets' ports once the AudioContext
  // exists. `loaded` settles when the codec's streams are ready (or
  // failed): the call only starts then, so the greeting never arrives
  // before its decoder exists.
  function startWorker() {
    // Until the codec is loaded a failure rejects `loaded` (requestMic
    // reports it once); after that it is a failure of the running call.
    let pending = null;
    const loaded = new Promise((resolve, reject) => { pending = { resolve, reject }; });
    loaded.catch(() => {}); // awaited by buildGraph; never "unhandled" meanwhile
    const fail = (err) => {
      if (pending) pending.reject(typeof err === 'string' ? new Error(err) : err);
      else on.failed(String(err.message || err));
      pending = null;
    };
    const link = openVoiceLink({
      win, doc, root, workerUrl: url('voice_js'), frameUrl: url('voice_frame_html'), onFailed: fail,
    });
    worker = link.port;
    worker.onmessage = (e) => {
      const d = e.data;
      if (d.ready) {
        pending?.resolve();
        pending = null;
      } else if (d.failed) fail(d.failed);
      else if (d.packets) {
        on.packets(d.packets); // handed to the socket synchronously (voice-effects.js)
        if (d.at) uplink.note(now() - d.at);
      }
      else if ('speaking' in d) on.speaking(d.speaking);
      else if ('level' in d) {
        on.level(d.level);
        for (const ms of d.downlink || []) downlink.note(ms);
      }
      else if (d.drained) on.drained();
    };
    codecBuild = voiceCodecBuild(win);
    const key = CODEC_FILE[codecBuild];
    worker.postMessage({ load: { wasmUrl: url(key), integrity: entry(key).integrity } });
    function open(rate) {
      const capture = new win.MessageChannel();
      const playback = new win.MessageChannel();
      worker.postMessage({ init: { rate, bitrate: BITRATE }, capture: capture.port2, playback: playback.port2 },
        [capture.port2, playback.port2]);
      return { capture: capture.port1, playback: playback.port1 };
    }
    return { open, loaded, close: link.close };
  }

  let codec = null; // startWorker(), once
  async function buildGraph() {
    ctx = new win.AudioContext({ latencyHint: 'interactive' });
    if (!ctx.audioWorklet) throw voiceBlocked('this browser has no AudioWorklet: voice needs a current browser');
    const ports = codec.open(ctx.sampleRate);
    await addWorklet(ctx, url('worklet_capture'));
    await addWorklet(ctx, url('worklet_playback'));
    const sink = ctx.createMediaStreamDestination();
    playbackNode = new win.AudioWorkletNode(ctx, 'natter-playback', { numberOfInputs: 0, outputChannelCount: [1] });
    playbackNode.port.postMessage({ port: ports.playback }, [ports.playback]);
    playbackNode.connect(sink);
    captureNode = new win.AudioWorkletNode(ctx, 'natter-capture', { numberOfInputs: 1, outputChannelCount: [1] });
    captureNode.port.postMessage({ port: ports.capture }, [ports.capture]);
    captureNode.connect(sink); // writes silence; keeps the node pulled
    audioEl = doc.createElement('audio');
    audioEl.setAttribute('part', 'voice-audio');
    audioEl.hidden = true;
    audioEl.autoplay = true;
    audioEl.srcObject = sink.stream;
    root.appendChild(audioEl);
    await audioEl.play().catch((err) => log('warn', `agent audio could not start yet: ${err.message}`));
    await ctx.resume();
    await codec.loaded; // the codec: a call that starts now never outruns its decoder
  }

  // Resolves 'granted' | 'denied' | 'missing' | 'blocked'. The codec downloads while the
  // shopper answers the prompt; the AudioContext is made only once the
  // microphone is granted: Chromium starts its audio service inside that
  // constructor, on the main thread (~60 ms, the one long task of a call),
  // unless capture has started it already (~5 ms then). A denied call never
  // builds the audio graph at all.
  // `permitted()` is called once the shopper allowed the microphone, before
  // the audio graph starts: the core bounds that start (an AudioContext that
  // never resumes) and may release the mic meanwhile, which ends the tracks
  // of the pending stream; this then answers 'lost', which the core ignores
  // for a call that is no longer waiting.
  async function requestMic({ permitted = () => {} } = {}) {
    const unsupported = missingBasics(win);
    if (unsupported) return refused(voiceBlocked(unsupported)); // no prompt for a call that cannot work
    codec = codec || startWorker();
    let mic;
    try {
      mic = await win.navigator.mediaDevices.getUserMedia(MIC_CONSTRAINTS);
    } catch (err) {
      const name = err && err.name;
      log('info', `microphone: ${name || 'error'} ${err && err.message || ''}`.trim());
      return name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'missing';
    }
    pending = mic;
    permitted();
    ready = ready || buildGraph();
    try {
      await ready;
    } catch (err) {
      mic.getTracks().forEach((t) => t.stop());
      if (pending === mic) pending = null;
      return refused(err);
    }
    if (pending !== mic) return 'lost'; // released while the audio started
    pending = null;
    releaseMic();
    stream = mic;
    source = ctx.createMediaStreamSource(stream);
    source.connect(captureNode);
    for (const track of stream.getTracks()) track.addEventListener('ended', () => { if (stream) on.micLost(); });
    return 'granted';
  }

  // The browser refused something voice needs: the console names the fix
  // (once per fix), the core shows the shopper its 'voice_blocked' notice.
  // The graph is dropped so the next Start tries again from scratch.
  const told = new Set();
  function refused(err) {
    const text = `voice is unavailable on this page: ${err.message || err}`;
    if (!told.has(text)) {
      told.add(text);
      log('error', text);
    }
    teardown();
    return 'blocked';
  }

  function teardown() {
    codec?.close();
    codec = null;
    worker = null;
    ready = null;
    playbackNode = captureNode = null;
    audioEl?.remove();
    audioEl = null;
    ctx?.close().catch(() => {});
    ctx = null;
  }

  // addModule, with a failure that says why: this page's CSP (script-src
  // governs worklets) or the widget's origin not answering in CORS mode.
  async function addWorklet(audio, file) {
    const origin = new URL(file).origin;
    let directive = '';
    const onViolation = (e) => { if (String(e.blockedURI).startsWith(origin)) directive = e.effectiveDirective; };
    doc.addEventListener('securitypolicyviolation', onViolation, true);
    try {
      await audio.audioWorklet.addModule(file);
    } catch (err) {
      await new Promise((r) => win.setTimeout(r, 0)); // lets a violation report queued with the failure arrive first
      if (directive) throw voiceBlocked(`this page's ${directive} directive blocks the audio worklet ${file}: add ${origin} to script-src`);
      if (origin === win.location.origin) throw voiceBlocked(`the audio worklet ${file} could not be loaded (${err.message})`);
      throw voiceBlocked(`the audio worklet ${file} could not be loaded (${err.message}): worklets are fetched in CORS mode, `
        + `so ${origin} must serve it with Access-Control-Allow-Origin: * (docs/deploying.md)`);
    } finally {
      doc.removeEventListener('securitypolicyviolation', onViolation, true);
    }
  }

  // Every track stopped at once: the browser's recording indicator goes off.
  function releaseMic() {
    if (pending) {
      for (const track of pending.getTracks()) track.stop();
      pending = null;
    }
    if (!stream) return;
    const s = stream;
    stream = null;
    source?.disconnect();
    source = null;
    for (const track of s.getTracks()) track.stop();
  }

  function setPlayback(playing, connId) {
    playConn = playing ? connId : 0;
    worker?.postMessage({ playing });
    if (!playing) playbackNode?.port.postMessage({ flush: true });
  }

  // A binary frame from socket connId: an agent voice packet.
  function agentPacket(connId, buffer) {
    if (!worker || connId !== playConn) return;
    worker.postMessage({ agent: buffer, at: now() }, [buffer]);
  }

  return {
    requestMic,
    releaseMic,
    setPlayback,
    agentPacket,
    setEchoGuard: (on) => worker?.postMessage({ echoGuard: on }),
    setEncoder: (setting) => worker?.postMessage({ encoder: setting }), // voice-worker.js applies it
    // Mobile Safari suspends the context when hidden; resume on a gesture.
    resume: () => { if (ctx && ctx.state !== 'running') ctx.resume().catch(() => {}); },
    micTracks: () => (stream ? stream.getTracks() : []),
    uplinkMs: uplink.summary,
    downlinkMs: downlink.summary,
    codecBuild: () => codecBuild,
  };
}
