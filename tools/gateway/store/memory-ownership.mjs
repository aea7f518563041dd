// Who may carry a conversation on, in the embedded store (memory-store.mjs;
// the Redis twin is redis-ownership.mjs): the hashes of the newest resume
// tokens welcomed for each conversation (session/conversation-owner.mjs) and
// the hash of its conversation_key (session/conversation-key.mjs). Owners
// are bounded as many as sessions, the least recently used going first.
// A key is kept as long as its conversation lives (a held session or a kept
// transcript, `live`): past maxRuns keys the oldest whose conversation is
// gone goes, never a live one, so a flood of new conversations cannot
// unbind a shopper's key (the conversations themselves are bounded).
import { OWNER_TOKENS_KEPT } from './session-tokens.mjs';

const FORGET_WALK = 64;

export class MemoryOwnership {
  #owners = new Map();   // conversation id -> hashes of its newest resume tokens
  #convKeys = new Map(); // conversation id -> the hash of its conversation_key
  #limits;

  #live;

  // `live(id)`: whether conversation `id` still has a session or a transcript.
  constructor({ limits, live = () => false }) {
    this.#limits = limits;
    this.#live = live;
  }

  // Kept as long as its transcript can be: after the session is gone, a
  // hello proves it held the conversation only with one of them.
  rememberOwner(id, tokenHash) {
    const hashes = [tokenHash, ...(this.#owners.get(id) ?? []).filter((h) => h !== tokenHash)].slice(0, OWNER_TOKENS_KEPT);
    this.#owners.delete(id);
    this.#owners.set(id, hashes);
    if (this.#owners.size > this.#limits.maxSessions) this.#owners.delete(this.#owners.keys().next().value);
  }

  wasOwner(id, tokenHash) { return (this.#owners.get(id) ?? []).includes(tokenHash); }

  // The first hash offered is kept; later ones are compared with it.
  // -> 'bound' (this one now), 'same' or 'other'.
  bindConversationKey(id, keyHash) {
    const held = this.#convKeys.get(id);
    if (held !== undefined && held !== keyHash) return 'other';
    this.#convKeys.delete(id);
    this.#convKeys.set(id, keyHash);
    if (this.#convKeys.size > this.#limits.maxRuns) this.#forgetOneGone(id);
    return held === undefined ? 'bound' : 'same';
  }

  // Drops the oldest key whose conversation is gone; live ones met on the
  // way move to the back. A bounded walk: the map may stay a few over the
  // cap while the oldest conversations all live.
  // `keep`: the conversation binding now (not live until its first answer).
  #forgetOneGone(keep) {
    for (let i = 0; i < FORGET_WALK; i += 1) {
      const [id, hash] = this.#convKeys.entries().next().value;
      this.#convKeys.delete(id);
      if (id !== keep && !this.#live(id)) return;
      this.#convKeys.set(id, hash);
    }
  }

  conversationKey(id) { return this.#convKeys.get(id) ?? null; }

  clear() {
    this.#owners.clear();
    this.#convKeys.clear();
  }
}
