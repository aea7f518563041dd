// Sends a connection its session's events in seq order, each once, whoever
// wrote them: the turn pump, the voice gateway, or a writer outside this
// socket's path (a staff takeover or reply, a handoff request, possibly on
// another instance: store.onAppend). A frame that would leave a gap is not
// sent; the log is read from the store instead, so the shopper never waits
// on a resync for an event this instance did not write itself.
//
// createEventFeed(conn, store, send) → { push(frame), catchUp(), sentSeq }.
// `send(frame)` puts a frame on the socket; conn.sessionId names the log.
export function createEventFeed(conn, store, send, log = () => {}) {
  let sentSeq = 0;
  let reading = null; // the catch-up in progress
  let again = false;

  function push(frame) {
    if (frame.seq <= sentSeq) return; // sent already (a replay, or the catch-up got there first)
    if (frame.seq === sentSeq + 1) {
      sentSeq = frame.seq;
      send(frame);
      return;
    }
    catchUp();
  }

  function catchUp() {
    if (reading) { again = true; return reading; }
    reading = (async () => {
      do {
        again = false;
        const frames = await store.eventsAfter(conn.sessionId, sentSeq);
        if (frames === null) return; // trimmed past what was sent: the client's own resync resumes it
        for (const frame of frames) push(frame);
      } while (again);
    })().catch((error) => log(`[server] WS /api/session catch-up failed: ${error?.message ?? error}`))
      .finally(() => { reading = null; });
    return reading;
  }

  return {
    push,
    catchUp,
    get sentSeq() { return sentSeq; },
    set sentSeq(seq) { sentSeq = seq; },
  };
}
