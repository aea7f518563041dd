// The shop's commands: what natter(...) does once the core is running.
// The loader queues calls made before that and replays them here in order.
//
//   natter('open' | 'close' | 'toggle')   only show or hide the panel; the
//                                    live session stays up while hidden
//   natter('disconnect')          -> core event session_closed_by_host: ends
//                                    the live session (the status line says
//                                    so; opening the panel again reconnects).
//                                    With data-transport="http" there is no
//                                    session: a no-op.
//   natter('send', text)          -> core event host_send (the core decides
//                                    whether it is sent, blocked or refused)
//   natter('starters', [text, …]) -> core event host_starters: this page's
//                                    first questions, shown as chips on an
//                                    empty conversation (the core checks
//                                    them: wasm/src/chat/starters.hpp)
//   natter('identify', {id, name, email} | null)
//                                 -> core event host_identify {visitor}: the
//                                    value as given; the core checks it (a bad
//                                    one: one [natter] error naming the key)
//   natter('context', {page?, product?, variant?, cart?, currency?, locale?} | null)
//                                 where the shopper is, as the shop says it; its keys
//                                    win over what the widget read from the page;
//                                    null forgets it (page-context.js: checked there,
//                                    a bad one is one [natter] error naming the key)
//   natter('cart', fn | null)     the shop's basket hook: fn() returns (or resolves
//                                    to) {items: [{id?, name?, variant?, quantity,
//                                    price?}], total?, currency?}; asked when the page
//                                    context is read (panel opened, navigation, after
//                                    each reply)
//   natter('action', name, {description?, confirm?, args?} | null, handler)
//                                 what the assistant may do in this page, declared to it
//                                    in the page context (`actions`); the handler runs
//                                    once the shopper confirmed the core's card and the
//                                    gateway said so (shim/actions.js checks the call,
//                                    in the page context chunk: a bad one is one error)
//   natter('voice', 'start' | 'end') -> core events voice_start_clicked /
//                                    voice_host_end (only these end a call
//                                    besides the End control)
//   natter('handoff')             -> core event handoff_requested: ask for a
//                                    person from the shop (live session only)
//   natter('on' | 'off', name, fn) events: message, error, send_blocked,
//                                    open, close, session, voice, handoff,
//                                    product_saved / product_unsaved (the
//                                    shopper pressed a card's Save toggle:
//                                    {id, title, url, price, currency} as the
//                                    agent gave them; the shop keeps the
//                                    wishlist, wasm/src/chat/saved_products.hpp)
//   natter('version')             -> {version, build}
//   natter('debug')               -> {version, build, conversation_id, identified,
//                                    visitor_id?, stats, voice_uplink_ms, voice_downlink_ms,
//                                    voice_route: {rung, via, sent, received, dropped_full, codec}, log}
//                                    (never the name or email)
//   natter('debug', 'panel')      shows or hides the debug panel (state,
//                                    counters, timed events) and returns
//                                    whether it is shown; development and
//                                    staging builds only (debugPanel is null
//                                    in production: a console note, false)
// A bad call is reported with one console.error and otherwise ignored.

export function createHostApi({
  panel, dispatch, listeners, manifest, core, log, console, session = false, debugPanel = null, voice = null, pageWatch = null,
}) {
  const version = () => ({ version: manifest.version, build: manifest.build });

  const commands = {
    open: () => panel.open(),
    close: () => panel.close(),
    toggle: () => panel.toggle(),
    send(text) {
      if (typeof text !== 'string') throw new Error("natter('send', text) needs a string");
      dispatch({ type: 'host_send', text });
    },
    // Checked by the core, which also decides whether they show.
    starters: (list) => { dispatch({ type: 'host_starters', starters: list }); },
    // undefined (no argument) reaches the core as a missing visitor: refused there.
    identify: (visitor) => { dispatch({ type: 'host_identify', visitor }); },
    context: (value) => pageWatch?.context(value),
    cart: (fn) => pageWatch?.cart(fn),
    action: (...args) => pageWatch?.action(args),
    on: (name, fn) => listeners.on(name, fn),
    off: (name, fn) => listeners.off(name, fn),
    version,
    debug: (what) => (what === 'panel' ? togglePanel() : {
      ...version(),
      conversation_id: core.conversationId(),
      ...JSON.parse(core.identityJson()),
      stats: JSON.parse(core.statsJson()),
      // {count, median, p95} ms from a captured chunk to its packets sent, once a call ran
      voice_uplink_ms: voice ? voice.uplinkMs() : null,
      // … and from an agent packet handed to the voice worker to its arrival there
      voice_downlink_ms: voice ? voice.downlinkMs() : null,
      // the voice ladder's rung (webrtc_direct, turn_udp|tcp|tls, websocket) and the data channel's frame counts
      voice_route: voice?.route ? voice.route() : null,
      log: log.entries(),
    }),
    voice(action) {
      if (action === 'start') dispatch({ type: 'voice_start_clicked' });
      else if (action === 'end') dispatch({ type: 'voice_host_end' });
      else throw new Error("natter('voice', action) needs 'start' or 'end'");
    },
    disconnect() {
      if (session) dispatch({ type: 'session_closed_by_host' });
    },
    handoff() {
      if (!session) throw new Error("natter('handoff') needs the live session (data-transport=\"session\")");
      dispatch({ type: 'handoff_requested' });
    },
  };

  function togglePanel() {
    if (!debugPanel) {
      console.info(`[natter] the debug panel exists only in development and staging builds (this is ${manifest.env || 'production'})`);
      return false;
    }
    const shown = debugPanel.toggle();
    if (shown) panel.open();
    return shown;
  }

  // args: the arguments of one natter(...) call, as an array.
  return function run(args) {
    const [name, ...rest] = args;
    const command = Object.prototype.hasOwnProperty.call(commands, name) ? commands[name] : null;
    if (!command) {
      console.error(`[natter] unknown command ${JSON.stringify(name)} (known: ${Object.keys(commands).join(', ')})`);
      return undefined;
    }
    try {
      return command(...rest);
    } catch (err) {
      console.error('[natter] ' + err.message);
      return undefined;
    }
  };
}
