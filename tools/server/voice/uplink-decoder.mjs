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
//   const { lost, pcm, late } = dec.frame(seq, payload);
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

export function createUplinkDecoder(V) {
  const dec = createPcmDecoder(V);
  let last = null; // the seq of the newest frame
  return {
    frame(seq, payload) {
      if (last !== null && ((last - seq) & 0xffff) <= MAX_CONCEALED_FRAMES) return { lost: [], pcm: null, late: true };
      const gap = last === null ? 0 : (seq - last - 1) & 0xffff;
      last = seq;
      const lost = [];
      if (gap > 0 && gap <= MAX_CONCEALED_FRAMES) {
        for (let i = 1; i < gap; i++) lost.push({ pcm: dec.conceal(), fec: false });
        lost.push({ pcm: dec.recover(payload), fec: true });
      }
      return { lost, pcm: dec.decode(payload), late: false };
    },
    restart() { last = null; },
    close: dec.close,
  };
}
