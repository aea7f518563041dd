// One agent run: the events of one reply, produced once and read by any
// number of responses. The run belongs to the server, not to a request: a
// client that disconnects stops reading, and the run goes on to the end so a
// retry can replay it.
//
// Pacing: the run waits `paceMs` before each `delta` event. A reader of a
// finished run (a replay) waits the same; a reader that joins a run in
// progress gets the events so far at once, then the rest as they are made.
import { setTimeout as sleep } from 'node:timers/promises';

export class ReplyRun {
  events = [];
  state = 'running'; // 'running' | 'done' | 'failed'
  #wake = null; // resolves when an event arrives or the state changes
  #woken = null;

  constructor() { this.#arm(); }

  #arm() { this.#woken = new Promise((resolve) => { this.#wake = resolve; }); }
  #notify() { const wake = this.#wake; this.#arm(); wake(); }

  push(event) { this.events.push(event); this.#notify(); }
  finish() { this.state = 'done'; this.#notify(); }
  fail(error) { this.state = 'failed'; this.error = error; this.#notify(); }

  // Yields every event of the run in order, then returns. Stops early when
  // `signal` aborts (the reader went away) or the run failed.
  async *follow({ paceMs = 0, signal } = {}) {
    const replay = this.state === 'done';
    let next = 0;
    while (!signal?.aborted) {
      if (next < this.events.length) {
        const event = this.events[next++];
        if (replay && paceMs > 0 && event.event === 'delta') {
          try { await sleep(paceMs, undefined, { signal }); } catch { return; }
        }
        yield event;
      } else if (this.state !== 'running') {
        return;
      } else {
        await this.#woken;
      }
    }
  }
}

// Starts producing `events` (an array or an async iterable, such as an agent
// adapter's reply) into a new ReplyRun in the background and returns the run
// at once. An iterable that throws fails the run. `signal` (the server
// closing) stops it as failed.
export function startRun(events, { paceMs = 0, signal } = {}) {
  const run = new ReplyRun();
  (async () => {
    for await (const event of events) {
      if (paceMs > 0 && event.event === 'delta') await sleep(paceMs, undefined, { signal });
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      run.push(event);
    }
    run.finish();
  })().catch((error) => run.fail(error));
  return run;
}
