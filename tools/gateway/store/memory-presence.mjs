// Presence in the embedded store (memory-store.mjs; the contract is
// store/README.md, "Presence"): staff seen at the staff API, staff typing,
// read receipts and the shopper's email. It works on the store's session
// records through the few steps the store lends it, so a read receipt or an
// email is numbered, logged and announced exactly like any other event.
export class MemoryPresence {
  #typingListeners = new Set();
  #staffSeen = new Map(); // staff name -> last staff API call (ms)
  #host;

  // host: now() -> ms; held(id) -> the session record or null; log(s,
  // replyTo, event, data) -> the numbered frame; staffEntry(s, entry);
  // appended(id) (tells onAppend listeners).
  constructor(host) { this.#host = host; }

  markStaffPresent(name) { this.#staffSeen.set(name, this.#host.now()); }

  staffOnline(withinMs) {
    const since = this.#host.now() - withinMs;
    return [...this.#staffSeen.values()].some((at) => at >= since);
  }

  // The shopper's email for staff, kept once per emailId (a re-send after a
  // reconnect is 'known'): 'saved' | 'known' | 'gone'.
  saveEmailOnce(id, emailId, entry) {
    const s = this.#host.held(id);
    if (!s) return 'gone';
    const key = `email:${emailId}`;
    if (s.staffIds.has(key)) return 'known';
    s.staffIds.set(key, '');
    this.#host.staffEntry(s, entry);
    return 'saved';
  }

  // Staff `name` opened the conversation: a `read` event through the last
  // message the session acked, unless nothing arrived since the last one.
  // Returns the frame, null (nothing new), or 'gone'.
  markRead(id, name) {
    const s = this.#host.held(id);
    if (!s) return 'gone';
    const last = [...s.acked.keys()].at(-1);
    if (!last || s.readThrough === last) return null;
    s.readThrough = last;
    const frame = this.#host.log(s, 'read', 'read', { through: last, by: { name } });
    this.#host.appended(id);
    return frame;
  }

  // Staff typing: a notice to whoever holds the shopper's socket, never logged.
  publishTyping(id, typing) { for (const fn of this.#typingListeners) fn(id, typing); }
  onTyping(fn) { this.#typingListeners.add(fn); return () => this.#typingListeners.delete(fn); }

  lastSeq(id) { return this.#host.held(id)?.seq ?? null; }

  clear() { this.#staffSeen.clear(); }
}
