// Injected faults on the agent's audio (test controls only), set with
// POST /__natter/voice/faults. Unlike the session faults (a queue, one per
// connection), these are one setting that applies to every call's
// server→client audio frames from then on, until changed or reset:
//   drop        0..1   share of audio frames not sent (their seq is used up,
//                      so the client sees a gap)
//   reorder     0..1   share of audio frames held back and sent right after
//                      the next one (adjacent swap)
//   jitter_ms   0..2000  each audio frame is delayed by a uniform random
//                      0..jitter_ms (so frames may overtake each other)
//   cut_after_ms  null | 0..600000  the next voice.start arms it once: that
//                      many ms later its socket is dropped abruptly (no close
//                      frame, as session/kill)
//   seed        integer (optional)  reseeds the random source, for repeatable runs
// Missing fields are 0 / null. Voice control frames are never dropped or
// delayed on their own; voice.agent `end` waits for the delayed audio.
const DEFAULTS = Object.freeze({ drop: 0, reorder: 0, jitter_ms: 0, cut_after_ms: null });
const DEFAULT_SEED = 0x6e617474; // "natt"

const share = (v) => v === undefined || (typeof v === 'number' && v >= 0 && v <= 1);
const intIn = (v, lo, hi) => Number.isInteger(v) && v >= lo && v <= hi;

// Returns null when `spec` is well formed, else why not.
export function checkVoiceFaults(spec) {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return 'expected a JSON object';
  const known = new Set([...Object.keys(DEFAULTS), 'seed']);
  const unknown = Object.keys(spec).find((k) => !known.has(k));
  if (unknown) return `unknown field ${JSON.stringify(unknown)}`;
  if (!share(spec.drop)) return 'drop must be a number 0..1';
  if (!share(spec.reorder)) return 'reorder must be a number 0..1';
  if (spec.jitter_ms !== undefined && !intIn(spec.jitter_ms, 0, 2000)) return 'jitter_ms must be an integer 0..2000';
  if (spec.cut_after_ms != null && !intIn(spec.cut_after_ms, 0, 600_000)) {
    return 'cut_after_ms must be null or an integer 0..600000';
  }
  if (spec.seed !== undefined && !Number.isSafeInteger(spec.seed)) return 'seed must be an integer';
  return null;
}

// mulberry32: small, fast, good enough to pick which frames a fault hits.
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class VoiceFaults {
  settings = { ...DEFAULTS };
  random = seededRandom(DEFAULT_SEED);
  #cutArmed = null;

  // Replaces the settings (after checkVoiceFaults said yes).
  set(spec) {
    this.settings = { ...DEFAULTS, ...spec };
    delete this.settings.seed;
    this.#cutArmed = this.settings.cut_after_ms;
    if (spec.seed !== undefined) this.random = seededRandom(spec.seed);
  }

  // The cut for this voice.start, if one is armed (once).
  takeCut() {
    const ms = this.#cutArmed;
    this.#cutArmed = null;
    return ms;
  }

  clear() {
    this.settings = { ...DEFAULTS };
    this.random = seededRandom(DEFAULT_SEED);
    this.#cutArmed = null;
  }
}
