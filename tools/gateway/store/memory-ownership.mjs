// Who may carry a conversation on, in the embedded store (memory-store.mjs;
// the Redis twin is redis-ownership.mjs): the hashes of the newest resume
// tokens welcomed for each conversation (session/conversation-owner.mjs) and
// the hash of its conversation_key (session/conversation-key.mjs). Both are
// bounded: owners as many as sessions, keys as many as idempotency records,
// the least recently used going first.
import { OWNER_TOKENS_KEPT } from './session-tokens.mjs';

export class MemoryOwnership {
  #owners = new Map();   // conversation id -> hashes of its newest resume tokens
  #convKeys = new Map(); // conversation id -> the hash of its conversation_key
  #limits;

  constructor({ limits }) { this.#limits = limits; }

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
    if (this.#convKeys.size > this.#limits.maxRuns) this.#convKeys.delete(this.#convKeys.keys().next().value);
    return held === undefined ? 'bound' : 'same';
  }

  conversationKey(id) { return this.#convKeys.get(id) ?? null; }

  clear() {
    this.#owners.clear();
    this.#convKeys.clear();
  }
}
