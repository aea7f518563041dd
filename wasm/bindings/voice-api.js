// The voice module's JS marshalling, written once (the twin of core-api.js
// for the core): every heap view, pointer and copy between JS and the
// embind objects of wasm/bindings/voice_embind.cpp lives here. Used by the
// voice worker in the browser, by the gateway (tools/gateway/voice/), by the
// benches and by the tests; nothing here touches the DOM or node.
//
//   const enc = openEncoder(V, { rate: 48000, bitrate: 24000, complexity: 5 });
//   const packet = enc.encode(int16Frame);   // Uint8Array, a copy
//   enc.close();
//
// Ownership (voice_embind.cpp, "Ownership"): each wrapper owns one embind
// object until close(). Views on the heap are made per call, because the heap
// may grow between calls; every result is a JS-owned copy, valid for ever.
// A constructor whose status is not 0 frees its object and throws an Error
// naming the libopus error.

function made(V, object, what) {
  const status = object.status();
  if (status === 0) return object;
  object.delete();
  throw new Error(`${what}: ${V.errorName(status)}`);
}

// Opus encoder, int16 PCM in. encode(pcm, samples = pcm.length): one frame of
// `samples` (a shorter pcm is padded with silence) -> one packet. Inband FEC
// is on, planning for 10 % loss, unless `fec` / `lossPerc` say otherwise.
export function openEncoder(V, { rate, bitrate, complexity, fec, lossPerc }) {
  const enc = made(V, new V.VoiceEncoder(rate, bitrate, complexity), 'VoiceEncoder');
  if (fec !== undefined || lossPerc !== undefined) {
    const status = enc.setLossProtection(fec ?? true, lossPerc ?? 10);
    if (status !== 0) { enc.delete(); throw new Error(`VoiceEncoder.setLossProtection: ${V.errorName(status)}`); }
  }
  return {
    encode(pcm, samples = pcm.length) {
      const input = new Int16Array(V.HEAPU8.buffer, enc.inputPtr(), samples);
      if (pcm.length < samples) input.fill(0);
      input.set(pcm.length > samples ? pcm.subarray(0, samples) : pcm);
      const n = enc.encode(samples);
      if (n < 0) throw new Error(`VoiceEncoder.encode: ${V.errorName(n)}`);
      return V.HEAPU8.slice(enc.outputPtr(), enc.outputPtr() + n);
    },
    close() { enc.delete(); },
  };
}

// Opus decoder, int16 PCM out. decode(payload) -> Int16Array, or null when the
// payload is too long or not a decodable Opus packet (the caller counts it);
// conceal(samples) -> one frame of loss concealment (silence if it fails);
// recover(next, samples) -> the lost frame just before `next`, rebuilt from
// next's in-band FEC (libopus conceals when next carries none; conceal() when
// next is no packet), then decode(next) as usual.
export function openDecoder(V, { rate }) {
  const dec = made(V, new V.VoiceDecoder(rate), 'VoiceDecoder');
  const output = (n) => new Int16Array(V.HEAPU8.buffer, dec.outputPtr(), n).slice();
  const conceal = (samples) => {
    const n = dec.decodeLost(samples);
    return n > 0 ? output(n) : new Int16Array(samples);
  };
  return {
    decode(payload) {
      if (payload.length > V.maxPacketBytes) return null;
      V.HEAPU8.set(payload, dec.packetPtr());
      const n = dec.decode(payload.length);
      return n > 0 ? output(n) : null;
    },
    conceal,
    recover(next, samples) {
      if (next.length > V.maxPacketBytes) return conceal(samples);
      V.HEAPU8.set(next, dec.packetPtr());
      const n = dec.decodeFec(next.length, samples);
      return n > 0 ? output(n) : conceal(samples);
    },
    close() { dec.delete(); },
  };
}

// The microphone's path (resample, 20 ms frames, VAD, Opus): push(chunk) takes
// float samples at the device rate, any length, and returns the wire-ready
// packets it completed (ArrayBuffers, transferable); throws when encoding fails.
export function openCapture(V, { rate, bitrate, complexity }) {
  const cap = made(V, new V.CaptureStream(rate, bitrate, complexity), `CaptureStream at ${rate} Hz`);
  const max = cap.maxChunk();
  return {
    push(chunk) {
      const packets = [];
      for (let at = 0; at < chunk.length; at += max) {
        const n = Math.min(max, chunk.length - at);
        new Float32Array(V.HEAPU8.buffer, cap.inputPtr(), n).set(chunk.subarray(at, at + n));
        const count = cap.push(n);
        if (count < 0) throw new Error(`encoding failed (${count})`);
        for (let i = 0; i < count; i++) {
          const ptr = cap.packetPtr(i);
          packets.push(V.HEAPU8.slice(ptr, ptr + cap.packetBytes(i)).buffer);
        }
      }
      return packets;
    },
    speaking: () => cap.speaking(),
    level: () => cap.level(),
    setEchoGuard: (on) => cap.setEchoGuard(on),
    // The core's voice_encoder_set effect, as it comes: from the next frame
    // on; throws, naming the libopus error, when the encoder refuses it.
    setEncoder({ bitrate, fec, loss_perc: lossPerc }) {
      const rc = cap.setEncoder(bitrate, Boolean(fec), lossPerc);
      if (rc !== 0) throw new Error(`CaptureStream.setEncoder: ${V.errorName(rc)}`);
    },
    close() { cap.delete(); },
  };
}

// The agent's path (jitter buffer, Opus with FEC/PLC, resample to the device
// rate): insert(packet bytes, at ms) -> false when too long to be a packet;
// pull() -> the next Float32Array for the playback worklet (empty: nothing).
export function openPlayback(V, { rate }) {
  const play = made(V, new V.PlaybackStream(rate), `PlaybackStream at ${rate} Hz`);
  return {
    insert(bytes, at) {
      if (bytes.length > play.maxInput()) return false;
      V.HEAPU8.set(bytes, play.inputPtr());
      play.insert(bytes.length, at);
      return true;
    },
    pull() {
      const n = play.pull();
      return n > 0 ? new Float32Array(V.HEAPU8.buffer, play.outputPtr(), n).slice() : new Float32Array(0);
    },
    drained: () => play.drained(),
    flush: () => play.flush(),
    close() { play.delete(); },
  };
}
