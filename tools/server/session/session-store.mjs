// Live sessions, in memory (a restart forgets them all; clients then get
// `resumed: false`). One Session per session_id holds what a resume needs:
// the resume token, the current connection, the event log with its seq, and
// the message ids it acked.
//
// The resume token is the proof of ownership (docs/protocol.md, "Handshake"):
// a new one on every welcome that resumes (rotateToken), the one before it
// still good for exactly one more hello (its welcome may have been lost on
// the way). proves(token) is the only check; both are small on purpose, so
// another store (shared, e.g. Redis) keeps the same two-token rule.
//
// Rules (docs/protocol.md, RELIABILITY.md):
// - at most one current connection per session (S4); attaching a new one is
//   the caller's replacement of the old;
// - a session with no current connection is held for `resumeWindowMs`
//   (120 s) after its last connection closed, then forgotten;
// - `seq` grows by one per event; the log keeps the last `maxEvents` events;
// - a fresh start (create) replaces any held session of that id and aborts
//   its turns; the new session's seq starts again at 0.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const RESUME_WINDOW_MS = 120_000;
const MAX_EVENTS = 5000;
const MAX_ACKED = 1000;

export const newResumeToken = () => randomBytes(18).toString('base64url');

// Equal tokens, compared in constant time (an empty token never matches).
export function sameToken(given, held) {
  if (typeof given !== 'string' || given === '' || typeof held !== 'string' || held === '') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(held);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class Session {
  resumeToken = newResumeToken(); // the one the last welcome carried
  previousToken = ''; // the one before: good for one more hello
  current = null; // the connection frames go to: { send(frame), tabId } or null
  seq = 0;
  log = []; // event frames, oldest first
  acked = new Map(); // message_id -> fingerprint, in ack order
  turns = Promise.resolve(); // the tail of this session's turn queue
  lastClosedAt;
  #abort = new AbortController();

  constructor(id, { now, maxEvents = MAX_EVENTS }) {
    this.id = id;
    this.lastClosedAt = now;
    this.maxEvents = maxEvents;
  }

  // Does `token` prove this session is the hello's? The current token, or
  // the previous one (a welcome lost on the way).
  proves(token) {
    return sameToken(token, this.resumeToken) || sameToken(token, this.previousToken);
  }

  // A proven hello's welcome: a new token; the one it replaces stays good for
  // one more hello, and the one before that is void from now on.
  rotateToken() {
    this.previousToken = this.resumeToken;
    this.resumeToken = newResumeToken();
    return this.resumeToken;
  }

  get signal() { return this.#abort.signal; }
  get ended() { return this.#abort.signal.aborted; }
  end() { this.#abort.abort(); }

  // Records an agent event of the reply to `replyTo`: numbers it, logs it and
  // sends it to the current connection. Dropped once the session has ended.
  emit(replyTo, { event, data }) {
    if (this.ended) return;
    this.seq += 1;
    const frame = { type: 'event', seq: this.seq, reply_to: replyTo, event, data };
    this.log.push(frame);
    if (this.log.length > this.maxEvents) this.log.splice(0, this.log.length - this.maxEvents);
    this.current?.send(frame);
  }

  eventsAfter(seq) { return this.log.filter((f) => f.seq > seq); }

  // Remembers an acked message (bounded: the oldest are forgotten first; the
  // idempotency store still dedupes their runs).
  accept(messageId, print) {
    this.acked.set(messageId, print);
    if (this.acked.size > MAX_ACKED) this.acked.delete(this.acked.keys().next().value);
  }

  // Runs `task` after every turn queued before it (turns in arrival order).
  enqueue(task, onError) {
    this.turns = this.turns.then(() => (this.ended ? undefined : task())).catch(onError);
    return this.turns;
  }
}

export class SessionStore {
  #sessions = new Map();
  #windowMs;
  #now;

  constructor({ resumeWindowMs = RESUME_WINDOW_MS, now = Date.now } = {}) {
    this.#windowMs = resumeWindowMs;
    this.#now = now;
  }

  // The held session of that id, or null (an expired one is forgotten here).
  get(id) {
    const session = this.#sessions.get(id);
    if (!session) return null;
    if (this.#expired(session)) {
      this.#forget(session);
      return null;
    }
    return session;
  }

  // A fresh session for `id`, replacing (and ending) any held one.
  create(id) {
    const old = this.#sessions.get(id);
    if (old) this.#forget(old);
    const session = new Session(id, { now: this.#now() });
    this.#sessions.set(id, session);
    return session;
  }

  // `conn` closed: if it was current, the resume window starts now.
  detach(session, conn) {
    if (session.current !== conn) return;
    session.current = null;
    session.lastClosedAt = this.#now();
  }

  prune() {
    for (const session of this.#sessions.values()) if (this.#expired(session)) this.#forget(session);
  }

  // { session_id: 1 } for every session with a current connection.
  openCounts() {
    const counts = {};
    for (const [id, session] of this.#sessions) if (session.current) counts[id] = 1;
    return counts;
  }

  get size() { return this.#sessions.size; }

  clear() {
    for (const session of [...this.#sessions.values()]) this.#forget(session);
  }

  #expired(session) {
    return !session.current && this.#now() - session.lastClosedAt >= this.#windowMs;
  }

  #forget(session) {
    session.end();
    if (this.#sessions.get(session.id) === session) this.#sessions.delete(session.id);
  }
}
