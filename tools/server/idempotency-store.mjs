// Idempotency records for POST /api/chat, keyed by Idempotency-Key.
//
// Rules (docs/protocol.md, RELIABILITY.md):
// - the agent runs at most once per key: the first request starts a run,
//   every later request with the same key and body reads that run (joined
//   while it is in progress, replayed once it is done);
// - the same key with a different body is a conflict (the caller answers 422);
// - records are kept at least `ttlMs` (24 h) after they were created, then
//   pruned when new records are added;
// - a run that failed (the agent threw, or the server closed mid-run) never
//   delivered a complete reply, so the next request with its key runs again.
import { createHash } from 'node:crypto';

export const DAY_MS = 24 * 60 * 60 * 1000;

// A stable digest of the fields that make two requests "the same body".
export function fingerprint({ message_id, conversation_id, text }) {
  return createHash('sha256').update(JSON.stringify([message_id, conversation_id, text])).digest('hex');
}

export class IdempotencyStore {
  #records = new Map(); // key -> { fingerprint, run, createdAt }
  #ttlMs;
  #now;

  constructor({ ttlMs = DAY_MS, now = Date.now } = {}) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  // Looks the key up and, when there is no usable record, calls `start()`
  // (which must return a ReplyRun) and stores its run.
  // Returns { conflict: true } or { run, outcome: 'started' | 'joined' | 'replayed' }.
  begin(key, print, start) {
    const existing = this.#records.get(key);
    if (existing && existing.run.state !== 'failed' && !this.#expired(existing)) {
      if (existing.fingerprint !== print) return { conflict: true };
      return { run: existing.run, outcome: existing.run.state === 'done' ? 'replayed' : 'joined' };
    }
    this.#prune();
    const run = start();
    this.#records.set(key, { fingerprint: print, run, createdAt: this.#now() });
    return { run, outcome: 'started' };
  }

  // True when a usable record for `key` holds a different fingerprint: what
  // begin() would answer as a conflict, asked without starting anything.
  conflicts(key, print) {
    const existing = this.#records.get(key);
    return Boolean(existing && existing.run.state !== 'failed' && !this.#expired(existing)
      && existing.fingerprint !== print);
  }

  get size() { return this.#records.size; }

  clear() { this.#records.clear(); }

  #expired(record) { return this.#now() - record.createdAt >= this.#ttlMs; }

  #prune() {
    for (const [key, record] of this.#records) {
      if (record.run.state !== 'running' && this.#expired(record)) this.#records.delete(key);
    }
  }
}
