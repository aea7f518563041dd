// A fault planted from outside the product (no hook in the widget): run in
// the page before (or, in WebKitGTK's driver, right after) its scripts, it
// wraps WebAssembly.instantiate and instantiateStreaming so that every core
// module instantiated from then on traps, as a bug inside the WASM does
// (a RuntimeError from natter_core_handle), on the events that match.
//
//   window.__natterTrap = { match, times, cores }
//     match, times: the next `times` events whose JSON contains `match` trap
//     cores: how many core modules were wrapped (a core made before the
//            wrapping cannot trap: a story checks it has one that can)
//
// Self-contained: drivers send it to the page as source text.
export function plantCoreTraps() {
  if (window.__natterTrap) return;
  window.__natterTrap = { match: null, times: 0, cores: 0 };
  const wrap = (result) => {
    const exports = result.instance?.exports;
    if (!exports?.natter_core_handle) return result;
    window.__natterTrap.cores += 1;
    const handle = exports.natter_core_handle;
    const wrapped = {
      ...exports,
      natter_core_handle(core, ptr, len, now) {
        const trap = window.__natterTrap;
        if (trap.times > 0) {
          const text = new TextDecoder().decode(new Uint8Array(exports.memory.buffer, ptr, len));
          if (text.includes(trap.match)) {
            trap.times -= 1;
            throw new WebAssembly.RuntimeError('unreachable');
          }
        }
        return handle(core, ptr, len, now);
      },
    };
    return { module: result.module, instance: { exports: wrapped } };
  };
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const real = WebAssembly[name];
    WebAssembly[name] = (...args) => real.apply(WebAssembly, args).then(wrap);
  }
}

// The first delta of a streamed reply, as it sits (escaped) inside the
// ws_frame event the core is handed.
export const FIRST_DELTA = '\\"event\\":\\"delta\\"';
