// Turns the composer's DOM events into core events. The core decides what
// Enter means (send, newline, IME confirmation, blocked repeat); this file
// only reports the facts and applies consume_key synchronously, while the
// keydown is still cancelable. A core in the core frame (shim/frame/)
// answers later: dispatch returns null, and enterConsumedByCore stands in.

export function isComposing(e) {
  // keyCode 229: Safari and some Android keyboards report IME keys this way
  // without setting isComposing.
  return Boolean(e.isComposing) || e.keyCode === 229;
}

export function enterEvent(e, text) {
  return { type: 'enter_pressed', text, shift: Boolean(e.shiftKey), composing: isComposing(e), repeat: Boolean(e.repeat) };
}

// The core's rule for consume_key on enter_pressed, for when its answer is
// not known while the keydown can still be cancelled (dispatch returned
// null): every Enter but Shift+Enter (a newline) and an IME's own Enter is
// consumed, whatever the text (empty included), repeat or voice call.
// Mirrors SendMachine::on_enter and VoiceCall::on_enter (wasm/src/);
// tests/node/enter-rule-with-core.test.mjs checks every combination
// against the real core, so the two cannot drift apart.
export function enterConsumedByCore(event) {
  return !event.shift && !event.composing;
}

// textarea, sendButton: the composer's elements; dispatch: core-host.dispatch
// (effects it ran; null once its core failed) or remote-core-host.dispatch (null).
export function bindComposer({ textarea, sendButton, dispatch }) {
  textarea.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    const event = enterEvent(e, textarea.value);
    const ran = dispatch(event);
    const consumed = ran === null ? enterConsumedByCore(event) : ran.some((effect) => effect.type === 'consume_key');
    if (consumed) e.preventDefault();
  });
  textarea.addEventListener('input', () => {
    dispatch({ type: 'composer_changed', chars: textarea.value.length });
  });
  sendButton.addEventListener('click', () => {
    dispatch({ type: 'send_clicked', text: textarea.value });
    textarea.focus(); // keep typing where you were; the button took focus
  });
}

// Escape anywhere in the panel closes it (unless an IME is using Escape to
// cancel a composition); onEscape returns focus to the launcher.
export function bindPanelKeys({ panel, onEscape }) {
  panel.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || isComposing(e)) return;
    e.preventDefault();
    onEscape();
  });
}
