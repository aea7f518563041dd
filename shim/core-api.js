// The core's WASM exports (wasm/bindings/core_api.cpp: plain C functions,
// JSON text in and out as UTF-8 in the module's memory) as one class:
//
//   const NatterCore = natterCoreClass(Module);   // Module = await createNatterCore(...)
//   const core = new NatterCore(JSON.stringify(config));
//   core.handle(eventJson, nowMs)  -> JSON array of effects (text)
//   core.nextDeadline() / conversationId() / statsJson() / identityJson() / delete()
//
// Text going in is copied into memory the module allocates and freed after
// the call; text coming out is read before the next call (the module keeps
// one output buffer), and HEAPU8 is read after each call because memory may
// have grown during it.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function natterCoreClass(Module) {
  function withText(text, call) {
    const bytes = encoder.encode(text);
    const ptr = Module._malloc(bytes.length || 1);
    Module.HEAPU8.set(bytes, ptr);
    try {
      return call(ptr, bytes.length);
    } finally {
      Module._free(ptr);
    }
  }
  const read = (ptr) => decoder.decode(Module.HEAPU8.subarray(ptr, ptr + Module._natter_core_out_len()));
  const live = (core) => {
    if (!core.ptr) throw new Error('NatterCore used after delete()');
    return core.ptr;
  };

  return class NatterCore {
    // One whole turn on a scratch core, so the browser compiles its WASM
    // before the first real message (core_api.cpp natter_core_warm). True
    // when that turn ran to its reply.
    static warm() { return Module._natter_core_warm() === 1; }
    constructor(configJson) {
      this.ptr = withText(configJson, (p, n) => Module._natter_core_new(p, n));
    }
    handle(eventJson, nowMs) {
      const core = live(this);
      return read(withText(eventJson, (p, n) => Module._natter_core_handle(core, p, n, nowMs)));
    }
    nextDeadline() { return Module._natter_core_next_deadline(live(this)); }
    conversationId() { return read(Module._natter_core_conversation_id(live(this))); }
    statsJson() { return read(Module._natter_core_stats_json(live(this))); }
    identityJson() { return read(Module._natter_core_identity_json(live(this))); }
    // Not garbage collected: the host frees it (core-host.js dispose()).
    delete() {
      if (this.ptr) Module._natter_core_delete(this.ptr);
      this.ptr = 0;
    }
  };
}
