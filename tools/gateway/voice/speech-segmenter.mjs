// Finds the shopper's speech segments in decoded audio, one 20 ms frame at a
// time, by energy alone: the gateway answers after each segment. Small on
// purpose (the client's VAD, wasm/src/voice/audio/vad.hpp, does the careful work
// and decides barge-in); here it only has to tell "said something" from quiet.
//
//   * a frame is loud when its RMS is at least `thresholdDbfs`;
//   * speech starts after `onsetMs` of consecutive loud frames (~60 ms), so
//     a click does not open a segment;
//   * speech ends after `quietMs` without a loud frame (~600 ms), so pauses
//     between words stay inside one segment;
//   * a segment shorter than `minSegmentMs` (~200 ms, first to last loud
//     frame) is a cough or a bump and is dropped.
export const FRAME_MS = 20;

export const DEFAULT_SEGMENTER = Object.freeze({
  thresholdDbfs: -45,
  onsetMs: 60,
  quietMs: 600,
  minSegmentMs: 200,
});

// RMS of int16 samples in dBFS (-Infinity for digital silence).
export function frameDbfs(samples) {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  const rms = Math.sqrt(sum / Math.max(1, samples.length)) / 32768;
  return 20 * Math.log10(rms);
}

export class SpeechSegmenter {
  #config;
  #loudRun = 0; // consecutive loud frames while not in a segment
  #inSegment = false;
  #segmentFrames = 0; // first loud frame .. last loud frame, in frames
  #quietFrames = 0; // frames since the last loud frame, inside a segment

  constructor(config = {}) { this.#config = { ...DEFAULT_SEGMENTER, ...config }; }

  get speaking() { return this.#inSegment; }

  // Feeds one 20 ms frame. Returns null, or { ended: true, ms } when this
  // frame closed a segment long enough to answer.
  push(samples) {
    const c = this.#config;
    const loud = frameDbfs(samples) >= c.thresholdDbfs;
    if (!this.#inSegment) {
      this.#loudRun = loud ? this.#loudRun + 1 : 0;
      if (this.#loudRun * FRAME_MS >= c.onsetMs) {
        this.#inSegment = true;
        this.#segmentFrames = this.#loudRun;
        this.#quietFrames = 0;
      }
      return null;
    }
    if (loud) {
      this.#segmentFrames += this.#quietFrames + 1;
      this.#quietFrames = 0;
      return null;
    }
    this.#quietFrames += 1;
    if (this.#quietFrames * FRAME_MS < c.quietMs) return null;
    const ms = this.#segmentFrames * FRAME_MS;
    this.reset();
    return ms >= c.minSegmentMs ? { ended: true, ms } : null;
  }

  reset() {
    this.#loudRun = 0;
    this.#inSegment = false;
    this.#segmentFrames = 0;
    this.#quietFrames = 0;
  }
}
