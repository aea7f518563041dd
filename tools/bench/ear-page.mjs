// The page's side of tools/bench/voice-ear.mjs, installed before any page
// script (addInitScript):
//   - the microphone: getUserMedia still asks Chromium (its fake device, so
//     the permission is real), but the widget gets a WebAudio stream whose
//     only sound is what speak(samples) plays: the bench's espeak-ng question;
//   - two taps, AudioWorklet nodes of our own in the widget's AudioContext:
//     "up" on the microphone's MediaStreamSource (what enters the capture
//     worklet) reports each end of speech: the last sample above 0.01 once
//     250 ms below it followed; "down" on the playback worklet's output (what
//     leaves for the speaker) reports each onset: the first sample above
//     0.01 after >= 200 ms below 0.002. Both in the widget context's own
//     time (ctxMs), so the interval between them needs no clock mapping;
//     `received` (page ms, timeOrigin + now) is when the report reached the
//     main thread, for the steps measured elsewhere;
//   - the first agent packet handed to the voice worker after each end of
//     speech ({agent} posted to a Worker): its page time (`arrived`).
// The tap's loading and probes: worklet-taps.mjs.
// window.__ear = { events: [{tap, ctxMs, received} | {tap: 'packet', received}] }.

import { installWorkletTaps } from './worklet-taps.mjs';

export async function installEarTaps(page) {
  await installWorkletTaps(page);
  return page.addInitScript(() => {
    if (window !== window.top || window.__ear) return;
    const E = (window.__ear = { events: [], gen: null, ctx: null });
    const TAP = `class EarTap extends AudioWorkletProcessor {
      constructor(o) { super(); this.kind = o.processorOptions.kind; this.quiet = 0; this.armed = false;
        this.lastLoud = -1; this.open = false; }
      process(inputs) {
        const x = inputs[0] && inputs[0][0];
        if (!x) return true;
        for (let i = 0; i < x.length; i++) {
          const a = Math.abs(x[i]);
          const t = currentTime + i / sampleRate;
          if (this.kind === 'up') {
            if (a > 0.01) { this.lastLoud = t; this.open = true; this.quiet = 0; }
            else if (this.open && ++this.quiet >= sampleRate * 0.25) { this.port.postMessage({ at: this.lastLoud }); this.open = false; }
          } else if (a > 0.01) { if (this.armed) this.port.postMessage({ at: t }); this.armed = false; this.quiet = 0; }
          else if (a < 0.002) { if (++this.quiet >= sampleRate * 0.2) this.armed = true; }
          else this.quiet = 0;
        }
        return true;
      }
    }
    registerProcessor('ear-tap', EarTap);`;
    const taps = window.__benchTaps;
    taps.addProcessor(TAP);
    const tapOn = (ctx, node, kind) => taps.probe(ctx, node, 'ear-tap', { processorOptions: { kind } }, (e) => {
      E.events.push({ tap: kind, ctxMs: e.data.at * 1000, received: performance.timeOrigin + performance.now(), same: E.ctx === ctx });
    });
    taps.onPlayback((ctx, node) => tapOn(ctx, node, 'down'));
    const createSource = AudioContext.prototype.createMediaStreamSource;
    AudioContext.prototype.createMediaStreamSource = function (stream) {
      const source = createSource.call(this, stream);
      if (stream === E.gen?.stream) { E.ctx = this; tapOn(this, source, 'up'); }
      return source;
    };
    const postToWorker = Worker.prototype.postMessage;
    let waitingPacket = false;
    Worker.prototype.postMessage = function (msg, transfer) {
      if (waitingPacket && msg && msg.agent) {
        waitingPacket = false;
        E.events.push({ tap: 'packet', received: performance.timeOrigin + performance.now() });
      }
      return postToWorker.call(this, msg, transfer);
    };
    const md = navigator.mediaDevices;
    const realGum = md.getUserMedia.bind(md);
    md.getUserMedia = async (constraints) => {
      E.realMic = await realGum(constraints);
      const ctx = new AudioContext({ sampleRate: 48000 });
      const out = ctx.createMediaStreamDestination();
      await ctx.resume();
      E.gen = { ctx, stream: out.stream, out };
      return out.stream;
    };
    // Plays 48 kHz float samples into the microphone; resolves when played.
    E.speak = (samples) => {
      const { ctx, out } = E.gen;
      const buffer = ctx.createBuffer(1, samples.length, 48000);
      buffer.copyToChannel(Float32Array.from(samples), 0);
      const src = ctx.createBufferSource();
      src.buffer = buffer;
      src.connect(out);
      waitingPacket = false;
      return new Promise((resolve) => {
        src.onended = () => { waitingPacket = true; resolve(); };
        src.start(ctx.currentTime + 0.05);
      });
    };
  });
}

export const takeEarEvents = (page) => page.evaluate(() => window.__ear.events.splice(0));
