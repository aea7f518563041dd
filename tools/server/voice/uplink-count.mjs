// How many of a call's microphone frames reached the gateway, and how many
// were sent, judged from their seq (16 bits, one per 20 ms frame, wrapping):
// the uplink loss the widget's encoder adapts to (docs/protocol.md, "Voice
// over WebRTC": the pong's `rx=<received>/<expected>`; the widget's
// wasm/src/voice/uplink_meter.hpp takes differences of these cumulative counts).
//
//   const count = createUplinkCount();
//   count.frame(seq);          // each well-formed packet, from either path
//   count.counts();            // { received, expected } since the call began here
//
// Rules, the same as the gateway's concealment (voice-gateway.mjs):
// - a seq 1..MAX_GAP+1 ahead of the newest: the frames between are lost;
// - a longer jump (a muted microphone sends nothing, the uplink moved to
//   another socket after an outage) is a new start, not a loss;
// - a seq up to MAX_GAP behind the newest (reordered on the unordered
//   channel) was counted lost when the newer one came: it is received after
//   all (never more received than expected); the newest again is a duplicate.
// The counts belong to the call on this gateway instance: a call resumed on
// another starts from zero, and the widget takes counts going back as a new
// baseline.
export const MAX_GAP = 25; // 500 ms of frames, as uplink-decoder.mjs MAX_CONCEALED_FRAMES

export function createUplinkCount() {
  let newest = null;
  let received = 0, expected = 0;
  return {
    frame(seq) {
      if (newest === null) {
        newest = seq;
        received += 1;
        expected += 1;
        return;
      }
      const ahead = (seq - newest) & 0xffff;
      if (ahead === 0) return; // the same frame twice
      if (ahead >= 0x8000) { // behind: a late frame, counted lost when a newer one came
        if (0x10000 - ahead <= MAX_GAP && received < expected) received += 1;
        return;
      }
      newest = seq;
      received += 1;
      expected += ahead <= MAX_GAP + 1 ? ahead : 1;
    },
    counts: () => ({ received, expected }),
  };
}
