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

import { defaultPlatform } from './platform.js';
import { envDefaults, transportMode, multipleConversations, CONVERSATION_KEY } from './config.js';
import { checkConfig, connectionValues, tagValues, hostAttributes } from './config-check.js';
import { liftToTopLayer } from './top-layer.js';
import { standAside } from './stand-aside.js';
import { startCore, whenIdle } from './start-core.js';
import { createHttpTransport } from './http-transport.js';
import { createShopFetches } from './shop-fetches.js';
import { createWsTransport } from './ws-transport.js';
import { createBrowserSignals } from './browser-signals.js';
import { createEffectRunner } from './effects.js';
import { createListeners } from './listeners.js';
import { createLog } from './log.js';
import { createHostApi } from './host-api.js';
import { createLazyPageWatch, loadPageContextChunk } from './load-page-context.js';
import { buildUi } from './ui/build-ui.js';
import { startLook } from './look.js';
import { localizeEffects } from './i18n/core-text.js';
import { releaseManifest } from './release-files.js';
import { createDebugPanel } from './ui/debug-panel.js';
import { createSessionUiHost } from './session-ui/session-ui-host.js';
import { loadSessionUi } from './session-ui/load-session-ui.js';

/* global __NATTER_ENV__ */

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
    // Only a development build guesses an endpoint (config.js envDefaults):
    // esbuild folds the test, so the other bundles carry none of it (47 B gz).
    connection: connectionValues(sources,
      __NATTER_ENV__ === 'development' ? envDefaults(__NATTER_ENV__, loaderCtx.base) : { endpoint: '' }),
  };
  liftToTopLayer(ctx.root.host);
  const sessionMode = transportMode(ctx.connection) === 'session';
  const look = startLook({ ctx, console: platform.console });
  const multiple = multipleConversations(ctx.connection);
  const log = createLog({ console: platform.console, now: platform.now });
  // The token endpoint's and the release channel's fetches: a chunk, which a
  // page with a token URL or a channel downloads now, beside the core.
  const shopFetches = createShopFetches(ctx, platform, (event) => dispatch(event), log);
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
  // Where the shopper is (page-context.js, a chunk): read from the first
  // time the shopper opens the panel, or at once with data-context="page-load".
  // It keeps the shop's actions too (natter('action'), run_action).
  const pageWatch = createLazyPageWatch({
    load: () => loadPageContextChunk({ manifest: ctx.manifest, base: ctx.base }),
    build: ({ createPageWatch }) => createPageWatch({ win: window, doc: document, dispatch, listeners, log, connection: ctx.connection }),
    log, setTimeout: platform.setTimeout,
  });
  const feed = (event) => (debug ? debug.tap(event, () => host.dispatch(event)) : host.dispatch(event));
  // A send waits a while for the page context (load-page-context.js hold); one
  // from the composer goes with its text as it then is (the core clears the
  // composer), unless another core is starting meanwhile (then dropped, as below).
  const release = (e) => opening || feed(/^(en|se)/.test(e.type) ? { ...e, text: ui.panel.textarea.value } : e);
  const dispatch = (event) => {
    if (opening || pageWatch.hold(event, release)) return null;
    return feed(event);
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
        manifest: ctx.manifest, base: ctx.base, pageHref: () => location.href, listeners,
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
    shopFetches.forgetAnswers();
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
    shopFetches.forgetAnswers();
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
  const makeHost = () => createHost({ core, runEffect, ...platform, onFailed: coreFailed });
  let runEffect = localizeEffects(
    createEffectRunner({
      ui, transport, session, storage: platform.storage, listeners, log, sessionUi, reload: () => location.reload(),
      fetchToken: shopFetches.fetchToken, checkChannel: shopFetches.checkChannel,
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
