// Group commit: items are written in order, one write at a time; the items
// that arrive while a write is in flight go together in the next one. An
// idle stream pays no added latency (the first item is written at once);
// a burst, or a store that is slow under load, costs one round trip per
// batch instead of one per item (a reply's tokens: one Lua call each
// before, docs/benchmarks.md "Gateway").
//
// `write(batch)` resolves 'ok' to go on, or any other verdict to stop: the
// queued items are dropped and drain() resolves that verdict. A write that
// throws stops the same way, and drain() rethrows it.
export const MAX_BATCH = 64;

export function groupCommit(write, { maxBatch = MAX_BATCH } = {}) {
  const queue = [];
  let inFlight = null;
  let verdict = 'ok';
  let failure = null;

  function next() {
    if (inFlight || queue.length === 0 || verdict !== 'ok') return;
    const batch = queue.splice(0, maxBatch);
    inFlight = (async () => {
      try {
        verdict = await write(batch);
      } catch (error) {
        failure = error;
        verdict = 'failed';
      }
      inFlight = null;
      if (verdict !== 'ok') queue.length = 0;
      next();
    })();
  }

  return {
    // False once stopped: the item is not written.
    push(item) {
      if (verdict !== 'ok') return false;
      queue.push(item);
      next();
      return true;
    },
    get stopped() { return verdict !== 'ok'; },
    // Resolves once everything pushed is written (or the writer stopped).
    async drain() {
      while (inFlight) await inFlight;
      if (failure) throw failure;
      return verdict;
    },
  };
}
