// Maps each effect the core returns (docs/boundary.md, "Effects") to
// the one thing that carries it out. A table, so adding an effect type is
// one line here and one handler elsewhere; nothing in it decides anything.
//
// `ui`, `transport` (HTTP), `session` (ws-transport.js), `storage`
// (platform.storage), `listeners` and `log` are the objects built in boot.js.
// `session` and `storage` are only needed by a core with a session_url.
// `fetchToken` (token-fetch.js) is only needed by a core with a token_url.

// `sessionUi` (session-ui/session-ui-host.js), in session mode, carries out
// every effect this table has no handler for: the session UI chunk's
// (calls, the handoff bar's typing line and email form, continue on a
// phone), held until the chunk is in.
// `reload()` reloads the page (the core chose the reason and the moment:
// wasm/src/session/release_watch.hpp). `checkChannel` (release-channel.js) reads the
// release channel pointer, for a page that follows a channel.
// `actions` (load-page-context.js): the page's declared actions, {has(name), run(run_action)}.
// `openConversation(id)` (boot.js, data-conversations="multiple") replaces
// the core with one for conversation `id` (the core persisted everything).
export function createEffectRunner({
  ui, transport, session, storage, listeners, log, sessionUi = null, reload = () => {}, fetchToken = null,
  checkChannel = null, openConversation = null, actions = null,
}) {
  const table = {
    // Applied by keyboard.js on the key event it is handling (dispatch
    // returns the effects it ran); nothing to do after the fact.
    consume_key: () => {},
    clear_composer: () => ui.composer.clear(),
    composer_error: (e) => ui.composer.showError(e.text),
    http_request: (e) => { transport.start(e); },
    http_abort: (e) => transport.abort(e.request_id),
    user_message_shown: (e) => ui.messages.addUser(e),
    delivery_changed: (e) => ui.messages.setDelivery(e),
    agent_reply_updated: (e) => ui.messages.updateAgent(e),
    product_card_shown: (e) => ui.messages.addCard(e),
    product_saved_changed: (e) => ui.messages.setSaved(e),
    suggestions_shown: (e) => ui.messages.addSuggestions(e),
    // Actions in the page (wasm/src/chat/actions.hpp): the confirm card
    // (ui/action-card.js; without Confirm when this page has no handler for
    // it) and the page's handler (natter('action'), shim/actions.js).
    action_proposed: (e) => ui.messages.addPart(e.reply_to, (parts) => parts.action(e, actions?.has(e.name))),
    action_changed: (e) => ui.replyParts?.when((parts) => parts.setAction(e)),
    run_action: (e) => actions?.run(e),
    voice_transcript_shown: (e) => ui.messages.showVoice(e),
    log: (e) => log(e.level, e.text),
    host_event: (e) => listeners.emit(e.name, e.payload),
    ws_connect: (e) => session.connect(e),
    ws_send: (e) => session.send(e),
    ws_close: (e) => session.close(e),
    http_probe: (e) => { session.probe(e); },
    status_changed: (e) => ui.status.show(e),
    persist: (e) => storage.set(e.key, e.value),
    notice_shown: (e) => ui.messages.addNotice(e),
    token_requested: (e) => { fetchToken(e); },
    reload_page: (e) => {
      log('info', e.reason === 'channel' ? `reloading: the release channel moved to build ${e.build}`
        : 'reloading: the chat service no longer serves this release');
      reload();
    },
    channel_check: (e) => { checkChannel(e); },
    ...(ui.handoff ? ui.handoff.effects : {}), // the handoff offer (ui/handoff-offer.js)
    // data-conversations="multiple" (ui/conversations.js; boot.js opens the other conversation).
    ...(ui.conversations ? ui.conversations.effects : {}),
    ...(openConversation ? { conversation_open: (e) => openConversation(e.id) } : {}),
  };

  return function runEffect(effect) {
    const handler = table[effect.type];
    if (handler) handler(effect);
    else if (sessionUi) sessionUi.run(effect);
    else log('warn', 'unknown effect type ' + JSON.stringify(effect.type) + ' (core newer than shim?)');
  };
}
