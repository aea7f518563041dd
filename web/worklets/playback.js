// AudioWorklet 'natter-playback': plays the agent's decoded audio. The voice
// worker decodes (jitter buffer, Opus, resampling, in WebAssembly); this
// node only keeps a small queue and asks the worker for the next 20 ms frame
// whenever the queue runs low, so the audio clock paces decoding.
//
// Port messages: from the main thread {port} (the worker's MessagePort,
// transferred) and {flush: true} (barge-in: drop what is queued now); from
// the worker, a Float32Array frame per {pull} request.
const CAPACITY = 48000;        // 1 s of queue at 48 kHz (never nearly full)
const LOW_WATER_FRAMES = 3;    // keep ~60 ms queued or requested

class NatterPlayback extends AudioWorkletProcessor {
  constructor() {
    super();
    this.worker = null;
    this.ring = new Float32Array(CAPACITY);
    this.read = 0;
    this.size = 0;
    this.pending = 0;          // frames requested, not yet received
    this.frame = Math.round(sampleRate / 50);
    this.port.onmessage = (event) => {
      const d = event.data;
      if (d && d.port) {
        this.worker = d.port;
        this.worker.onmessage = (e) => this.receive(e.data);
      }
      if (d && d.flush) {
        this.read = 0;
        this.size = 0;
      }
    };
  }

  receive(samples) {
    this.pending = Math.max(0, this.pending - 1);
    for (let i = 0; i < samples.length && this.size < CAPACITY; i++) {
      this.ring[(this.read + this.size) % CAPACITY] = samples[i];
      this.size++;
    }
  }

  process(_inputs, outputs) {
    const out = outputs[0][0];
    for (let i = 0; i < out.length; i++) {
      if (this.size > 0) {
        out[i] = this.ring[this.read];
        this.read = (this.read + 1) % CAPACITY;
        this.size--;
      } else {
        out[i] = 0;
      }
    }
    for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
    if (this.worker) {
      while (this.size + this.pending * this.frame < LOW_WATER_FRAMES * this.frame) {
        this.pending++;
        this.worker.postMessage({ pull: true });
      }
    }
    return true;
  }
}

registerProcessor('natter-playback', NatterPlayback);
