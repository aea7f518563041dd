// The per-session send rate: a token bucket per connection (a session has
// one current connection, on one instance, so this bounds the session).
// `take(nowMs)` answers 0 when the msg may go on, else the milliseconds until
// it may be sent again.
export const SEND_BURST = 20;
export const SEND_PER_SECOND = 2;

export class SendRate {
  #tokens;
  #at = null;

  constructor({ burst = SEND_BURST, perSecond = SEND_PER_SECOND } = {}) {
    this.burst = burst;
    this.perSecond = perSecond;
    this.#tokens = burst;
  }

  take(nowMs) {
    if (this.#at !== null) this.#tokens = Math.min(this.burst, this.#tokens + ((nowMs - this.#at) * this.perSecond) / 1000);
    this.#at = nowMs;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) * 1000) / this.perSecond);
  }
}
