// A person from the shop, on the shopper's side (wasm/src/people/presence.hpp
// decides; this only draws): "‹name› is typing…" and the email form offered
// when nobody is available, added to the handoff bar that the panel drew
// with its "Talk to a person" button (ui/handoff-offer.js). It comes with
// the session UI chunk (shim/session-ui/). Staff names and the shopper's
// address go in as text only (textContent).
//
//   const form = createHandoffForm({ doc, offer, t, onEmail });
//   form.effects   the effect table entries the chunk hands over
//
// The typing line is a polite status region (announced once as it
// appears); the form's error is tied to its field with aria-describedby and
// aria-invalid, and focus moves to the field when the form opens and when an
// address is refused.

import { el } from './dom.js';
import { withEnglish } from '../i18n/chunk-english.js';
import enSessionUi from '../i18n/en-session-ui.js';

export function createHandoffForm({ doc, offer, t: translate, onEmail }) {
  const t = withEnglish(translate, enSessionUi); // its English ships with the chunk, not in en.js
  const { bar, ask } = offer;
  const typing = el(doc, 'p', { class: 'typing', role: 'status', 'aria-live': 'polite', part: 'typing' });

  const form = el(doc, 'form', { class: 'handoff-email', part: 'handoff-email', novalidate: '' });
  form.hidden = true;
  const prompt = el(doc, 'p', { id: 'natter-email-prompt' }, t('handoff.emailPrompt'));
  const label = el(doc, 'label', { for: 'natter-email' }, t('handoff.emailLabel'));
  const input = el(doc, 'input', {
    id: 'natter-email', type: 'email', autocomplete: 'email', inputmode: 'email', required: '',
    'aria-describedby': 'natter-email-prompt natter-email-error',
  });
  const send = el(doc, 'button', { type: 'submit' }, t('handoff.emailSend'));
  const error = el(doc, 'p', { class: 'error', id: 'natter-email-error', 'aria-live': 'polite' });
  form.append(prompt, label, input, send, error);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onEmail(input.value);
  });
  const saved = el(doc, 'p', { class: 'handoff-saved', role: 'status', part: 'handoff-saved' });
  saved.hidden = true;

  bar.insertBefore(typing, ask);
  bar.append(form, saved);

  function showForm({ state, email, text }) {
    const open = state === 'shown' || state === 'invalid' || state === 'sending';
    const wasHidden = form.hidden;
    form.hidden = !open;
    send.disabled = state === 'sending';
    error.textContent = state === 'invalid' ? text : '';
    if (state === 'invalid') input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    if ((open && wasHidden) || state === 'invalid') input.focus();
    saved.hidden = state !== 'saved';
    if (state === 'saved') {
      saved.textContent = t('handoff.emailSaved', { email });
      if (form.contains(doc.activeElement) || bar.getRootNode().activeElement === input) saved.setAttribute('tabindex', '-1'), saved.focus();
    }
  }

  return {
    effects: {
      handoff_email_form: (e) => showForm(e),
      typing_changed: (e) => { typing.textContent = e.typing ? t('typing.staff', { name: e.name }) : ''; },
    },
  };
}
