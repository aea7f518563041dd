// When the shopper's turn ends: decided from the audio and, when the gateway
// has a recogniser, from what was said. Pure: 20 ms frames (loud or not) and
// recognition results in, actions out; the voice gateway carries them out
// (runs the recogniser, answers), so a seeded schedule can drive it alone
// (tests/server/voice-turn-schedules.test.mjs).
//
// `fixed` (the old rule): a turn ends after `quietMs` (600 ms) without a loud
// frame; recognition runs after that.
// `adaptive`: after `speculateMs` of quiet inside a segment, recognition of
// the segment so far starts at once (speculative, at most one in flight per
// call). If the shopper speaks again before it is used, it is cancelled: its
// words are never answered. When it comes back while the quiet still holds:
//   - words that end like a finished question or request end the turn
//     there (no waiting for the rest of the window);
//   - nothing recognised, or words that end on a filler or a word that
//     needs more ("um", "and", "the", "have", …) stretch the window to
//     `unfinishedQuietMs` (the shopper is thinking);
//   - at the window's end the turn ends with those words (the audio since
//     was quiet, so they are the words of the whole turn); words still on
//     their way are waited for, up to `unfinishedQuietMs`.
// An attempt the shopper spoke past may still be running: the next pause's
// attempt starts when it comes back.
// Without a recogniser `adaptive` behaves as `fixed`.
//
// Actions: {speculate: {id, ms}} start recognising the last `ms` of audio
// (the segment and the quiet after it) as attempt `id`; {cancel: id} forget
// attempt `id`'s words; {end: {ms, id}} the turn ended, `ms` of speech, its
// words are attempt `id`'s (null: recognise now).
import { FRAME_MS } from './speech-segmenter.mjs';

export const TURN_SETTINGS = Object.freeze({
  fixed: Object.freeze({ name: 'fixed', thresholdDbfs: -45, onsetMs: 60, quietMs: 600, minSegmentMs: 200 }),
  adaptive: Object.freeze({
    name: 'adaptive', thresholdDbfs: -45, onsetMs: 60, quietMs: 600, minSegmentMs: 200,
    speculateMs: 120, unfinishedQuietMs: 1200,
  }),
});

// Words a turn does not end on: fillers, and words that promise more.
const UNFINISHED_ENDINGS = new Set(`um uh er erm ah hmm mm and or but so the a an some any my your for of in on at
to with from about like is are am was have has got do does can could would will i me you it this that what which
how much many looking want need show tell find get give than then also plus`.split(/\s+/));

// Whether recognised words end like a finished question or request.
export function looksFinished(text) {
  const words = String(text ?? '').toLowerCase().replace(/[^a-z0-9' ]+/g, ' ').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return false;
  return !UNFINISHED_ENDINGS.has(words.at(-1));
}

export class TurnTaker {
  #s;
  #recognises;
  #loudRun = 0;
  #inSegment = false;
  #segmentFrames = 0;
  #quietFrames = 0;
  #windowMs;
  #nextId = 1;
  #attempt = null; // { id, done, text } of the current pause, or null
  #inFlight = 0; // attempts whose recognition has not come back (used or not)

  // `settings`: TURN_SETTINGS.fixed / .adaptive (or one like them);
  // `recognises`: whether the gateway has a recogniser.
  constructor(settings = TURN_SETTINGS.adaptive, { recognises = false } = {}) {
    this.#s = settings;
    this.#recognises = recognises && settings.speculateMs != null;
    this.#windowMs = settings.quietMs;
  }

  get speaking() { return this.#inSegment; }

  // One 20 ms frame; returns the actions it causes.
  frame(loud) {
    const s = this.#s;
    if (!this.#inSegment) {
      this.#loudRun = loud ? this.#loudRun + 1 : 0;
      if (this.#loudRun * FRAME_MS >= s.onsetMs) {
        this.#inSegment = true;
        this.#segmentFrames = this.#loudRun;
        this.#quietFrames = 0;
        this.#windowMs = s.quietMs;
      }
      return [];
    }
    if (loud) {
      const out = this.#quietFrames > 0 ? this.#drop() : [];
      this.#segmentFrames += this.#quietFrames + 1;
      this.#quietFrames = 0;
      this.#windowMs = s.quietMs;
      return out;
    }
    this.#quietFrames += 1;
    const quiet = this.#quietFrames * FRAME_MS;
    const start = this.#speculate();
    if (start.length) return start;
    if (quiet < this.#windowMs) return [];
    // Words on their way: wait for them (up to the stretched window) rather than guess.
    if (this.#attempt && !this.#attempt.done && quiet < s.unfinishedQuietMs) return [];
    return this.#end();
  }

  // Attempt `id`'s words came back.
  recognized(id, text) {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    const a = this.#attempt;
    if (!a || a.id !== id) return this.#speculate(); // cancelled already: the pause now may get its own attempt
    a.done = true;
    a.text = text;
    if (!this.#inSegment) return [];
    if (looksFinished(text)) return this.#end();
    this.#windowMs = Math.max(this.#windowMs, this.#s.unfinishedQuietMs);
    return [];
  }

  // The gateway lost the connection or the call: forget the turn in progress.
  reset() {
    const out = this.#drop();
    this.#loudRun = 0;
    this.#inSegment = false;
    this.#segmentFrames = 0;
    this.#quietFrames = 0;
    this.#windowMs = this.#s.quietMs;
    return out;
  }

  #speechMs() { return this.#segmentFrames * FRAME_MS; }

  // A speculative attempt for this pause, when it is long enough, has none
  // yet and no other recognition is in flight (one per call).
  #speculate() {
    const quiet = this.#quietFrames * FRAME_MS;
    if (!this.#recognises || !this.#inSegment || this.#attempt || this.#inFlight > 0) return [];
    if (quiet < this.#s.speculateMs || this.#speechMs() < this.#s.minSegmentMs) return [];
    this.#attempt = { id: this.#nextId++, done: false, text: '' };
    this.#inFlight += 1;
    return [{ speculate: { id: this.#attempt.id, ms: this.#speechMs() + quiet } }];
  }

  // The shopper went on (or the call went): the pause's attempt is not the turn's words.
  #drop() {
    const a = this.#attempt;
    this.#attempt = null;
    return a ? [{ cancel: a.id }] : [];
  }

  #end() {
    const ms = this.#speechMs();
    const a = this.#attempt;
    this.#attempt = null;
    this.#loudRun = 0;
    this.#inSegment = false;
    this.#segmentFrames = 0;
    this.#quietFrames = 0;
    this.#windowMs = this.#s.quietMs;
    if (ms < this.#s.minSegmentMs) return a ? [{ cancel: a.id }] : [];
    return [{ end: { ms, id: a ? a.id : null } }];
  }
}
