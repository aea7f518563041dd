// The core's WASM module (wasm/bindings/core_api.cpp: plain C exports, JSON
// text in and out as UTF-8 in the module's memory, linked standalone with no
// Emscripten glue) as one class:
//
//   const { instance } = await WebAssembly.instantiate(bytes, CORE_IMPORTS);
//   const NatterCore = natterCoreClass(initCore(instance));
//   const core = new NatterCore(JSON.stringify(config));
//   core.handle(eventJson, nowMs)  -> JSON array of effects (text)
//   core.nextDeadline() / conversationId() / statsJson() / identityJson() / delete()
//
// Text going in is copied into memory the module allocates and freed after
// the call; text coming out is read before the next call (the module keeps
// one output buffer). Memory may grow during any call, which detaches the
// old buffer: the byte view is taken again whenever the buffer changed.

import { instantiateWasmFile } from './load-wasm.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// What the core imports: the C runtime's two calls out (the allowlist in
// tests/node/wasm_purity.test.mjs). Growth needs no answer (byte views are
// taken afresh); exit only comes from abort(), a bug in the core.
export const CORE_IMPORTS = {
  env: { emscripten_notify_memory_growth() {} },
  wasi_snapshot_preview1: {
    proc_exit(code) { throw new Error(`the natter core aborted (exit ${code})`); },
  },
};

// Runs the module's constructors once, then returns its exports: what
// natterCoreClass takes. Call it once per instance.
export function initCore(instance) {
  instance.exports._initialize();
  return instance.exports;
}

// The page's and the core frame's way in: fetches the core .wasm with SRI
// (source: load-wasm.js instantiateWasmFile's), instantiates and starts it.
export async function loadCoreWasm(source) {
  const { instance } = await instantiateWasmFile(source, CORE_IMPORTS);
  return initCore(instance);
}

export function natterCoreClass(wasm) {
  let heap = new Uint8Array(0);
  const bytes = () => (heap.buffer === wasm.memory.buffer ? heap : (heap = new Uint8Array(wasm.memory.buffer)));
  function withText(text, call) {
    const encoded = encoder.encode(text);
    const ptr = wasm.malloc(encoded.length || 1);
    bytes().set(encoded, ptr);
    try {
      return call(ptr, encoded.length);
    } finally {
      wasm.free(ptr);
    }
  }
  const read = (ptr) => decoder.decode(bytes().subarray(ptr, ptr + wasm.natter_core_out_len()));
  const live = (core) => {
    if (!core.ptr) throw new Error('NatterCore used after delete()');
    return core.ptr;
  };

  return class NatterCore {
    // One whole turn on a scratch core, so the browser compiles its WASM
    // before the first real message (core_api.cpp natter_core_warm). True
    // when that turn ran to its reply.
    static warm() { return wasm.natter_core_warm() === 1; }
    constructor(configJson) {
      this.ptr = withText(configJson, (p, n) => wasm.natter_core_new(p, n));
    }
    handle(eventJson, nowMs) {
      const core = live(this);
      return read(withText(eventJson, (p, n) => wasm.natter_core_handle(core, p, n, nowMs)));
    }
    nextDeadline() { return wasm.natter_core_next_deadline(live(this)); }
    conversationId() { return read(wasm.natter_core_conversation_id(live(this))); }
    statsJson() { return read(wasm.natter_core_stats_json(live(this))); }
    identityJson() { return read(wasm.natter_core_identity_json(live(this))); }
    // Not garbage collected: the host frees it (core-host.js dispose()).
    delete() {
      if (this.ptr) wasm.natter_core_delete(this.ptr);
      this.ptr = 0;
    }
  };
}
