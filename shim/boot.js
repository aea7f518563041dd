// Entry of the core bundle (esbuild, format iife -> natter.core.<hash>.js).
// The stable loader (web/loader.js) has already drawn the launcher and
// queued the shop's natter(...) calls; this file starts the core and wires
// the shim around it.
//
// Handshake with the loader: when this script runs it calls
//   window.natter.__boot(start)
// and the loader calls start(ctx) once, with
//   ctx = {root, launcher, manifest, base, dataset, attach}
//   root      the widget's ShadowRoot (the launcher is already in it)
//   manifest  the release manifest ({version, build, files: {core_wasm: …}})
//   base      the loader's own URL (manifest paths are relative to it)
//   dataset   a copy of the loader tag's data-* attributes
//   attach(run)  from then on natter(...) calls run(args); the loader
//             replays its queue through run, in order, before returning.

import createNatterCore from 'natter-core-glue';
import { defaultPlatform } from './platform.js';
import { coreConfig, panelTitle, CONVERSATION_KEY } from './config.js';
import { wasmLoader } from './load-wasm.js';
import { createCoreHost } from './core-host.js';
import { createHttpTransport } from './http-transport.js';
import { createEffectRunner } from './effects.js';
import { createListeners } from './listeners.js';
import { createLog } from './log.js';
import { createHostApi } from './host-api.js';
import { bindComposer, bindPanelKeys } from './keyboard.js';
import { createPanel } from './ui/panel.js';
import { createMessages } from './ui/messages.js';
import { panelSheet } from './ui/styles.js';

async function startCore(ctx, platform) {
  const wasm = ctx.manifest.files.core_wasm;
  const loader = wasmLoader({
    url: new URL(wasm.path, ctx.base).href,
    integrity: wasm.integrity,
    fetch: platform.fetch,
    WebAssembly,
    console: platform.console,
  });
  const Module = await Promise.race([
    createNatterCore({
      instantiateWasm: loader.hook,
      print: (text) => platform.console.log('[natter] ' + text),
      printErr: (text) => platform.console.error('[natter] ' + text),
    }),
    loader.failure,
  ]);
  const config = coreConfig({
    dataset: ctx.dataset,
    pageUrl: location.href,
    seeds: platform.seeds(),
    storedId: platform.storage.get(CONVERSATION_KEY),
  });
  const core = new Module.NatterCore(JSON.stringify(config));
  // Same conversation across the shop's pages, for this tab only.
  platform.storage.set(CONVERSATION_KEY, core.conversationId());
  return core;
}

function buildUi(ctx, listeners, dispatch) {
  const sheet = panelSheet();
  if (sheet) ctx.root.adoptedStyleSheets = [...ctx.root.adoptedStyleSheets, sheet];
  const panel = createPanel({
    doc: document,
    root: ctx.root,
    launcher: ctx.launcher,
    title: panelTitle(ctx.dataset),
    onOpenChange: (open) => listeners.emit(open ? 'open' : 'close', {}),
  });
  const messages = createMessages({
    doc: document,
    list: panel.list,
    onRetry: (id) => dispatch({ type: 'retry_clicked', message_id: id }),
  });
  bindComposer({ textarea: panel.textarea, sendButton: panel.sendButton, dispatch });
  bindPanelKeys({ panel: panel.panel, onEscape: panel.close });
  return { panel, messages, composer: panel.composer };
}

async function start(ctx) {
  const platform = defaultPlatform(window);
  const core = await startCore(ctx, platform);
  const log = createLog({ console: platform.console, now: platform.now });
  const listeners = createListeners({ console: platform.console });

  let host = null; // created below; the UI and transport only call it later
  const dispatch = (event) => host.dispatch(event);
  const ui = buildUi(ctx, listeners, dispatch);
  const transport = createHttpTransport({ fetch: platform.fetch, dispatch, wallNow: platform.wallNow });
  const runEffect = createEffectRunner({ ui, transport, listeners, log });
  host = createCoreHost({ core, runEffect, ...platform });
  addEventListener('pagehide', (e) => { if (!e.persisted) transport.abortAll(); });

  ctx.attach(createHostApi({
    panel: ui.panel, dispatch, listeners, manifest: ctx.manifest, core, log, console: platform.console,
  }));
}

const natter = window.natter;
if (natter && typeof natter.__boot === 'function') {
  // A failed start leaves the launcher and the queue as they are.
  natter.__boot((ctx) => start(ctx).catch((err) => console.error('[natter] the chat could not start:', err)));
} else {
  console.error('[natter] natter.core loaded without the natter.js loader; nothing to attach to');
}
