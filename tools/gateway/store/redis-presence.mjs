// Presence in the Redis store (redis-store.mjs; the contract is
// store/README.md, "Presence"): staff seen at the staff API (a sorted set
// by time), read receipts and the shopper's email (each one Lua step,
// redis-scripts.mjs), and staff typing, a pub/sub notice that is never
// stored (at-most-once: the next signal comes within seconds).
import { MAX_STAFF_ENTRIES } from '../control/transitions.mjs';
import { LOG_CHANNEL, STAFF_SEEN_KEY, TYPING_CHANNEL, sessionKeys, staffKeys } from './redis-keys.mjs';

export class RedisPresence {
  #client;
  #run;
  #limits;
  #typingListeners = new Set();

  // client: the store's command connection; run(name, keys, args): runs
  // one of the store's loaded scripts; limits: the store's bounds.
  constructor({ client, run, limits }) {
    this.#client = client;
    this.#run = run;
    this.#limits = limits;
  }

  // Call once from the store's start(), on its subscriber connection.
  async subscribe(sub) {
    await sub.subscribe(TYPING_CHANNEL, (message) => {
      const { id, typing } = JSON.parse(message);
      for (const fn of this.#typingListeners) fn(id, typing);
    });
  }

  async markStaffPresent(name) { await this.#client.zAdd(STAFF_SEEN_KEY, { score: Date.now(), value: name }); }

  async staffOnline(withinMs) {
    return (await this.#client.zCount(STAFF_SEEN_KEY, Date.now() - withinMs, '+inf')) > 0;
  }

  async saveEmailOnce(id, emailId, entry) {
    const [s] = sessionKeys(id);
    const [sl, si] = staffKeys(id);
    return this.#run('EMAIL_ONCE', [s, si, sl], [`email:${emailId}`, JSON.stringify(entry), MAX_STAFF_ENTRIES]);
  }

  async markRead(id, name) {
    const [s, l, , o] = sessionKeys(id);
    const reply = await this.#run('MARK_READ', [s, l, o], [name, this.#limits.maxEvents]);
    if (reply === 'gone') return 'gone';
    if (reply === 'none') return null;
    await this.#client.publish(LOG_CHANNEL, id);
    return JSON.parse(reply);
  }

  async publishTyping(id, typing) { await this.#client.publish(TYPING_CHANNEL, JSON.stringify({ id, typing })); }
  onTyping(fn) { this.#typingListeners.add(fn); return () => this.#typingListeners.delete(fn); }

  async lastSeq(id) {
    const [s] = sessionKeys(id);
    const [exists, seq] = await Promise.all([this.#client.exists(s), this.#client.hGet(s, 'seq')]);
    return exists ? Number(seq ?? 0) : null;
  }
}
