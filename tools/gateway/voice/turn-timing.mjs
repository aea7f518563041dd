// The gateway's own measure of one answered spoken turn, carried by the
// answer's voice.agent start frame as `timing` (docs/protocol.md, "Voice
// control frames"), so the widget can tell the shop where the shopper's
// wait went. Five points on the gateway's clock (`now`, ms):
//   voiced      the shopper's last voiced frame of the turn arrived
//   ended       the gateway decided the turn had ended (turn-taking.mjs)
//   recognized  the turn's words were known
//   answered    the agent's first speakable piece of the answer was handed on
//   started     its first audio frame goes out (the start frame, right before it)
// Each step is whole ms, cut from the cumulative times (floor(p_i - p_0) -
// floor(p_(i-1) - p_0)), so the steps are non-negative integers whose sum
// never exceeds the time from `voiced` to `started`; a point earlier than
// the one before (a clock set back) counts as that one.
export const TIMING_STEPS = Object.freeze({
  end_of_turn_ms: ['voiced', 'ended'],
  recognition_ms: ['ended', 'recognized'],
  agent_ms: ['recognized', 'answered'],
  synthesis_ms: ['answered', 'started'],
});
const POINTS = ['voiced', 'ended', 'recognized', 'answered', 'started'];

export class TurnTiming {
  #now;
  #at = {};
  #void = false;

  // `voicedAt`: when the turn's last voiced frame arrived (null: unknown,
  // and then the turn has no timing); the turn ends now.
  constructor(now, voicedAt) {
    this.#now = now;
    if (voicedAt == null) this.#void = true;
    this.#at.voiced = voicedAt;
    this.#at.ended = now();
  }

  // The first time only: a later piece or a second recognition does not move it.
  mark(point) {
    this.#at[point] ??= this.#now();
  }

  // What the shopper hears first is not the answer (the filler "One moment."):
  // the start frame is the filler's, so it carries no timing.
  void() { this.#void = true; }

  // At the start frame: the steps, or null when a point is missing (the
  // words were not recognised: the "did not catch that" reply) or void.
  steps() {
    this.mark('started');
    if (this.#void || POINTS.some((p) => typeof this.#at[p] !== 'number')) return null;
    const from = this.#at.voiced;
    const since = {};
    let latest = from;
    for (const p of POINTS) {
      latest = Math.max(latest, this.#at[p]);
      since[p] = Math.floor(latest - from);
    }
    const out = {};
    for (const [name, [a, b]] of Object.entries(TIMING_STEPS)) out[name] = since[b] - since[a];
    return out;
  }
}
