// Turns the composer's DOM events into core events. The core decides what
// Enter means (send, newline, IME confirmation, blocked repeat); this file
// only reports the facts and applies consume_key synchronously, while the
// keydown is still cancelable.

export function isComposing(e) {
  // keyCode 229: Safari and some Android keyboards report IME keys this way
  // without setting isComposing.
  return Boolean(e.isComposing) || e.keyCode === 229;
}

export function enterEvent(e, text) {
  return { type: 'enter_pressed', text, shift: Boolean(e.shiftKey), composing: isComposing(e), repeat: Boolean(e.repeat) };
}

// textarea, sendButton: the composer's elements; dispatch: core-host.dispatch.
export function bindComposer({ textarea, sendButton, dispatch }) {
  textarea.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    const ran = dispatch(enterEvent(e, textarea.value));
    if (ran.some((effect) => effect.type === 'consume_key')) e.preventDefault();
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
