// The calls open on this instance, found by their connection (every packet
// and control frame names one) and by their conversation (a typed turn's
// reply is said in its session's call: one lookup per turn, not a walk of
// every open call). A session has at most one open call (voice-gateway.mjs
// ends the others when one starts).
export class OpenCalls {
  #byConnection = new Map(); // connection -> VoiceCall
  #bySession = new Map(); // session id -> VoiceCall

  get size() { return this.#byConnection.size; }

  get(conn) { return this.#byConnection.get(conn); }

  ofSession(sessionId) { return this.#bySession.get(sessionId); }

  connections() { return this.#byConnection.keys(); }

  calls() { return this.#byConnection.values(); }

  open(conn, call) {
    this.#byConnection.set(conn, call);
    this.#bySession.set(call.sessionId, call);
  }

  // Only the call's own entries: a newer call of the session may hold its key.
  close(conn, call) {
    if (this.#byConnection.get(conn) === call) this.#byConnection.delete(conn);
    if (this.#bySession.get(call.sessionId) === call) this.#bySession.delete(call.sessionId);
  }
}
