// This instance's handles of live sessions, for what stays in the process
// that holds the socket (voice calls: voice/voice-gateway.mjs keys its call
// state by handle). The session itself lives in the store. A fresh start
// ends the old handle (its calls are forgotten); a resume keeps it. A handle
// with no connection here is ended after the resume window.
export class LocalSessions {
  #handles = new Map(); // id -> { id, signal, ended, abort, conns }
  #windowMs;

  constructor({ resumeWindowMs }) { this.#windowMs = resumeWindowMs; }

  attach(id, fresh) {
    let handle = this.#handles.get(id);
    if (handle && fresh) this.#end(handle);
    handle = this.#handles.get(id);
    if (!handle) {
      const abort = new AbortController();
      handle = { id, signal: abort.signal, get ended() { return abort.signal.aborted; }, abort, conns: 0, timer: null };
      this.#handles.set(id, handle);
    }
    handle.conns += 1;
    clearTimeout(handle.timer);
    return handle;
  }

  detach(handle) {
    handle.conns -= 1;
    if (handle.conns > 0 || handle.ended) return;
    handle.timer = setTimeout(() => this.#end(handle), this.#windowMs);
    handle.timer.unref();
  }

  #end(handle) {
    clearTimeout(handle.timer);
    handle.abort.abort();
    if (this.#handles.get(handle.id) === handle) this.#handles.delete(handle.id);
  }

  clear() { for (const handle of [...this.#handles.values()]) this.#end(handle); }
}
