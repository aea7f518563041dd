// Readers waiting for a change of an agent run, per run key: the one
// mechanism behind both stores' waitRun (memory-runs.mjs, redis-runs.mjs).
// A wait ends at the first of: wake(key), its timeout, its signal's abort;
// and leaves no timer, listener or empty entry behind, so a server that
// follows many runs holds nothing for the ones nobody waits on.
export class RunWaiters {
  #byKey = new Map(); // key -> Set(done)

  // Keys with a waiter now (tests: nothing is left behind).
  get size() { return this.#byKey.size; }

  wait(key, ms, signal) {
    return new Promise((resolve) => {
      let waiters = this.#byKey.get(key);
      if (!waiters) this.#byKey.set(key, waiters = new Set());
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        waiters.delete(done);
        if (waiters.size === 0 && this.#byKey.get(key) === waiters) this.#byKey.delete(key);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done);
      waiters.add(done);
    });
  }

  wake(key) {
    const waiters = this.#byKey.get(key);
    if (!waiters) return;
    this.#byKey.delete(key);
    for (const done of waiters) done();
  }

  // The store is closing: every waiter returns now.
  wakeAll() { for (const key of [...this.#byKey.keys()]) this.wake(key); }
}
