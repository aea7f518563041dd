// AudioWorklet 'natter-capture': the microphone's samples, batched, to the
// voice worker. Runs on the audio thread; does no processing of its own
// (resampling, framing, VAD and Opus run in the worker, in WebAssembly).
//
// The main thread transfers a MessagePort to the worker on this node's port:
//   node.port.postMessage({ port }, [port])
// Each batch of BATCH samples (mono: the first channel) goes to the worker
// as a transferred Float32Array, so nothing crosses the page's main thread.
const BATCH = 1024; // 8 render quanta: ~21 ms at 48 kHz

class NatterCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.worker = null;
    this.batch = new Float32Array(BATCH);
    this.filled = 0;
    this.port.onmessage = (event) => {
      if (event.data && event.data.port) this.worker = event.data.port;
      if (event.data && event.data.stop) this.stopped = true;
    };
  }

  process(inputs) {
    if (this.stopped) return false;
    const channel = inputs[0] && inputs[0][0];
    if (!channel || !this.worker) return true;
    let at = 0;
    while (at < channel.length) {
      const n = Math.min(channel.length - at, BATCH - this.filled);
      this.batch.set(channel.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === BATCH) {
        this.worker.postMessage(this.batch, [this.batch.buffer]);
        this.batch = new Float32Array(BATCH);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('natter-capture', NatterCapture);
