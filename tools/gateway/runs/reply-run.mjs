// One agent run in the store: produced by the instance that claimed it, read
// by any number of responses on any instance. The run belongs to the
// gateway, not to a request: a reader that goes away stops reading, the run
// goes on to the end so a retry can replay it.
//
// produceRun writes the agent's events (an array or an async iterable: an
// agent adapter's reply; one that throws fails the run) under its fence and
// renews its lease;
// once another instance took the run over (fence + 1), every write answers
// false and the producer stops: a stale writer is fenced off in the store.
// A takeover continues after the `have` events already written (the run's
// recovery point), so readers see one reply, not a partial one plus a new one.
//
// followRun yields the run's events from `from`, in order, each once. While
// the run is in progress it waits for the store's notice (or polls), and when
// the producer's lease has expired it asks `takeover()` to claim the run
// ('held': not claimed, a person has the conversation; the run ends failed here).
import { setTimeout as sleep } from 'node:timers/promises';
import { groupCommit } from './group-commit.mjs';

export const LEASE_MS = 15_000;
const POLL_MS = 250;

// Runs this process is producing, per store: key -> { from, events, state,
// changed }. `events` are those written (with the fence holding) from index
// `from` on; a reader here takes them from memory instead of asking the store
// again. Removed when the run ends or is fenced off (readers then ask the store).
const producing = new WeakMap();
function localRuns(store) {
  let runs = producing.get(store);
  if (!runs) producing.set(store, runs = new Map());
  return runs;
}
function armed(entry) {
  entry.changed = new Promise((resolve) => { entry.wake = resolve; });
}
function touched(entry) {
  const wake = entry.wake;
  armed(entry);
  wake();
}

export async function produceRun({ store, key, fence, have, events, paceMs = 0, signal, leaseMs = LEASE_MS, log = () => {} }) {
  const fenced = new AbortController();
  const renew = setInterval(() => {
    store.renewRun(key, fence, leaseMs).then((ok) => { if (!ok) fenced.abort(); }, () => {});
  }, Math.max(10, Math.floor(leaseMs / 3)));
  const stop = signal ? AbortSignal.any([signal, fenced.signal]) : fenced.signal;
  const runs = localRuns(store);
  const local = { from: have, events: [], state: 'running' };
  armed(local);
  runs.set(key, local);
  const finish = (state) => {
    local.state = state;
    touched(local);
    if (runs.get(key) === local) runs.delete(key);
    return state;
  };
  // The agent's events are written by group commit: the agent never waits
  // for the store, and events that arrive during a write share the next one.
  let written = have;
  const writer = groupCommit(async (batch) => {
    if (!(await store.appendRunEvents(key, fence, written, batch))) return 'fenced';
    written += batch.length;
    local.events.push(...batch);
    touched(local);
    return 'ok';
  });
  try {
    let index = -1;
    for await (const event of events) { // an array, or an agent adapter's async iterable
      index += 1;
      if (index < have) continue;
      if (paceMs > 0 && event.event === 'delta') await sleep(paceMs, undefined, { signal: stop });
      if (stop.aborted) throw stop.reason ?? new Error('aborted');
      if (!writer.push(event)) break; // fenced off: stop reading the agent
    }
    if ((await writer.drain()) !== 'ok') return finish('fenced');
    return finish((await store.endRun(key, fence, 'done')) ? 'done' : 'fenced');
  } catch (error) {
    await writer.drain().catch(() => {}); // nothing of this writer lands after the run's end
    if (fenced.signal.aborted) return finish('fenced');
    log(`[server] agent run ${key.slice(0, 8)} failed: ${error?.message ?? error}`);
    const ended = await store.endRun(key, fence, 'failed').catch(() => false);
    return finish(ended ? 'failed' : 'fenced');
  } finally {
    clearInterval(renew);
  }
}

// Resolves when `changed` does, after POLL_MS, or on abort, and leaves no
// timer or abort listener behind: a reader waits once per event, and a poll
// timer left running after each (a plain sleep raced with `changed`) kept
// one listener per event of the last POLL_MS on the request's signal.
function changeOrPoll(changed, signal) {
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, POLL_MS);
    signal?.addEventListener('abort', done, { once: true });
    changed.then(done);
  });
}

// The store's wait for a change of the run, armed before a read so that no
// notice slips between the two. `cancel()` ends it at once when the read made
// it moot (it brought events, or the run ended): otherwise its timer and its
// listener on the request's signal would outlive the read by up to POLL_MS.
function armStoreWait(store, key, signal) {
  const stop = new AbortController();
  const cancel = () => stop.abort();
  signal?.addEventListener('abort', cancel, { once: true });
  const changed = store.waitRun(key, POLL_MS, stop.signal)
    .finally(() => signal?.removeEventListener('abort', cancel));
  return { changed, cancel };
}

// `result.state` is 'done' or 'failed' once the generator returns (unset if
// the reader stopped first). A replay (`replay`: the run was already done)
// is paced like the original.
export async function* followRun({ store, key, from = 0, paceMs = 0, replay = false, signal, takeover, result = {} }) {
  let next = from;
  const runs = localRuns(store);
  while (!signal?.aborted) {
    const local = runs.get(key);
    if (local && next >= local.from) { // produced here: straight from memory
      if (next < local.from + local.events.length) {
        const event = local.events[next - local.from];
        if (replay && paceMs > 0 && event.event === 'delta') {
          try { await sleep(paceMs, undefined, { signal }); } catch { return; }
        }
        next += 1;
        yield event;
        continue;
      }
      if (local.state === 'running') {
        await changeOrPoll(local.changed, signal);
        continue;
      }
      if (local.state !== 'fenced') {
        result.state = local.state;
        return;
      }
    }
    const wait = armStoreWait(store, key, signal);
    try {
      const run = await store.readRun(key, next);
      if (run === null) { // the record is gone (Redis lost its data): this reply cannot finish
        result.state = 'failed';
        return;
      }
      if (run.events.length > 0) wait.cancel(); // no wait needed: events first, then read again
      for (const event of run.events) {
        if (replay && paceMs > 0 && event.event === 'delta') {
          try { await sleep(paceMs, undefined, { signal }); } catch { return; }
        }
        next += 1;
        yield event;
      }
      if (run.events.length > 0) continue;
      if (run.state !== 'running') {
        result.state = run.state;
        return;
      }
      if (!run.expired || !takeover) await wait.changed;
      else if ((await takeover()) === 'held') { result.state = 'failed'; return; } // nobody produces the rest
    } finally {
      wait.cancel(); // whichever way the turn ended (also a reader that stopped at a yield)
    }
  }
}
