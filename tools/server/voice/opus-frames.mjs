// Opus through the voice WASM module, in the gateway's one format: 48 kHz
// mono, 20 ms frames (960 samples). Views on the WASM heap are made per call
// because the heap may grow (voice_embind.cpp, "Ownership").
export const SAMPLE_RATE = 48000;
export const FRAME_SAMPLES = 960;
export const AGENT_BITRATE = 24000;
export const AGENT_COMPLEXITY = 5;

// Encodes int16 PCM into one Opus packet per 20 ms (the last frame padded
// with silence), with a fresh encoder: each utterance is a talk spurt of its
// own. Returns an array of Uint8Array (copies, off the WASM heap).
export function encodePcm(V, pcm, { bitrate = AGENT_BITRATE, complexity = AGENT_COMPLEXITY } = {}) {
  const enc = new V.VoiceEncoder(SAMPLE_RATE, bitrate, complexity);
  try {
    if (enc.status() !== 0) throw new Error(`VoiceEncoder: ${V.errorName(enc.status())}`);
    const packets = [];
    for (let off = 0; off < pcm.length; off += FRAME_SAMPLES) {
      const input = new Int16Array(V.HEAPU8.buffer, enc.inputPtr(), FRAME_SAMPLES);
      input.fill(0);
      input.set(pcm.subarray(off, Math.min(off + FRAME_SAMPLES, pcm.length)));
      const n = enc.encode(FRAME_SAMPLES);
      if (n < 0) throw new Error(`VoiceEncoder.encode: ${V.errorName(n)}`);
      packets.push(V.HEAPU8.slice(enc.outputPtr(), enc.outputPtr() + n));
    }
    return packets;
  } finally {
    enc.delete();
  }
}

// One stream's decoder. decode(payload) -> Int16Array (a copy) or null when
// the payload is not a decodable Opus packet (the caller counts it);
// conceal() -> one frame of loss concealment; close() frees it.
export function createPcmDecoder(V) {
  const dec = new V.VoiceDecoder(SAMPLE_RATE);
  if (dec.status() !== 0) {
    const name = V.errorName(dec.status());
    dec.delete();
    throw new Error(`VoiceDecoder: ${name}`);
  }
  const output = (n) => new Int16Array(V.HEAPU8.buffer, dec.outputPtr(), n).slice();
  return {
    decode(payload) {
      if (payload.length > V.maxPacketBytes) return null;
      V.HEAPU8.set(payload, dec.packetPtr());
      const n = dec.decode(payload.length);
      return n > 0 ? output(n) : null;
    },
    conceal() {
      const n = dec.decodeLost(FRAME_SAMPLES);
      return n > 0 ? output(n) : new Int16Array(FRAME_SAMPLES);
    },
    close() { dec.delete(); },
  };
}
