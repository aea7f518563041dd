// The voice worker: the audio path off the page's main thread. Bundled with
// the natter.voice Emscripten glue into natter.voice.<hash>.js
// (tools/bundle/build.mjs) and started by voice-runtime.js on the first call.
//
//   capture worklet --Float32Array--> CaptureStream (resample, 20 ms frames,
//     VAD, Opus) --packets--> main thread --> WebSocket (binary)
//   WebSocket --packets--> main thread --> PlaybackStream (jitter buffer,
//     Opus + FEC/PLC, resample) <--pull-- playback worklet
//
// The page is either this worker's creator (same origin: `self`) or, when
// the widget is embedded from another origin, a page that reaches it through
// the voice frame (voice-frame.js, voice-link.js): then the first message is
// {connect: MessagePort} and everything after goes over that port.
//
// Messages from the main thread:
//   {load: {wasmUrl, integrity}}  fetch and compile the codec now
//   {init: {rate, bitrate}, capture: MessagePort, playback: MessagePort}
//                               the streams at the AudioContext's rate
//   {agent: ArrayBuffer, at}    one received voice packet; at: when the page
//                               handed it over (timeOrigin + now, ms)
//   {playing: bool}             false: flush and drop agent packets
//   {echoGuard: bool}           the agent is audible (VAD needs louder speech)
//   {encoder: {bitrate, fec, loss_perc}}  the core's voice_encoder_set: the
//                               microphone's encoder from its next frame on
//                               (kept until init when it comes before)
// Messages to the main thread:
//   {ready: true} | {failed: message}
//   {packets: [ArrayBuffer…], at}  encoded microphone frames, wire-ready; at:
//                               when the chunk completing them reached this
//                               worker (timeOrigin + now, ms)
//   {speaking: bool}            the VAD's verdict changed
//   {level: 0..1, downlink: [ms…]}  for the meter, every ~100 ms; downlink:
//                               each agent packet's page -> worker time since
//   {drained: true}             the agent's audio has all been played
import createNatterVoice from 'natter-voice-glue';
import { wasmLoader } from '../load-wasm.js';
import { openCapture, openPlayback } from '../../wasm/bindings/voice-api.js';

const LEVEL_EVERY_MS = 100;
let capture = null, playback = null; // voice-api.js wrappers, once init ran
let playing = false, speaking = false, lastLevelAt = 0;
let encoder = null; // the last voice_encoder_set, applied at init when it came first
const downlinkHops = []; // ms, until the next level message
let page = self; // where the main thread's messages come from and go to
const postMessage = (msg, transfer) => page.postMessage(msg, transfer || []);

function onCaptured(chunk) {
  if (!capture) return;
  const at = performance.timeOrigin + performance.now(); // for the uplink latency (voice-runtime.js)
  let packets;
  try {
    packets = capture.push(chunk);
  } catch (err) {
    postMessage({ failed: err.message });
    return;
  }
  if (packets.length) postMessage({ packets, at }, packets);
  if (capture.speaking() !== speaking) {
    speaking = capture.speaking();
    postMessage({ speaking });
  }
  const now = performance.now();
  if (now - lastLevelAt >= LEVEL_EVERY_MS) {
    lastLevelAt = now;
    postMessage({ level: capture.level(), downlink: downlinkHops.splice(0) });
  }
}

function onPull(port) {
  if (!playback) return;
  const wasDrained = playback.drained();
  const frame = playback.pull();
  port.postMessage(frame, [frame.buffer]);
  if (!wasDrained && playback.drained()) postMessage({ drained: true });
}

// Packets that arrive while the codec is still loading (the greeting can
// start before the first call's download is done): played once it is.
const early = [];
const MAX_EARLY = 250; // 5 s of 20 ms frames

function onAgentPacket(buffer, at = performance.now()) {
  if (!playing) return;
  if (!playback) {
    if (early.length < MAX_EARLY) early.push([buffer, at]);
    return;
  }
  playback.insert(new Uint8Array(buffer), at);
}

// The module downloads and compiles as soon as the call is asked for (load);
// the streams need the AudioContext's rate, known once the microphone is
// granted (init).
let moduleReady = null;

function load({ wasmUrl, integrity }) {
  const loader = wasmLoader({ url: wasmUrl, integrity, fetch: self.fetch.bind(self), WebAssembly, console });
  moduleReady = Promise.race([createNatterVoice({ instantiateWasm: loader.hook }), loader.failure]);
  moduleReady.catch(() => {}); // reported by init
}

async function init({ rate, bitrate }, capturePort, playbackPort) {
  if (!moduleReady) throw new Error('voice codec was never loaded');
  const V = await moduleReady;
  capture = openCapture(V, { rate, bitrate, complexity: 5 }); // throws, named, when the rate is not usable
  try {
    playback = openPlayback(V, { rate });
  } catch (err) {
    capture.close();
    capture = null;
    throw err;
  }
  if (encoder) setEncoder(encoder);
  capturePort.onmessage = (e) => onCaptured(e.data);
  playbackPort.onmessage = () => onPull(playbackPort);
  for (const [buffer, at] of early.splice(0)) onAgentPacket(buffer, at);
}

function setEncoder(setting) {
  encoder = setting;
  if (!capture) return;
  try {
    capture.setEncoder(setting);
  } catch (err) {
    postMessage({ failed: err.message });
  }
}

function onPageMessage(event) {
  const d = event.data;
  if (d.connect) {
    page = d.connect; // the voice frame handed us the page's port
    page.onmessage = onPageMessage;
  } else if (d.load) {
    load(d.load);
  } else if (d.init) {
    init(d.init, d.capture, d.playback).then(
      () => postMessage({ ready: true }),
      (err) => postMessage({ failed: String(err && err.message || err) }),
    );
  } else if (d.agent) {
    if (playback && playing && d.at) downlinkHops.push(performance.timeOrigin + performance.now() - d.at);
    onAgentPacket(d.agent);
  } else if ('playing' in d) {
    playing = d.playing;
    if (!playing) {
      early.length = 0;
      if (playback) playback.flush();
    }
  } else if ('echoGuard' in d) {
    if (capture) capture.setEchoGuard(d.echoGuard);
  } else if (d.encoder) {
    setEncoder(d.encoder);
  }
}
self.onmessage = onPageMessage;
