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
//
// The core in two parts (docs/decisions/0006-core-split-by-first-chat-profile.md):
// the shipped core_wasm holds only the functions a first chat calls; the
// rest (core_rest_wasm) fills the others in when it is instantiated against
// it. Until then a call that reaches one of them is undone (the module's
// live memory and stack pointer put back as they were before the call) and
// throws CoreRestPending, whose `ready` settles once the rest is in; the
// host then makes the same call again. The core is deterministic, so the
// replayed call answers exactly what it would have answered the first time.
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

// A call reached the part of the core that is still loading; it was undone.
// `ready` resolves once that part is in (it never rejects: the download is
// retried); then make the same call again.
export class CoreRestPending extends Error {
  constructor(ready) {
    super('the chat engine is still loading part of its code');
    this.name = 'CoreRestPending';
    this.ready = ready;
  }
}

// What a function of the rest runs before the rest is in: wasm-split's
// placeholders (imports "p".<n> of core_wasm) all throw this.
const REACHED_REST = Object.freeze({ natter: 'reached-rest' });
const placeholders = new Proxy({}, { get: () => () => { throw REACHED_REST; } });
export const SPLIT_CORE_IMPORTS = { ...CORE_IMPORTS, p: placeholders };

// The download of the rest, retried until it succeeds (with console.warn
// and a growing pause: 1, 2, 4 … 30 s), since nothing can answer a call
// that needs it until then. load() -> Promise (instantiates the rest).
function restLoader(load, { setTimeout, console }) {
  let ready = null;
  let whole = false;
  const attempt = (pauseMs) => load().then(() => { whole = true; }, (err) => {
    console.warn(`[natter] part of the chat engine did not load (${err?.message ?? err}); retrying in ${pauseMs / 1000} s`);
    return new Promise((resolve) => setTimeout(resolve, pauseMs)).then(() => attempt(Math.min(pauseMs * 2, 30_000)));
  });
  return {
    whole: () => whole,
    load: () => (ready ??= attempt(1000)),
  };
}

// Runs call(); if it reaches the rest before the rest is in, puts back what
// the call changed and throws CoreRestPending. Between calls the module's
// state lives in [0, low) and [high, top): its data and heap, around the
// stack (core_api.cpp natter_core_live_memory).
function guardFor(ex, rest) {
  if (!rest) return (call) => call();
  let saved = new Uint8Array(0); // reused: the copy is made before every call
  return function guard(call) {
    if (rest.whole()) return call();
    const spans = new Uint32Array(ex.memory.buffer, ex.natter_core_live_memory(), 4);
    const low = spans[1];
    const high = spans[2];
    const top = spans[3];
    const before = new Uint8Array(ex.memory.buffer);
    if (saved.length < low + top - high) saved = new Uint8Array((low + top - high) * 2);
    saved.set(before.subarray(0, low), 0);
    saved.set(before.subarray(high, top), low);
    const stack = ex.stackSave();
    try {
      return call();
    } catch (err) {
      if (err !== REACHED_REST) throw err;
      const memory = new Uint8Array(ex.memory.buffer);
      memory.set(saved.subarray(0, low), 0);
      memory.set(saved.subarray(low, low + top - high), high);
      ex.stackRestore(stack);
      throw new CoreRestPending(rest.load());
    }
  };
}

// What natterCoreClass takes: the exports, with guard (guardFor) and
// loadRest() (starts the rest's download; resolves once it is in). `rest`:
// {load(imports) -> Promise<instance>, setTimeout, console} for a core_wasm
// that has one.
function coreModule(instance, rest) {
  const ex = instance.exports;
  const loader = rest && restLoader(() => rest.load({ ...CORE_IMPORTS, a: ex }), rest);
  return { ...ex, guard: guardFor(ex, loader), loadRest: loader ? loader.load : () => Promise.resolve() };
}

// Runs the module's constructors once, then returns coreModule's object.
// Call it once per instance. Throws CoreRestPending if the constructors
// need the rest before it is in (loadCoreWasm waits for it instead).
export function initCore(instance, rest = null) {
  const wasm = coreModule(instance, rest);
  wasm.guard(() => instance.exports._initialize());
  return wasm;
}

// The page's and the core frame's way in: fetches the core .wasm with SRI
// (source: load-wasm.js instantiateWasmFile's, and `rest`: the core_rest_wasm
// entry {url, integrity}, fetched the same way when loadRest() or a call
// needs it), instantiates and starts it.
export async function loadCoreWasm(source) {
  const rest = source.rest && {
    load: (imports) => instantiateWasmFile({ ...source, ...source.rest }, imports),
    setTimeout: source.setTimeout ?? setTimeout,
    console: source.console,
  };
  const { instance } = await instantiateWasmFile(source, rest ? SPLIT_CORE_IMPORTS : CORE_IMPORTS);
  const wasm = coreModule(instance, rest);
  await afterRest(() => wasm.guard(() => instance.exports._initialize()));
  return wasm;
}

// call()'s result, made again once the rest is in each time it throws
// CoreRestPending (which undid it): for callers that can wait.
export async function afterRest(call) {
  for (;;) {
    try {
      return call();
    } catch (err) {
      if (!(err instanceof CoreRestPending)) throw err;
      await err.ready;
    }
  }
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
  const guard = wasm.guard ?? ((call) => call());

  return class NatterCore {
    // One whole turn on a scratch core, so the browser compiles its WASM
    // before the first real message (core_api.cpp natter_core_warm). True
    // when that turn ran to its reply.
    // Not warmed (false) if that would need the rest before it is in.
    static warm() {
      try {
        return guard(() => wasm.natter_core_warm() === 1);
      } catch (err) {
        if (err instanceof CoreRestPending) return false;
        throw err;
      }
    }
    // Every method may throw CoreRestPending (above): nothing happened then.
    constructor(configJson) {
      this.ptr = guard(() => withText(configJson, (p, n) => wasm.natter_core_new(p, n)));
    }
    handle(eventJson, nowMs) {
      const core = live(this);
      return guard(() => read(withText(eventJson, (p, n) => wasm.natter_core_handle(core, p, n, nowMs))));
    }
    nextDeadline() { return guard(() => wasm.natter_core_next_deadline(live(this))); }
    conversationId() { return guard(() => read(wasm.natter_core_conversation_id(live(this)))); }
    statsJson() { return guard(() => read(wasm.natter_core_stats_json(live(this)))); }
    identityJson() { return guard(() => read(wasm.natter_core_identity_json(live(this)))); }
    // Not garbage collected: the host frees it (core-host.js dispose()); a
    // free that needs the rest happens once the rest is in.
    delete() {
      const core = this.ptr;
      this.ptr = 0;
      if (!core) return;
      try {
        guard(() => wasm.natter_core_delete(core));
      } catch (err) {
        if (!(err instanceof CoreRestPending)) throw err;
        err.ready.then(() => wasm.natter_core_delete(core));
      }
    }
  };
}
