// Opus through the voice WASM module, in the gateway's one format: 48 kHz
// mono, 20 ms frames (960 samples). The heap marshalling is voice-api.js's.
import { openDecoder, openEncoder } from '../../../wasm/bindings/voice-api.js';

export const SAMPLE_RATE = 48000;
export const FRAME_SAMPLES = 960;
export const AGENT_BITRATE = 24000;
export const AGENT_COMPLEXITY = 5;

// Encodes int16 PCM into one Opus packet per 20 ms (the last frame padded
// with silence), with a fresh encoder: each utterance is a talk spurt of its
// own. Returns an array of Uint8Array (copies, off the WASM heap). `fec` and
// `lossPerc`: voice-api.js openEncoder's (FEC on, 10 % by default).
export function encodePcm(V, pcm, { bitrate = AGENT_BITRATE, complexity = AGENT_COMPLEXITY, fec, lossPerc } = {}) {
  const enc = openEncoder(V, { rate: SAMPLE_RATE, bitrate, complexity, fec, lossPerc });
  try {
    const packets = [];
    for (let off = 0; off < pcm.length; off += FRAME_SAMPLES) {
      packets.push(enc.encode(pcm.subarray(off, off + FRAME_SAMPLES), FRAME_SAMPLES));
    }
    return packets;
  } finally {
    enc.close();
  }
}

// One stream's decoder. decode(payload) -> Int16Array (a copy) or null when
// the payload is not a decodable Opus packet (the caller counts it);
// conceal() -> one frame of loss concealment (PLC); recover(next) -> the
// frame lost just before `next`, from next's in-band FEC (voice-api.js);
// close() frees it.
export function createPcmDecoder(V) {
  const dec = openDecoder(V, { rate: SAMPLE_RATE });
  return {
    decode: dec.decode,
    conceal: () => dec.conceal(FRAME_SAMPLES),
    recover: (next) => dec.recover(next, FRAME_SAMPLES),
    close: dec.close,
  };
}
