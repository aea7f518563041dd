// The continue links of the embedded store (memory-store.mjs; the contract
// is store/README.md, "Continue on another device"): which links were
// minted, which are spent, and how many typed-code attempts each client made.
// The session's token lines stay with the sessions: a redeem asks the store
// to open the second device's line through `openSecondLine`.
//
// A link is kept under the hash of its secret (and its typed code's hash
// points to it) until `expiresAt + graceMs`, so a late or second redeem is
// told "expired" or "used" rather than "unknown".
//
// Bounds (session/client-bounds.mjs, given with each mint): at most
// `maxLive` redeemable links per session (minting past it retires the
// oldest: it expires now and drops its saved products), and at most
// `maxOffers` mints per session per `offerWindowMs`.
import { CLIENT_BOUNDS } from '../session/client-bounds.mjs';

export class MemoryContinueLinks {
  #links = new Map(); // sha256(secret) -> link
  #codes = new Map(); // sha256(typed code) -> sha256(secret)
  #live = new Map(); // session id -> sha256(secret) of its links, oldest first
  #offers = new Map(); // session id -> {count, resetAt}: mints in this window
  #misses = new Map(); // client address -> {count, resetAt}
  #now;
  #openSecondLine;

  // now() -> ms; openSecondLine(id) -> {token, seq} (a new second-device
  // line on the held session, replacing any earlier one) or null (not held).
  constructor({ now, openSecondLine }) {
    this.#now = now;
    this.#openSecondLine = openSecondLine;
  }

  // Call only for a held session (the store checks). -> true, or
  // {ok: false, code: 'rate_limited', retryAfterMs} past the offer rate.
  mintContinue(id, {
    secretHash, codeHash, ttlMs, graceMs, saved = [], maxLive = CLIENT_BOUNDS.maxLiveContinueLinks,
    maxOffers = CLIENT_BOUNDS.continueOffersPerWindow, offerWindowMs = CLIENT_BOUNDS.continueOfferWindowMs,
  }) {
    const now = this.#now();
    this.#prune(now);
    const held = this.#offers.get(id);
    const offers = held && held.resetAt > now ? held : { count: 0, resetAt: now + offerWindowMs };
    if (offers.count >= maxOffers) return { ok: false, code: 'rate_limited', retryAfterMs: offers.resetAt - now };
    offers.count += 1;
    this.#offers.set(id, offers);
    const live = (this.#live.get(id) ?? []).filter((hash) => {
      const link = this.#links.get(hash);
      return link && !link.used && link.expiresAt > now;
    });
    while (live.length >= maxLive) { // the oldest makes room: expired now, its products let go
      const oldest = this.#links.get(live.shift());
      oldest.expiresAt = now;
      oldest.saved = [];
    }
    live.push(secretHash);
    this.#live.set(id, live);
    this.#links.set(secretHash, { id, codeHash, expiresAt: now + ttlMs, keepUntil: now + ttlMs + graceMs, used: false, saved });
    this.#codes.set(codeHash, secretHash);
    return true;
  }

  #prune(now) {
    for (const [hash, link] of this.#links) {
      if (link.keepUntil > now) continue;
      this.#links.delete(hash);
      this.#codes.delete(link.codeHash);
    }
    for (const [id, hashes] of this.#live) {
      const kept = hashes.filter((hash) => this.#links.has(hash));
      if (kept.length) this.#live.set(id, kept);
      else this.#live.delete(id);
    }
    for (const [id, offers] of this.#offers) if (offers.resetAt <= now) this.#offers.delete(id);
    for (const [key, misses] of this.#misses) if (misses.resetAt <= now) this.#misses.delete(key);
  }

  // {secretHash} or {codeHash} -> {ok: true, id, token, seq, saved} or {ok: false,
  // code: 'unknown' | 'used' | 'expired' | 'gone'}. Once only, in one step.
  redeemContinue({ secretHash = '', codeHash = '' }) {
    const now = this.#now();
    this.#prune(now);
    const hash = secretHash || this.#codes.get(codeHash) || '';
    const link = this.#links.get(hash);
    if (!link) return { ok: false, code: 'unknown' };
    if (link.used) return { ok: false, code: 'used' };
    if (link.expiresAt <= now) return { ok: false, code: 'expired' };
    const line = this.#openSecondLine(link.id);
    if (!line) return { ok: false, code: 'gone' };
    link.used = true;
    return { ok: true, id: link.id, token: line.token, seq: line.seq, saved: link.saved };
  }

  // One typed-code attempt by `key` (a client address), taken before the
  // code is looked at and in the same step as the check, so concurrent
  // guesses cannot all pass the check before any is counted. -> {ok: true},
  // or {ok: false, retryAfterMs} once `max` are taken in this window.
  // refundContinueAttempt gives one back (the code was a real one: only
  // misses are meant to count).
  takeContinueAttempt(key, max, windowMs) {
    const now = this.#now();
    const held = this.#misses.get(key);
    const entry = held && held.resetAt > now ? held : { count: 0, resetAt: now + windowMs };
    if (entry.count >= max) return { ok: false, retryAfterMs: entry.resetAt - now };
    entry.count += 1;
    this.#misses.set(key, entry);
    return { ok: true };
  }

  refundContinueAttempt(key) {
    const held = this.#misses.get(key);
    if (held && held.resetAt > this.#now() && held.count > 0) held.count -= 1;
  }

  clear() {
    this.#links.clear();
    this.#codes.clear();
    this.#live.clear();
    this.#offers.clear();
    this.#misses.clear();
  }
}
