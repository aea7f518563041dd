// How many of a stream's voice frames arrived, and how many were sent,
// judged from their seq (16 bits, one per 20 ms frame, wrapping): the loss
// an encoder adapts to (docs/protocol.md, "Voice over WebRTC"). Both ends
// count what they receive on a call's data channel: the gateway the
// shopper's frames (told in each pong as `rx=<received>/<expected>`), the
// widget the agent's (shim/voice/rtc-link.js, handed to the core with each
// pong). The core keeps differences of these cumulative counts
// (wasm/src/voice/call/loss_window.hpp).
//
//   const count = createFrameCount();
//   count.frame(seq);          // each well-formed packet
//   count.counts();            // { received, expected } since counting began
//
// Rules, the same as the gateway's concealment (voice-gateway.mjs):
// - a seq 1..MAX_GAP+1 ahead of the newest: the frames between are lost;
// - a longer jump (a muted microphone sends nothing, the uplink moved to
//   another socket after an outage) is a new start, not a loss;
// - a seq up to MAX_GAP behind the newest (reordered on the unordered
//   channel) was counted lost when the newer one came: it is received after
//   all (never more received than expected); the newest again is a duplicate.
// The counts belong to one end's stream: a call resumed on another gateway,
// a new data channel, start from zero, and the core takes counts going back
// as a new baseline.
export const MAX_GAP = 25; // 500 ms of frames, as the gateway's uplink-decoder.mjs MAX_CONCEALED_FRAMES

export function createFrameCount() {
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
