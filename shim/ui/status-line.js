// The live session's status line (status_changed effects), drawn between
// the panel's header and the conversation; hidden until the core sends the
// first status (so HTTP mode never shows it):
//
//   div.status[data-state]
//     p.status-text[aria-hidden]          what is on screen; while the state is
//                                         "reconnecting" it counts down each
//                                         second from retry_in_ms
//     span.sr-only[role=status]           the core's text, announced once per
//                                         status (not once per second)
//     button.retry-now                    when can_retry_now; "Use here" in
//                                         state "closed", else "Retry now"
//     p.status-diagnosis[role=status]     the core's diagnosis, smaller; empty: hidden
//
// The core decides every state, text and delay; the countdown only redraws
// retry_in_ms as time passes, and stops at zero ("Reconnecting…") until the
// core's next status. now/setTimeout/clearTimeout come from the platform.

import { STATUS_TEXT } from './strings.js';
import { el } from './dom.js';

// Inserted into `parent` before `before`; onRetryNow() is the button's
// click (boot.js turns it into retry_now_clicked); focusFallback gets the
// focus if the button is hidden while focused. words: the texts it draws
// (STATUS_TEXT's shape; boot.js passes the active catalogue's).
export function createStatusLine({
  doc, parent, before = null, onRetryNow, focusFallback, now, setTimeout, clearTimeout, words = STATUS_TEXT,
}) {
  const root = el(doc, 'div', { class: 'status', part: 'status' });
  root.hidden = true;
  const shown = el(doc, 'p', { class: 'status-text', 'aria-hidden': 'true' });
  const said = el(doc, 'span', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  const retry = el(doc, 'button', { class: 'retry-now', type: 'button' });
  retry.hidden = true;
  retry.addEventListener('click', () => onRetryNow());
  const diagnosis = el(doc, 'p', { class: 'status-diagnosis', role: 'status', 'aria-live': 'polite' });
  root.appendChild(shown);
  root.appendChild(said);
  root.appendChild(retry);
  root.appendChild(diagnosis);
  parent.insertBefore(root, before);

  let timer = null;
  let deadline = 0;

  function stopCountdown() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  // Draws the whole seconds left and wakes at the next second boundary.
  function tick() {
    timer = null;
    const left = deadline - now();
    if (left <= 0) {
      shown.textContent = words.reconnectingNow;
      return;
    }
    shown.textContent = words.reconnectingIn(Math.ceil(left / 1000));
    timer = setTimeout(tick, left % 1000 || 1000);
  }

  // One status_changed effect: {state, text, retry_in_ms, can_retry_now, diagnosis}.
  function show({ state, text, retry_in_ms, can_retry_now, diagnosis: why }) {
    stopCountdown();
    root.hidden = false;
    root.setAttribute('data-state', state);
    said.textContent = text;
    diagnosis.textContent = why || '';
    const hadFocus = retry.matches?.(':focus');
    retry.textContent = state === 'closed' ? words.useHere : words.retryNow;
    retry.hidden = !can_retry_now;
    if (hadFocus && !can_retry_now) focusFallback?.focus();
    if (state === 'reconnecting' && retry_in_ms >= 0) {
      deadline = now() + retry_in_ms;
      tick();
    } else {
      shown.textContent = text;
    }
  }

  // Another conversation's core is starting (boot.js openConversation): the
  // old core's status is not the new one's, so the line hides until the new
  // core sends its first status, as on a fresh page.
  function clear() {
    stopCountdown();
    root.hidden = true;
    root.removeAttribute('data-state');
    shown.textContent = '';
    said.textContent = '';
    diagnosis.textContent = '';
    const hadFocus = retry.matches?.(':focus');
    retry.hidden = true;
    if (hadFocus) focusFallback?.focus();
  }

  return { root, show, clear, dispose: stopCountdown };
}
