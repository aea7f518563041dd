// Fetches a .wasm with the manifest's Subresource Integrity hash and
// instantiates it: instantiateWasmFile() for the core (no glue: boot.js,
// the core frame), wasmLoader() for the voice module's Emscripten glue,
// through its instantiateWasm hook (the glue's own loader knows nothing of
// SRI).
//
// Streams (WebAssembly.instantiateStreaming) when the server labels the
// file application/wasm; otherwise, or if streaming fails, falls back to
// arrayBuffer + instantiate. Emscripten 3.1.6 cannot be told that an async
// instantiateWasm failed, so the glue's `failure` rejects instead: race it
// against the glue's promise.
//
// A page whose Content-Security-Policy lacks 'wasm-unsafe-eval' makes every
// compile throw (CompileError in Chromium and Firefox, EvalError in Safari).
// That is not retried: it rejects with a NatterCspError that names the
// directive to add; boot.js prints it and falls back to the core frame.

export const CSP_HINT = "this page's Content-Security-Policy blocks WebAssembly: "
  + "add 'wasm-unsafe-eval' to its script-src directive (script-src 'self' 'wasm-unsafe-eval' …)";

function blockedByCsp(err) {
  return (err?.name === 'CompileError' || err?.name === 'EvalError')
    && /unsafe-eval|Content.Security.Policy|\bCSP\b/i.test(String(err.message));
}

function explained(err) {
  if (!blockedByCsp(err)) return err;
  const out = new Error(CSP_HINT, { cause: err });
  out.name = 'NatterCspError';
  return out;
}

// {instance, module} of the .wasm at url, or a rejection (NatterCspError
// where the page's CSP forbids compiling it).
export async function instantiateWasmFile({ url, integrity, fetch, WebAssembly, console }, imports) {
  const get = async () => {
    const response = await fetch(url, { integrity, credentials: 'same-origin' });
    if (!response.ok) throw new Error(`fetching ${url} failed: HTTP ${response.status}`);
    return response;
  };
  try {
    const response = await get();
    const type = response.headers.get('content-type') || '';
    if (WebAssembly.instantiateStreaming && type.split(';')[0].trim() === 'application/wasm') {
      try {
        return await WebAssembly.instantiateStreaming(response, imports);
      } catch (err) {
        if (blockedByCsp(err)) throw err;
        console.warn('[natter] streaming WASM compile failed, retrying without streaming:', err);
        return await WebAssembly.instantiate(await (await get()).arrayBuffer(), imports);
      }
    }
    return await WebAssembly.instantiate(await response.arrayBuffer(), imports);
  } catch (err) {
    throw explained(err);
  }
}

// For Emscripten glue: {hook, failure}. hook is the Module's instantiateWasm:
// it starts instantiating, hands the instance to the glue when ready, and
// returns {} to tell the glue the exports will come later.
export function wasmLoader(source) {
  let fail;
  const failure = new Promise((_, reject) => { fail = reject; });
  failure.catch(() => {}); // observed by whoever races it; never "unhandled"
  function hook(imports, receive) {
    instantiateWasmFile(source, imports).then((r) => receive(r.instance, r.module), fail);
    return {};
  }
  return { hook, failure };
}
