// Maps each effect the core returns (docs/ARCHITECTURE.md, "Effects") to
// the one thing that carries it out. A table, so adding an effect type is
// one line here and one handler elsewhere; nothing in it decides anything.
//
// `ui`, `transport`, `listeners` and `log` are the objects built in boot.js.

export function createEffectRunner({ ui, transport, listeners, log }) {
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
    log: (e) => log(e.level, e.text),
    host_event: (e) => listeners.emit(e.name, e.payload),
  };

  return function runEffect(effect) {
    const handler = table[effect.type];
    if (handler) handler(effect);
    else log('warn', 'unknown effect type ' + JSON.stringify(effect.type) + ' (core newer than shim?)');
  };
}
