// The continue links of the Redis store (redis-store.mjs; the contract is
// store/README.md, "Continue on another device"): minting and redeeming
// each in one Lua step (redis-continue-scripts.mjs, which also describes the
// keys, and the live-link and offer-rate bounds), and each client's
// typed-code attempts counted in Redis (checked and counted in one script),
// so guessing typed codes is bounded across every instance.
import { newResumeToken } from './session-tokens.mjs';
import { sessionKeys } from './redis-keys.mjs';
import { CLIENT_BOUNDS } from '../session/client-bounds.mjs';

export class RedisContinueLinks {
  #client;
  #run;

  // client: the store's command connection; run(name, keys, args): runs
  // one of the store's loaded scripts.
  constructor({ client, run }) {
    this.#client = client;
    this.#run = run;
  }

  // -> true, false (not held), or {ok: false, code: 'rate_limited', retryAfterMs}.
  async mintContinue(id, {
    secretHash, codeHash, ttlMs, graceMs, saved = [], maxLive = CLIENT_BOUNDS.maxLiveContinueLinks,
    maxOffers = CLIENT_BOUNDS.continueOffersPerWindow, offerWindowMs = CLIENT_BOUNDS.continueOfferWindowMs,
  }) {
    const [s] = sessionKeys(id);
    // The saved products go in the same step, before the secret leaves in continue.offered.
    const answer = await this.#run('MINT_CONTINUE',
      [s, `nt:cont:${secretHash}`, `nt:contcode:${codeHash}`, `nt:contlive:${id}`, `nt:contrate:${id}`],
      [id, codeHash, secretHash, ttlMs, graceMs, maxLive, maxOffers, offerWindowMs, saved.length ? JSON.stringify(saved) : '']);
    if (Array.isArray(answer)) return { ok: false, code: 'rate_limited', retryAfterMs: Math.max(Number(answer[1]), 0) };
    return answer === 1;
  }

  async redeemContinue({ secretHash = '', codeHash = '' }) {
    const hash = secretHash || (codeHash ? await this.#client.get(`nt:contcode:${codeHash}`) : null);
    if (!hash) return { ok: false, code: 'unknown' };
    const [id, saved] = await this.#client.hmGet(`nt:cont:${hash}`, ['id', 'saved']);
    if (!id) return { ok: false, code: 'unknown' };
    const token = newResumeToken();
    const [s] = sessionKeys(id);
    const answer = await this.#run('REDEEM_CONTINUE', [`nt:cont:${hash}`, s], [id, token]);
    return Array.isArray(answer) ? { ok: true, id, token, seq: Number(answer[1]), saved: saved ? JSON.parse(saved) : [] }
      : { ok: false, code: answer };
  }

  // As memory-continue-links.mjs: the check and the count in one script.
  async takeContinueAttempt(key, max, windowMs) {
    const [ok, ms] = await this.#run('TAKE_CONTINUE_ATTEMPT', [`nt:contmiss:${key}`], [max, windowMs]);
    return ok === 1 ? { ok: true } : { ok: false, retryAfterMs: Math.max(Number(ms), 0) };
  }

  async refundContinueAttempt(key) { await this.#run('REFUND_CONTINUE_ATTEMPT', [`nt:contmiss:${key}`], []); }
}
