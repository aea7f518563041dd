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
import { natterCoreClass } from './core-api.js';
import { defaultPlatform } from './platform.js';
import { coreConfig, transportMode, mintTabId, CONVERSATION_KEY, SESSION_KEY } from './config.js';
import { wasmLoader } from './load-wasm.js';
import { createCoreHost } from './core-host.js';
import { createHttpTransport } from './http-transport.js';
import { createWsTransport } from './ws-transport.js';
import { createBrowserSignals } from './browser-signals.js';
import { createEffectRunner } from './effects.js';
import { createListeners } from './listeners.js';
import { createLog } from './log.js';
import { createHostApi } from './host-api.js';
import { bindComposer, bindPanelKeys } from './keyboard.js';
import { createPanel } from './ui/panel.js';
import { createMessages } from './ui/messages.js';
import { createStatusLine } from './ui/status-line.js';
import { panelSheet } from './ui/styles.js';
import { createViewportFit } from './ui/viewport.js';
import { startLook } from './look.js';
import { localizeEffects } from './i18n/core-text.js';
import { createVoiceBar } from './ui/voice-bar.js';
import { createVoiceEffects } from './voice/voice-effects.js';
import { loadVoiceRuntime } from './voice/load-runtime.js';
import { releaseManifest } from './release-files.js';

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
    tabId: mintTabId(platform.seeds()),
    build: ctx.manifest.build,
    storedSession: platform.storage.get(SESSION_KEY),
  });
  const NatterCore = natterCoreClass(Module);
  const core = new NatterCore(JSON.stringify(config));
  // Same conversation across the shop's pages, for this tab only.
  platform.storage.set(CONVERSATION_KEY, core.conversationId());
  return core;
}

// look: {options, t, locale} (look.js).
function buildUi(ctx, listeners, dispatch, platform, session, look) {
  const sheet = panelSheet();
  if (sheet) ctx.root.adoptedStyleSheets = [...ctx.root.adoptedStyleSheets, sheet];
  const fit = createViewportFit({ win: window, doc: document, root: ctx.root });
  const panel = createPanel({
    doc: document,
    root: ctx.root,
    launcher: ctx.launcher,
    title: look.options.title,
    greeting: look.options.greeting,
    launcherLabel: look.options.launcherLabel,
    t: look.t,
    locale: look.locale,
    onOpenChange: (open) => {
      if (open) fit.opened();
      else fit.closed();
      // Opening the panel wants the live session (again, after a disconnect).
      if (open && session) dispatch({ type: 'session_wanted' });
      listeners.emit(open ? 'open' : 'close', {});
    },
  });
  const messages = createMessages({
    doc: document,
    list: panel.list,
    t: look.t,
    agentName: look.options.agentName,
    onRetry: (id) => dispatch({ type: 'retry_clicked', message_id: id }),
  });
  const status = createStatusLine({
    doc: document,
    parent: panel.panel,
    before: panel.list.parentNode,
    onRetryNow: () => dispatch({ type: 'retry_now_clicked' }),
    words: {
      reconnectingIn: (seconds) => look.t('status.reconnectingIn', { seconds }),
      reconnectingNow: look.t('status.reconnectingNow'),
      retryNow: look.t('status.retryNow'),
      useHere: look.t('status.useHere'),
    },
    focusFallback: panel.textarea,
    now: platform.now,
    setTimeout: platform.setTimeout,
    clearTimeout: platform.clearTimeout,
  });
  // Voice rides on the live session: only in session mode.
  const voice = session ? createVoiceBar({
    doc: document,
    composerRow: panel.sendButton.parentNode,
    sendButton: panel.sendButton,
    textarea: panel.textarea,
    parent: panel.panel,
    before: panel.list.parentNode.nextSibling,
    t: look.t,
    onStart: () => dispatch({ type: 'voice_start_clicked' }),
    onEnd: () => dispatch({ type: 'voice_end_clicked' }),
    onMute: (muted) => dispatch({ type: 'voice_mute_clicked', muted }),
  }) : null;
  bindComposer({ textarea: panel.textarea, sendButton: panel.sendButton, dispatch });
  bindPanelKeys({ panel: panel.panel, onEscape: panel.close });
  return { panel, messages, status, composer: panel.composer, voice };
}

async function start(loaderCtx) {
  const ctx = { ...loaderCtx, manifest: releaseManifest(loaderCtx.manifest) };
  const platform = defaultPlatform(window);
  const sessionMode = transportMode(ctx.dataset) === 'session';
  const look = startLook({ ctx, console: platform.console });
  const core = await startCore(ctx, platform);
  const { t, locale } = await look.language;
  const log = createLog({ console: platform.console, now: platform.now });
  const listeners = createListeners({ console: platform.console });

  let host = null; // created below; the UI and transport only call it later
  const dispatch = (event) => host.dispatch(event);
  const ui = buildUi(ctx, listeners, dispatch, platform, sessionMode, { options: look.options, t, locale });
  const transport = createHttpTransport({ fetch: platform.fetch, dispatch, wallNow: platform.wallNow });
  let voice = null; // session mode only; its runtime is downloaded on the first call
  const session = createWsTransport({
    WebSocket: platform.WebSocket, fetch: platform.fetch, dispatch, wallNow: platform.wallNow, log,
    onBinary: sessionMode ? (connId, data) => voice.onBinary(connId, data) : null,
  });
  if (sessionMode) {
    voice = createVoiceEffects({
      // The runtime is its own chunk, downloaded on the first call.
      makeRuntime: async (on) => {
        const createVoiceRuntime = await loadVoiceRuntime({ manifest: ctx.manifest, base: ctx.base });
        return createVoiceRuntime({ manifest: ctx.manifest, base: ctx.base, root: ctx.root, doc: document, win: window, on, log });
      },
      session, dispatch, ui, log,
    });
    // Autoplay rules and mobile Safari: resume audio on a gesture or return.
    ctx.root.addEventListener('pointerdown', () => voice.resume());
    document.addEventListener('visibilitychange', () => { if (!document.hidden) voice.resume(); });
  }
  const runEffect = localizeEffects(
    createEffectRunner({
      ui, transport, session, storage: platform.storage, listeners, log, voice, reload: () => location.reload(),
    }), t, { maxChars: 4000 },
  );
  host = createCoreHost({ core, runEffect, ...platform });
  addEventListener('pagehide', (e) => { if (!e.persisted) transport.abortAll(); });
  if (sessionMode) {
    // The browser's current network and visibility first, then the session
    // at once (a shopper moving to the next page resumes without a click).
    createBrowserSignals({ win: window, doc: document, dispatch }).start();
    dispatch({ type: 'session_wanted' });
  }

  const run = createHostApi({
    panel: ui.panel, dispatch, listeners, manifest: ctx.manifest, core, log, console: platform.console,
    session: sessionMode,
  });
  // natter('init', ...) after start re-themes (the loader handled earlier ones).
  ctx.attach((args) => (args[0] === 'init' ? look.reinit(args[1]) : run(args)));
}

const natter = window.natter;
if (natter && typeof natter.__boot === 'function') {
  // A failed start leaves the launcher and the queue as they are.
  natter.__boot((ctx) => start(ctx).catch((err) => console.error('[natter] the chat could not start:', err)));
} else {
  console.error('[natter] natter.core loaded without the natter.js loader; nothing to attach to');
}
