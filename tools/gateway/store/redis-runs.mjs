// The agent runs of the Redis store (redis-store.mjs; the contract is
// store/README.md, "Agent runs"): each idempotency record claimed, written,
// renewed and ended in one Lua step (redis-run-scripts.mjs: CLAIM, APPEND_RUN,
// RENEW_RUN, END_RUN, READ_RUN), fenced in Redis. "This run changed" is a
// pub/sub notice that wakes waitRun early; a lost notice only costs the
// wait's timeout, since every waiter reads the run again.
import { RUN_CHANNEL, runKeys } from './redis-keys.mjs';
import { RunWaiters } from './run-waiters.mjs';
import { EVICT_SCAN } from './limits.mjs';

export class RedisRuns {
  #client;
  #run;
  #limits;
  #waiters = new RunWaiters();

  // client: the store's command connection; run(name, keys, args): runs
  // one of the store's loaded scripts; limits: the store's bounds.
  constructor({ client, run, limits }) {
    this.#client = client;
    this.#run = run;
    this.#limits = limits;
  }

  // Call once from the store's start(), on its subscriber connection.
  async subscribe(sub) { await sub.subscribe(RUN_CHANNEL, (key) => this.#wake(key)); }

  // The store is closing: every waiter returns now.
  wakeAll() { this.#waiters.wakeAll(); }

  async claimRun(key, print, { owner = '', leaseMs = 15_000 } = {}) {
    const reply = await this.#run('CLAIM', runKeys(key),
      [key, print, owner, leaseMs, this.#limits.maxRuns, this.#limits.runTtlMs, RUN_CHANNEL, EVICT_SCAN]);
    const [outcome, fence, have] = reply;
    return fence === undefined ? { outcome } : { outcome, fence: Number(fence), have: Number(have) };
  }

  async runConflicts(key, print) {
    const [p, st] = await this.#client.hmGet(runKeys(key)[0], ['p', 'st']);
    return p !== null && st !== 'failed' && p !== print;
  }

  async appendRunEvent(key, fence, index, event) { return this.appendRunEvents(key, fence, index, [event]); }

  async appendRunEvents(key, fence, index, events) {
    const [r, e] = runKeys(key);
    return (await this.#run('APPEND_RUN', [r, e], [fence, index, RUN_CHANNEL, key, ...events.map((ev) => JSON.stringify(ev))])) === 1;
  }

  async renewRun(key, fence, leaseMs) {
    return (await this.#run('RENEW_RUN', [runKeys(key)[0]], [fence, leaseMs])) === 1;
  }

  async endRun(key, fence, state) {
    return (await this.#run('END_RUN', [runKeys(key)[0]], [fence, state, RUN_CHANNEL, key])) === 1;
  }

  async readRun(key, from = 0) {
    const [r, e] = runKeys(key);
    const reply = await this.#run('READ_RUN', [r, e], [from]);
    if (reply === null) return null;
    return { state: reply[0], expired: reply[1] === 1, events: reply[2].map((text) => JSON.parse(text)) };
  }

  #wake(key) { this.#waiters.wake(key); }

  waitRun(key, ms, signal) { return this.#waiters.wait(key, ms, signal); }
}
