// The page's side of tools/bench/voice-rungs.mjs, installed before any page
// script (addInitScript):
//   - the microphone: getUserMedia still asks Chromium (its fake device, so
//     the permission is real and WebRTC may use host candidates), but the
//     widget gets a WebAudio stream instead: a 1 kHz tone gated by a gain
//     that burstUp() schedules, so the bench knows what the shopper "says";
//   - two taps, AudioWorklet nodes of our own in the widget's AudioContext:
//     "up" on the microphone's MediaStreamSource (what enters the capture
//     worklet: the mouth) and "down" on the playback worklet's output (what
//     leaves for the speaker: the ear). Each reports every onset (a sample
//     above 0.1 after >= 200 ms below 0.01) with its AudioContext time, and
//     the level of every 10 ms of audio it saw.
// Times (page ms: timeOrigin + now): an onset's `received` is when the
// tap's report reached the main thread, a few ms at most after the sample
// was rendered; `onset` is the context's own estimate of when it reaches
// the output (getOutputTimestamp's contextTime/performanceTime pair read
// then, less outputLatency), which in headless Chromium came ~9 ms after
// `received`: the output device's buffer, outside the measurement. That
// mapping wanders by a render burst from one reading to the next, so gaps
// are placed on the context's own clock: `ctxMs` (context time, ms) of an
// onset and of each batch of levels.
// window.__rungs = { events: [{tap, onset, received, ctxMs} |
//   {tap, t0, rms: [10 ms levels], ctxMs}] } (taken with takeEvents).
// The tap's loading and probes: worklet-taps.mjs.

import { installWorkletTaps } from './worklet-taps.mjs';

export async function installRungTaps(page) {
  await installWorkletTaps(page);
  return page.addInitScript(() => {
    if (window !== window.top || window.__rungs) return;
    const R = (window.__rungs = { events: [], gen: null });
    const TAP = `class RungTap extends AudioWorkletProcessor {
      constructor(o) { super(); this.quiet = 0; this.armed = false; this.hold = Math.round(sampleRate * 0.2);
        this.block = Math.round(sampleRate / 100); this.acc = 0; this.n = 0; this.rms = []; this.t0 = 0; }
      process(inputs) {
        const x = inputs[0] && inputs[0][0];
        if (!x) return true;
        for (let i = 0; i < x.length; i++) {
          const v = x[i], a = Math.abs(v);
          if (a > 0.1) { if (this.armed) this.port.postMessage({ onset: currentTime + i / sampleRate }); this.armed = false; this.quiet = 0; }
          else if (a < 0.01) { if (++this.quiet >= this.hold) this.armed = true; }
          else this.quiet = 0;
          if (this.n === 0 && this.rms.length === 0) this.t0 = currentTime + i / sampleRate;
          this.acc += v * v;
          if (++this.n === this.block) {
            this.rms.push(Math.sqrt(this.acc / this.block)); this.acc = 0; this.n = 0;
            if (this.rms.length === 10) { this.port.postMessage({ t0: this.t0, rms: this.rms }); this.rms = []; }
          }
        }
        return true;
      }
    }
    registerProcessor('rung-tap', RungTap);`;
    const taps = window.__benchTaps;
    taps.addProcessor(TAP);
    const toPage = (ctx, t) => {
      const ts = ctx.getOutputTimestamp();
      return performance.timeOrigin + ts.performanceTime + (t - ts.contextTime) * 1000 - (ctx.outputLatency || 0) * 1000;
    };
    const tapOn = (ctx, node, tap) => taps.probe(ctx, node, 'rung-tap', {}, (e) => {
      const d = e.data;
      const received = performance.timeOrigin + performance.now();
      if ('onset' in d) R.events.push({ tap, onset: toPage(ctx, d.onset), received, ctxMs: d.onset * 1000 });
      else R.events.push({ tap, t0: toPage(ctx, d.t0), rms: d.rms, ctxMs: d.t0 * 1000 });
    });
    taps.onPlayback((ctx, node) => tapOn(ctx, node, 'down'));
    const createSource = AudioContext.prototype.createMediaStreamSource;
    AudioContext.prototype.createMediaStreamSource = function (stream) {
      const source = createSource.call(this, stream);
      if (stream === R.gen?.stream) tapOn(this, source, 'up');
      return source;
    };
    const md = navigator.mediaDevices;
    const realGum = md.getUserMedia.bind(md);
    md.getUserMedia = async (constraints) => {
      R.realMic = await realGum(constraints);
      const ctx = new AudioContext();
      const osc = ctx.createOscillator();
      osc.frequency.value = 1000;
      const gain = ctx.createGain();
      gain.gain.value = 0;
      const out = ctx.createMediaStreamDestination();
      osc.connect(gain).connect(out);
      osc.start();
      await ctx.resume();
      R.gen = { ctx, gain, stream: out.stream };
      return out.stream;
    };
    // n bursts of `onMs` of tone (amplitude 0.5) each after `offMs` of silence; resolves when done.
    R.burstUp = (n, onMs, offMs) => {
      const { ctx, gain } = R.gen;
      let t = ctx.currentTime + 0.05;
      for (let i = 0; i < n; i++) {
        t += offMs / 1000;
        gain.gain.setValueAtTime(0.5, t);
        gain.gain.setValueAtTime(0, t + onMs / 1000);
        t += onMs / 1000;
      }
      return new Promise((resolve) => setTimeout(resolve, (t - ctx.currentTime) * 1000 + 300));
    };
  });
}

export const takeEvents = (page) => page.evaluate(() => window.__rungs.events.splice(0));

// The page clock minus the bench's (both timeOrigin + now, ms): the
// smallest-round-trip reading of several over Playwright's pipe (not the
// impaired path), good to half that round trip.
export async function pageClockOffset(page) {
  let best = null;
  for (let i = 0; i < 15; i++) {
    const before = performance.timeOrigin + performance.now();
    const inPage = await page.evaluate(() => performance.timeOrigin + performance.now());
    const after = performance.timeOrigin + performance.now();
    if (!best || after - before < best.rtt) best = { rtt: after - before, offset: inPage - (before + after) / 2 };
  }
  return best;
}
