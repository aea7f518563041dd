// Starts the core for the widget: in this page, or in the core frame from
// the widget's origin when the page's CSP forbids compiling WebAssembly
// (shim/frame/). boot.js calls startCore once per conversation's core.

import { afterRest, loadCoreWasm, natterCoreClass } from './core-api.js';
import {
  coreConfig, transportMode, mintTabId, multipleConversations, storedSessionText,
  CONVERSATION_KEY, CONVERSATIONS_KEY, RELOAD_KEY,
} from './config.js';
import { CSP_HINT } from './load-wasm.js';
import { createCoreHost } from './core-host.js';
import { loadFrameHost } from './frame/load-frame-host.js';
import { detectCapabilities } from './capabilities.js';
import { takeContinueSecret } from './continue/fragment.js';

// The core in this page: {core: a NatterCore (shim/core-api.js), loadRest()}, or
// NatterCspError when the page's CSP forbids compiling WebAssembly. `parts`:
// coreParts'; its rest is the part of the core a first chat does not call,
// which loadRest() downloads (shim/core-api.js).
async function startLocalCore(parts, config, platform) {
  const module = await loadCoreWasm({
    url: parts.wasmUrl,
    integrity: parts.wasm.integrity,
    rest: parts.rest,
    fetch: platform.fetch,
    WebAssembly,
    console: platform.console,
    setTimeout: platform.setTimeout,
  });
  const NatterCore = natterCoreClass(module);
  // Compiles the send path before the shopper's first message, when the page
  // is idle (core_api.cpp natter_core_warm: WASM is compiled on first call).
  whenIdle(platform, () => NatterCore.warm());
  return { core: await afterRest(() => new NatterCore(config)), loadRest: module.loadRest };
}

// fn() when the page is next idle (at most 2 s later on a page that never
// is; at once without requestIdleCallback).
export function whenIdle(platform, fn) {
  (window.requestIdleCallback ?? ((f) => platform.setTimeout(f, 1)))(fn, { timeout: 2000 });
}

// The core's parts for this page's transport: {wasm: its manifest entry,
// wasmUrl, rest: {url, integrity} or null for a release whose core is one
// file}. The build splits the core once per transport
// (tools/bundle/build.mjs): a page on HTTP (the default) gets the pair whose
// first part holds only what a first chat over HTTP calls; a page on the
// live session the pair split by the session's first chats (a release from
// before that split has only the first pair).
function coreParts(ctx) {
  const files = ctx.manifest.files;
  const session = transportMode(ctx.connection) === 'session' && files.core_session_wasm;
  const [wasm, rest] = session ? [files.core_session_wasm, files.core_session_rest_wasm]
    : [files.core_wasm, files.core_rest_wasm];
  return {
    wasm,
    wasmUrl: new URL(wasm.path, ctx.base).href,
    rest: rest ? { url: new URL(rest.path, ctx.base).href, integrity: rest.integrity } : null,
  };
}

// The core in the core frame (shim/frame/, its host side downloaded now:
// load-frame-host.js), for a page whose CSP forbids compiling WebAssembly
// (cspError). Prints ONE console error whatever the outcome, naming what the
// shop can change. Returns {core, createHost}.
async function startFrameCore(ctx, platform, config, parts, cspError) {
  const frame = ctx.manifest.files.core_frame_html;
  if (!frame) throw cspError; // a release from before the frame
  const url = new URL(frame.path, ctx.base).href;
  const origin = new URL(url).origin;
  let core;
  let frameHost;
  try {
    frameHost = await loadFrameHost({ manifest: ctx.manifest, base: ctx.base });
    core = await frameHost.openCoreFrame({
      doc: document, win: window, root: ctx.root, url, config,
      wasm: { path: parts.wasmUrl, integrity: parts.wasm.integrity, rest: parts.rest },
      setTimeout: platform.setTimeout, clearTimeout: platform.clearTimeout,
    });
  } catch (err) {
    platform.console.error(`[natter] the chat could not start: ${CSP_HINT}, or allow frame-src ${origin} `
      + `so the chat can run inside a frame from there (${err.message})`);
    throw Object.assign(err, { reported: true });
  }
  platform.console.error(`[natter] ${CSP_HINT}. Meanwhile the chat runs inside a frame from ${origin}.`);
  return { core, createHost: frameHost.createRemoteCoreHost };
}

// Starts the core: in this page, or in the core frame when the page's CSP
// forbids WebAssembly. Returns {core, createHost, loadRest?}: core-host.js's
// (and the rest's download, which the core frame starts itself), or the
// frame's (a remote core answers later).
export async function startCore(ctx, platform) {
  const storedId = platform.storage.get(CONVERSATION_KEY);
  const config = JSON.stringify({ ...coreConfig({
    dataset: ctx.connection,
    pageUrl: location.href,
    seeds: platform.seeds(),
    storedId,
    tabId: mintTabId(platform.seeds()),
    build: ctx.manifest.build,
    version: ctx.manifest.version,
    channelUrl: ctx.manifest.channel,
    wallNow: platform.wallNow(),
    storedReload: platform.storage.get(RELOAD_KEY),
    storedSession: storedSessionText(platform.storage, ctx.connection, storedId),
    storedIndex: multipleConversations(ctx.connection) ? platform.storage.get(CONVERSATIONS_KEY) : null,
    capabilities: detectCapabilities(window),
  }), continue_secret: takeContinueSecret(window) });
  const parts = coreParts(ctx);
  let started;
  try {
    started = { ...(await startLocalCore(parts, config, platform)), createHost: createCoreHost };
  } catch (err) {
    if (err?.name !== 'NatterCspError') throw err;
    started = await startFrameCore(ctx, platform, config, parts, err);
  }
  // Same conversation across the shop's pages, for this tab only.
  platform.storage.set(CONVERSATION_KEY, started.core.conversationId());
  return started;
}
