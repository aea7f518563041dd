// Everything the shim takes from the outside world, in one defaults object.
// Modules receive the pieces they need as options, so node tests swap in a
// fake clock, a fake fetch or an in-memory storage without touching globals.
//
// Contract:
//   fetch(url, init)      the WHATWG fetch
//   WebSocket             the WebSocket constructor (ws-transport.js)
//   now()                 monotonic ms (what the core's deadlines are measured in)
//   wallNow()             epoch ms (HTTP-date Retry-After values; the release reload guard)
//   setTimeout/clearTimeout
//   seeds()               {hi, lo}: two 16-hex-digit strings from a CSPRNG (the
//                         core's id minter; the core never sees Math.random),
//                         and key: 48 hex digits from a draw of their own, a
//                         new conversation's key (never derived from the ids
//                         a shop and its logs see)
//   storage               get/set that never throw (sessionStorage may be
//                         missing or throw in sandboxed iframes / private mode)
//   console               where log effects go

export function hex64(words, i) {
  return words[i].toString(16).padStart(8, '0') + words[i + 1].toString(16).padStart(8, '0');
}

export function safeStorage(getStore) {
  return {
    get(key) {
      try { return getStore().getItem(key); } catch { return null; }
    },
    set(key, value) {
      try { getStore().setItem(key, value); } catch { /* quota or blocked: not worth failing over */ }
    },
  };
}

export function defaultPlatform(win = globalThis) {
  return {
    fetch: (url, init) => win.fetch(url, init),
    WebSocket: win.WebSocket,
    now: () => win.performance.now(),
    wallNow: () => Date.now(),
    setTimeout: (fn, ms) => win.setTimeout(fn, ms),
    clearTimeout: (id) => win.clearTimeout(id),
    seeds() {
      const w = win.crypto.getRandomValues(new Uint32Array(10));
      return { hi: hex64(w, 0), lo: hex64(w, 2), key: hex64(w, 4) + hex64(w, 6) + hex64(w, 8) };
    },
    storage: safeStorage(() => win.sessionStorage),
    console: win.console,
  };
}
