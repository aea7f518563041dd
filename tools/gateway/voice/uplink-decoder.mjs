// The shopper's frames as the voice agent hears them: decoded in the order
// they arrive (the gateway has no jitter buffer), each seq gap filled so the
// lost frames keep their place in time. The lost frame just before the one
// that came is rebuilt from that one's in-band FEC (the widget's encoder
// adds it when loss_perc > 0; libopus conceals when it carries none);
// earlier ones in the gap have no FEC anywhere and get PLC. The widget's
// jitter buffer does the same for the agent's frames (jitter_buffer.hpp
// kLost with `fec`, playback_stream.cpp); the Opus calls are the core's
// (voice_embind.cpp VoiceDecoder.decodeFec).
//
//   const dec = createUplinkDecoder(V);
//   const { lost, pcm, late } = dec.frame(seq, payload, atMs);
//   // atMs: when the packet arrived (wall clock, ms);
//   // lost: [{ pcm, fec }] oldest first (fec: rebuilt from this payload);
//   // pcm: this frame, Int16Array, or null when the payload is not Opus;
//   // late: a frame whose place was already filled (dropped: pcm null)
//   dec.restart();   // the next frame is a new start (another connection)
//   dec.close();
import { createPcmDecoder } from './opus-frames.mjs';

// A seq gap up to 500 ms is loss; a longer one is a new start (a muted
// microphone, the uplink moved to another socket). A seq up to 500 ms behind
// the newest (or the same again) is a frame the unordered data channel
// delivered late: its place was concealed already, so it is dropped; playing
// it would put it out of time and make the next frame look like a gap.
// Further back is a new start.
export const MAX_CONCEALED_FRAMES = 25;
export const FRAME_MS = 20;

// A gap is concealed only as far as the time since the previous packet
// explains it: a sender cannot lose more frames than it could have sent
// meanwhile. Without this a client sending seq jumps of 25 back to back
// had the gateway synthesise 25 frames per tiny packet (docs/security.md,
// "Voice packet flood"). A gap longer than the time allows keeps its
// newest frames (the FEC one last); the rest of it is not filled.
export function concealable(gap, elapsedMs) {
  return Math.max(0, Math.min(gap, MAX_CONCEALED_FRAMES, Math.floor(elapsedMs / FRAME_MS)));
}

// The time a gap may be concealed against is banked, not taken from one
// pair of arrivals: the gateway reads packets when its thread is free, so a
// packet taken late (the thread busy at the end of an utterance) and the
// one after it arrive "together", and a real loss between them would go
// unconcealed. Each arrival adds the time since the last one, each frame
// heard or concealed spends 20 ms, and at most MAX_CONCEALED_FRAMES' worth
// is kept: a sender still never gets more frames than real time allows.
const MAX_BANKED_MS = MAX_CONCEALED_FRAMES * FRAME_MS;

export function createUplinkDecoder(V) {
  const dec = createPcmDecoder(V);
  let last = null; // the seq of the newest frame
  let lastAt = 0; // when it arrived
  let bankedMs = 0; // real time not yet spent on frames
  return {
    frame(seq, payload, atMs) {
      if (last !== null && ((last - seq) & 0xffff) <= MAX_CONCEALED_FRAMES) return { lost: [], pcm: null, late: true };
      const gap = last === null ? 0 : (seq - last - 1) & 0xffff;
      if (last !== null) bankedMs = Math.min(MAX_BANKED_MS, bankedMs + Math.max(0, atMs - lastAt));
      const fill = gap <= MAX_CONCEALED_FRAMES ? concealable(gap, bankedMs) : 0;
      bankedMs = Math.max(0, bankedMs - (fill + 1) * FRAME_MS);
      last = seq;
      lastAt = atMs;
      const lost = [];
      if (fill > 0) {
        for (let i = 1; i < fill; i++) lost.push({ pcm: dec.conceal(), fec: false });
        lost.push({ pcm: dec.recover(payload), fec: true });
      }
      return { lost, pcm: dec.decode(payload), late: false };
    },
    restart() { last = null; },
    close: dec.close,
  };
}
