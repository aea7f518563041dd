// The agent runs of the embedded store (memory-store.mjs; the contract is
// store/README.md, "Agent runs"): one idempotency record per message id,
// with its owner's fence and lease, the events written so far, and the
// waiters to wake when it changes. Same contract as the Redis scripts
// (redis-run-scripts.mjs), checked by tests/server/store-contract.test.mjs.
import { RunWaiters } from './run-waiters.mjs';
import { EVICT_SCAN } from './limits.mjs';

export class MemoryRuns {
  #records = new Map(); // key -> run record
  #waiters = new RunWaiters();
  #limits;
  #now;

  constructor({ limits, now }) {
    this.#limits = limits;
    this.#now = now;
  }

  get size() { return this.#records.size; }

  clear() { this.#records.clear(); }

  #run(key) {
    const r = this.#records.get(key);
    if (r && r.createdAt + this.#limits.runTtlMs <= this.#now() && !this.#live(r)) {
      this.#records.delete(key);
      return null;
    }
    return r ?? null;
  }

  #live(r) { return r.state === 'running' && r.leaseUntil > this.#now(); }

  #notify(key) { this.#waiters.wake(key); }

  async claimRun(key, print, { owner = '', leaseMs = 15_000 } = {}) {
    const r = this.#run(key);
    if (r && r.print !== print && r.state !== 'failed') return { outcome: 'conflict' };
    if (r && r.state === 'done') return { outcome: 'replayed' };
    if (r && this.#live(r)) return { outcome: 'joined' };
    if (r) { // failed, or its owner stopped renewing: fence it off and take over
      r.fence += 1;
      r.owner = owner;
      r.state = 'running';
      r.print = print;
      r.leaseUntil = this.#now() + leaseMs;
      this.#notify(key);
      return { outcome: 'takeover', fence: r.fence, have: r.events.length };
    }
    if (this.#records.size >= this.#limits.maxRuns) {
      for (const k of [...this.#records.keys()]) this.#run(k);
      if (this.#records.size >= this.#limits.maxRuns && !this.#evictOldest()) return { outcome: 'full' };
    }
    this.#records.set(key, {
      print, state: 'running', owner, fence: 1, leaseUntil: this.#now() + leaseMs, events: [], createdAt: this.#now(),
    });
    return { outcome: 'started', fence: 1, have: 0 };
  }

  // At the cap the oldest record that no agent is running makes room (Map
  // order is claim order), so a flood of new ids pushes out old answers
  // instead of refusing every shopper. Only when all the oldest
  // EVICT_SCAN records are running is the claim refused (full). The
  // evicted id, sent again, runs its agent again.
  #evictOldest() {
    let scanned = 0;
    for (const [k, r] of this.#records) {
      if (scanned++ >= EVICT_SCAN) break;
      if (this.#live(r)) continue;
      this.#records.delete(k);
      return true;
    }
    return false;
  }

  async runConflicts(key, print) {
    const r = this.#run(key);
    return Boolean(r && r.state !== 'failed' && r.print !== print);
  }

  #fenced(key, fence) {
    const r = this.#records.get(key);
    return r && r.fence === fence && r.state === 'running' ? r : null;
  }

  async appendRunEvent(key, fence, index, event) { return this.appendRunEvents(key, fence, index, [event]); }

  // Events index..index+n-1 (group commit); those already held are skipped.
  async appendRunEvents(key, fence, index, events) {
    const r = this.#fenced(key, fence);
    if (!r || index > r.events.length) return false;
    r.events.push(...events.slice(r.events.length - index));
    this.#notify(key);
    return true;
  }

  async renewRun(key, fence, leaseMs) {
    const r = this.#fenced(key, fence);
    if (!r) return false;
    r.leaseUntil = this.#now() + leaseMs;
    return true;
  }

  async endRun(key, fence, state) {
    const r = this.#fenced(key, fence);
    if (!r) return false;
    r.state = state;
    this.#notify(key);
    return true;
  }

  async readRun(key, from = 0) {
    const r = this.#run(key);
    if (!r) return null;
    return { state: r.state, events: r.events.slice(from), expired: r.state === 'running' && !this.#live(r) };
  }

  waitRun(key, ms, signal) { return this.#waiters.wait(key, ms, signal); }
}
