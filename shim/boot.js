// Entry of the core bundle (esbuild, format iife -> natter.core.<hash>.js).
// The stable loader (web/loader.js) has already drawn the launcher and
// queued the shop's natter(...) calls; this file starts the core and wires
// the shim around it.
//
// A page whose CSP forbids compiling WebAssembly gets the same widget with
// its core in a frame from the widget's origin (startFrameCore, shim/frame/).
//
// Handshake with the loader: when this script runs it calls
//   window.natter.__boot(start)
// and the loader calls start(ctx) once, with
//   ctx = {root, launcher, manifest, base, dataset, init, attach}
//   root      the widget's ShadowRoot (the launcher is already in it)
//   manifest  the release manifest ({version, build, files: {core_wasm: …}})
//   base      the loader's own URL (manifest paths are relative to it)
//   dataset   a copy of the loader tag's data-* attributes
//   (the host, ctx.root.host, is the shop's <natter-widget> or the loader's
//   own; its attributes are configuration too)
//   init      the merged natter('init', {...}) options so far
//   attach(run)  from then on natter(...) calls run(args); the loader
//             replays its queue through run, in order, before returning.
//
// The configuration is checked first (shim/config-check.js): an invalid
// one stands the widget aside (shim/stand-aside.js) before anything loads.

import { afterRest, loadCoreWasm, natterCoreClass } from './core-api.js';
import { defaultPlatform } from './platform.js';
import {
  coreConfig, envDefaults, transportMode, mintTabId, multipleConversations, storedSessionText,
  CONVERSATION_KEY, CONVERSATIONS_KEY, RELOAD_KEY,
} from './config.js';
import { checkConfig, connectionValues, tagValues, hostAttributes } from './config-check.js';
import { liftToTopLayer } from './top-layer.js';
import { standAside } from './stand-aside.js';
import { CSP_HINT } from './load-wasm.js';
import { createCoreHost } from './core-host.js';
import { loadFrameHost } from './frame/load-frame-host.js';
import { createHttpTransport } from './http-transport.js';
import { createLazyShopRequests, loadShopRequests } from './load-shop-requests.js';
import { createWsTransport } from './ws-transport.js';
import { createBrowserSignals } from './browser-signals.js';
import { detectCapabilities } from './capabilities.js';
import { createEffectRunner } from './effects.js';
import { createListeners } from './listeners.js';
import { createLog } from './log.js';
import { createHostApi } from './host-api.js';
import { createLazyPageWatch, loadPageContextChunk } from './load-page-context.js';
import { bindComposer, bindPanelKeys } from './keyboard.js';
import { createPanel } from './ui/panel.js';
import { createMessages } from './ui/messages.js';
import { createStatusLine } from './ui/status-line.js';
import { panelSheet } from './ui/styles.js';
import { createViewportFit } from './ui/viewport.js';
import { startLook } from './look.js';
import { localizeEffects } from './i18n/core-text.js';
import { createMicButton } from './ui/mic-button.js';
import { createHandoffOffer } from './ui/handoff-offer.js';
import { createLazyConversations, loadConversationsChunk } from './ui/load-conversations.js';
import { createLazyReplyParts, loadReplyPartsChunk } from './ui/load-reply-parts.js';
import { releaseManifest } from './release-files.js';
import { createDebugPanel } from './ui/debug-panel.js';
import { takeContinueSecret } from './continue/fragment.js';
import { createContinueButton } from './continue/continue-button.js';
import { createSessionUiHost } from './session-ui/session-ui-host.js';
import { loadSessionUi } from './session-ui/load-session-ui.js';

/* global __NATTER_ENV__ */

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
function whenIdle(platform, fn) {
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
async function startCore(ctx, platform) {
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

// look: {options, t, locale} (look.js).
function buildUi(ctx, listeners, dispatch, platform, session, look, multiple, log) {
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
  // Product cards and reply chips: their own chunk, shared by every
  // conversation's messages (ui/load-reply-parts.js).
  const replyParts = createLazyReplyParts({
    load: () => loadReplyPartsChunk({ manifest: ctx.manifest, base: ctx.base }),
    build: ({ createReplyParts }) => createReplyParts({ doc: document, root: ctx.root, t: look.t, dispatch }),
    log,
  });
  // A fresh one for each conversation opened (boot.js openConversation).
  const makeMessages = () => createMessages({
    doc: document,
    list: panel.list,
    t: look.t,
    agentName: look.options.agentName,
    onRetry: (id) => dispatch({ type: 'retry_clicked', message_id: id }),
    onSaveToggle: (id) => dispatch({ type: 'product_save_toggled', product_id: id }),
    onSuggestion: (text) => dispatch({ type: 'suggestion_tapped', text }),
    replyParts,
  });
  const messages = makeMessages();
  // data-conversations="multiple": the list above the conversation.
  // Its place is kept by an empty text node, since the status line goes in
  // above the conversation before the list's chunk is in.
  const conversationsPlace = multiple ? panel.panel.insertBefore(document.createTextNode(''), panel.list.parentNode) : null;
  const conversations = multiple ? createLazyConversations({
    load: () => loadConversationsChunk({ manifest: ctx.manifest, base: ctx.base }),
    build: ({ createConversations }) => createConversations({
      doc: document, parent: panel.panel, before: conversationsPlace, t: look.t, locale: look.locale,
      onNew: () => dispatch({ type: 'conversation_new_clicked' }),
      onSwitch: (id) => dispatch({ type: 'conversation_switch_clicked', id }),
    }),
    log,
  }) : null;
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
  // The live session's controls, there when the panel opens: the
  // microphone (voice rides on the live session), a person from the shop
  // (presence.hpp) and continue on a phone. What they lead to comes with the
  // session UI chunk (session-ui/session-ui-host.js).
  const micButton = session ? createMicButton({
    doc: document, composerRow: panel.sendButton.parentNode, sendButton: panel.sendButton, t: look.t,
    onStart: () => dispatch({ type: 'voice_start_clicked' }),
  }) : null;
  const handoff = session ? createHandoffOffer({
    doc: document, parent: panel.panel, before: panel.list.parentNode.nextSibling, t: look.t,
    onAsk: () => dispatch({ type: 'handoff_requested' }),
  }) : null;
  const continueButton = session ? createContinueButton({ doc: document, panel, t: look.t, dispatch }) : null;
  bindComposer({ textarea: panel.textarea, sendButton: panel.sendButton, dispatch });
  bindPanelKeys({ panel: panel.panel, onEscape: panel.close });
  return {
    panel, messages, makeMessages, status, composer: panel.composer, micButton, handoff, continueButton, conversations, replyParts,
  };
}

async function start(loaderCtx) {
  const platform = defaultPlatform(window);
  const sources = { init: loaderCtx.init || {}, dataset: loaderCtx.dataset || {}, attributes: hostAttributes(loaderCtx.root.host) };
  const problems = checkConfig({ ...sources, pageUrl: location.href });
  if (problems.length) {
    standAside({ ctx: loaderCtx, problems, console: platform.console });
    return;
  }
  // Below init: the element's attributes over the script's data-*.
  const ctx = {
    ...loaderCtx,
    manifest: releaseManifest(loaderCtx.manifest),
    dataset: tagValues(sources),
    connection: connectionValues(sources, envDefaults(__NATTER_ENV__, loaderCtx.base)),
  };
  liftToTopLayer(ctx.root.host);
  const sessionMode = transportMode(ctx.connection) === 'session';
  const look = startLook({ ctx, console: platform.console });
  const multiple = multipleConversations(ctx.connection);
  const log = createLog({ console: platform.console, now: platform.now });
  // The token endpoint's and the release channel's fetches: a chunk, which a
  // page with a token URL or a channel downloads now, beside the core.
  const shopRequests = createLazyShopRequests({ load: () => loadShopRequests({ manifest: ctx.manifest, base: ctx.base }), log });
  if (String(ctx.connection.tokenUrl ?? '').trim() || ctx.manifest.channel) shopRequests.load();
  let { core, createHost, loadRest } = await startCore(ctx, platform);
  const { t, locale } = await look.language;
  const listeners = createListeners({ console: platform.console });
  let sessionUi = null; // session mode: its UI beyond a first chat, a chunk (created below)
  // The rest of the core (shim/core-api.js), the session UI and the reply
  // parts (cards, chips) once the shopper opened the panel, when the page is
  // next idle: a preloaded core on a page nobody chats on never downloads
  // them; a chat has them long before it needs them.
  let ui = null; // built below
  const fetchRest = () => whenIdle(platform, () => {
    loadRest?.();
    sessionUi?.load();
    ui?.replyParts.load();
  });
  listeners.on('open', fetchRest);

  let host = null; // created below; the UI and transport only call it later
  let debug = null; // the debug panel (development and staging builds)
  // Another core is starting (or the core failed for good): events wait for
  // nothing, they are dropped; null, as no core answered (keyboard.js).
  let opening = false;
  const dispatch = (event) => {
    if (opening) return null;
    return debug ? debug.tap(event, () => host.dispatch(event)) : host.dispatch(event);
  };
  ui = buildUi(ctx, listeners, dispatch, platform, sessionMode, { options: look.options, t, locale }, multiple, log);
  // Development and staging builds only: esbuild folds the condition and
  // drops the debug panel from production bundles (tests/node/debug-panel-build).
  if (__NATTER_ENV__ !== 'production') {
    debug = createDebugPanel({
      doc: document, root: ctx.root, parent: ui.panel.panel, before: ui.panel.list.parentNode,
      info: () => ({
        transport: sessionMode ? 'session' : 'http', version: ctx.manifest.version, build: ctx.manifest.build,
        conversation_id: core.conversationId(), // the current core's (let, replaced on a switch)
      }),
      stats: () => JSON.parse(core.statsJson()), now: platform.now, setTimeout: platform.setTimeout,
    });
  }
  const transport = createHttpTransport({ fetch: platform.fetch, dispatch, wallNow: platform.wallNow });
  // An answer to a token fetch or a channel check goes only to the core that
  // asked (another conversation's core counts request ids afresh).
  let generation = 0;
  const forThisCore = () => { const g = generation; return (event) => g === generation && dispatch(event); };
  const fetchToken = (e) => {
    const answer = forThisCore();
    shopRequests.run(({ createTokenFetch }) => createTokenFetch({
      fetch: platform.fetch, dispatch: answer, setTimeout: platform.setTimeout, clearTimeout: platform.clearTimeout,
    })(e), (reason) => answer({ type: 'token_failed', request_id: e.request_id, status: 0, reason }));
  };
  const checkChannel = (e) => {
    const answer = forThisCore();
    shopRequests.run(({ createChannelCheck }) => createChannelCheck({ fetch: platform.fetch, dispatch: answer })(e),
      () => answer({ type: 'channel_read', ok: false, version: '', build: '' }));
  };
  let voice = null; // session mode only: sessionUi's stand-in for voice-effects.js
  const session = createWsTransport({
    WebSocket: platform.WebSocket, fetch: platform.fetch, dispatch, wallNow: platform.wallNow, log,
    onBinary: sessionMode ? (connId, data) => voice.onBinary(connId, data) : null,
  });
  if (sessionMode) {
    sessionUi = createSessionUiHost({
      load: () => loadSessionUi({ manifest: ctx.manifest, base: ctx.base }),
      build: ({ createSessionUi }) => createSessionUi({
        doc: document, win: window, root: ctx.root, ui, t, dispatch, log, session, fetch: platform.fetch,
        manifest: ctx.manifest, base: ctx.base, pageHref: () => location.href,
      }),
      dispatch, log,
    });
    voice = sessionUi.voice;
    // Autoplay rules and mobile Safari: resume audio on a gesture or return.
    ctx.root.addEventListener('pointerdown', () => voice.resume());
    document.addEventListener('visibilitychange', () => { if (!document.hidden) voice.resume(); });
  }
  // The old core's transports go quiet and it is freed; after the effects
  // of this turn a new core boots from storage like a new page would (the
  // ordinary restore and resume path) and draws the conversation afresh.
  const replaceCore = (done, failed = () => {}) => {
    opening = true;
    generation += 1;
    Promise.resolve().then(async () => {
      transport.abortAll();
      session.detachAll();
      host.dispose();
      ui.panel.list.querySelectorAll(':scope > li:not(.intro)').forEach((li) => li.remove());
      ui.status.clear();
      ui.messages = ui.makeMessages();
      ({ core, createHost, loadRest } = await startCore(ctx, platform));
      fetchRest(); // the shopper is chatting already
      host = makeHost();
      log('info', done);
      opening = false;
      dispatch({ type: 'session_wanted' });
    }).catch((err) => {
      // No core to talk to: the widget stays inert (opening) rather than half
      // working; after a failed core it says so (stopChat).
      platform.console.error('[natter] the chat could not start again:', err);
      failed();
    });
  };
  // data-conversations="multiple": the core chose conversation `id` and
  // persisted everything (this one's blob, the index, natter.conversation);
  // a core for `id` boots from its own blob.
  const openConversation = (id) => replaceCore(`opened conversation ${String(id).slice(0, 8)}`);
  // The core failed (core-host.js: a bug inside it, whose memory is then
  // no longer trusted). What it held in the browser is let go, the call's
  // microphone above all. The first time, a fresh core boots from what the
  // failed one persisted after its last good turn and resumes the session:
  // the outbox keeps undelivered messages and their ids, so nothing is lost
  // or sent twice. A second failure on the same page stops the chat with a
  // notice instead, since a fault that survives a restart (the same frame
  // replayed on resume, say) would only loop.
  let restarted = false;
  const stopChat = () => {
    opening = true;
    generation += 1;
    transport.abortAll();
    session.detachAll();
    // natter('debug') and the debug panel read a core: never the failed one.
    const conversationId = platform.storage.get(CONVERSATION_KEY) ?? '';
    core = { conversationId: () => conversationId, identityJson: () => '{"identified":false}', statsJson: () => '{}' };
    ui.status.clear();
    ui.messages.addNotice({ code: 'core_failed', text: t('notice.coreFailed') });
    ui.composer.disable();
  };
  const coreFailed = (err) => {
    voice?.stop();
    listeners.emit('error', { code: 'core_failed', detail: String(err?.message ?? err), restarting: !restarted });
    if (restarted) {
      host.dispose(); // a failed core is not freed; a core frame is removed
      stopChat();
      return;
    }
    restarted = true;
    replaceCore('started the chat again after its core failed', stopChat);
  };
  // Where the shopper is (page-context.js, a chunk): read from the first
  // time the shopper opens the panel, or at once with data-context="page-load".
  // It keeps the shop's actions too (natter('action'), run_action).
  const pageWatch = createLazyPageWatch({
    load: () => loadPageContextChunk({ manifest: ctx.manifest, base: ctx.base }),
    build: ({ createPageWatch }) => createPageWatch({ win: window, doc: document, dispatch, listeners, log, connection: ctx.connection }),
    log,
  });
  const makeHost = () => createHost({ core, runEffect, ...platform, onFailed: coreFailed });
  let runEffect = localizeEffects(
    createEffectRunner({
      ui, transport, session, storage: platform.storage, listeners, log, sessionUi, reload: () => location.reload(), fetchToken,
      checkChannel,
      openConversation: multiple ? openConversation : null, actions: pageWatch,
    }), t, { maxChars: 4000 },
  );
  if (debug) runEffect = debug.effects(runEffect);
  host = makeHost();
  addEventListener('pagehide', (e) => { if (!e.persisted) transport.abortAll(); });
  // The browser's current network and visibility first (live session), then
  // the page's conversation at once: the session resumes without a click;
  // over HTTP the core draws what an earlier page kept and sends again a
  // message left unanswered there.
  if (sessionMode) createBrowserSignals({ win: window, doc: document, dispatch }).start();
  dispatch({ type: 'session_wanted' });

  if (String(ctx.connection.context ?? '').trim() === 'page-load') pageWatch.start();
  listeners.on('open', pageWatch.start);

  const run = createHostApi({
    panel: ui.panel, dispatch, listeners, manifest: ctx.manifest, log, console: platform.console,
    // The current core's (another conversation replaces it: openConversation).
    core: {
      conversationId: () => core.conversationId(), identityJson: () => core.identityJson(), statsJson: () => core.statsJson(),
    },
    session: sessionMode, debugPanel: debug, voice, pageWatch,
  });
  // natter('init', ...) after start re-themes (the loader handled earlier ones).
  ctx.attach((args) => (args[0] === 'init' ? look.reinit(args[1]) : run(args)));
}

const natter = window.natter;
if (natter && typeof natter.__boot === 'function') {
  // A failed start leaves the launcher and the queue as they are.
  natter.__boot((ctx) => start(ctx).catch((err) => {
    if (!err?.reported) console.error('[natter] the chat could not start:', err);
  }));
} else {
  console.error('[natter] natter.core loaded without the natter.js loader; nothing to attach to');
}
