// Entry of the frame bundle (esbuild, iife -> natter.frame.<hash>.js), run by
// natter.frame.<hash>.html on the widget's own origin. It exists for host
// pages whose Content-Security-Policy forbids compiling WebAssembly: the
// core runs here, under the frame's own policy, and the host page talks to
// it over a MessagePort (shim/frame/README.md).
//
// Handshake: this script posts {natter: 'core-frame-ready'} to its parent;
// the parent answers once with a MessagePort (message {natter:
// 'core-frame-port'}). Everything after goes over that port, in order
// (shim/frame/frame-protocol.js lists the messages). The frame owns nothing
// but the core: no DOM, no network besides its own .wasm.

import { loadCoreWasm } from '../core-api.js';
import { createCoreServer } from './core-server.js';
import { READY, PORT } from './frame-protocol.js';

// Compiles the core .wasm (entry {path, integrity, rest?: {url, integrity}},
// paths relative to this frame's own URL) with SRI and returns its started
// exports; then downloads the rest of the core (shim/core-api.js).
async function loadModule(wasm) {
  const module = await loadCoreWasm({
    url: new URL(wasm.path, location.href).href,
    integrity: wasm.integrity,
    rest: wasm.rest && { url: new URL(wasm.rest.url, location.href).href, integrity: wasm.rest.integrity },
    fetch: (...args) => fetch(...args),
    WebAssembly,
    console,
    setTimeout: (...args) => setTimeout(...args),
  });
  setTimeout(() => module.loadRest(), 0);
  return module;
}

let connected = false;
addEventListener('message', (event) => {
  // Only our parent hands us the port, and only once.
  if (connected || event.source !== parent || event.data?.natter !== PORT || !event.ports[0]) return;
  connected = true;
  createCoreServer({ port: event.ports[0], loadModule, console });
});
parent.postMessage({ natter: READY }, '*'); // carries nothing secret: any origin may see it
