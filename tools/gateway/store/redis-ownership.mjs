// Who may carry a conversation on, in the Redis store (the in-memory twin,
// with the rules, is memory-ownership.mjs), kept as long as a transcript:
//   nt:{<id>}:owners  a list of resume-token hashes, newest first, at most OWNER_TOKENS_KEPT
//   nt:{<id>}:ckey    the hash of the conversation_key, from its last use
import { OWNER_TOKENS_KEPT } from './session-tokens.mjs';

export class RedisOwnership {
  #client;
  #limits;

  constructor({ client, limits }) {
    this.#client = client;
    this.#limits = limits;
  }

  async rememberOwner(id, tokenHash) {
    const key = `nt:{${id}}:owners`;
    await this.#client.multi().lRem(key, 0, tokenHash).lPush(key, tokenHash).lTrim(key, 0, OWNER_TOKENS_KEPT - 1)
      .pExpire(key, this.#limits.runTtlMs).exec();
  }

  async wasOwner(id, tokenHash) {
    return (await this.#client.lRange(`nt:{${id}}:owners`, 0, -1)).includes(tokenHash);
  }

  // In one step: SET NX GET answers the hash already held (or none, when
  // this one was just set), so two first requests racing bind one key and
  // the other is told 'other'.
  async bindConversationKey(id, keyHash) {
    const key = `nt:{${id}}:ckey`;
    const held = await this.#client.set(key, keyHash, { NX: true, GET: true, PX: this.#limits.runTtlMs });
    if (held !== null && held !== keyHash) return 'other';
    if (held !== null) await this.#client.pExpire(key, this.#limits.runTtlMs);
    return held === null ? 'bound' : 'same';
  }

  async conversationKey(id) { return this.#client.get(`nt:{${id}}:ckey`); }
}
