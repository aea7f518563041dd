// Thumbs up / down under each finished assistant answer (the
// gateway's side: docs/protocol.md, "Feedback"). Its own chunk
// (thumbs-chunk.js), loaded by the reply parts chunk (load-thumbs.js): a
// first chat does not carry it.
//
//   const thumbs = createThumbs({ doc, list, t, send, MutationObserver });
//   send(replyTo, rating, reason) -> Promise<boolean>: true once the gateway took it
//   thumbs.stop()          stops watching the list
//
// Which lines get them: the list's assistant answers (li.msg.agent, named by
// data-reply-to, messages.js) once finished (aria-busy="false"), never a
// reply a person from the shop wrote (.staff), a voice line or a notice.
// A reply that starts over (a retry replays it) hides them while it streams
// (CSS). The list is watched rather than told: messages.js stays as small
// as the first chat needs it, and answers restored on a reload get them too.
//
// One choice per answer, changeable, posted as thumb-choice.js says; a
// thumb down offers an optional reason; a failed post shows a quiet note
// beside the pair. Nothing here touches the
// composer.
import { el, icon } from './dom.js';
import { createThumbChoice } from './thumb-choice.js';

// Material Design's thumb_up (Apache 2.0); the down thumb is it turned (CSS).
const THUMB = 'M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z';

const FINISHED = 'li.msg.agent[data-reply-to][aria-busy="false"]:not(.staff):not(.voice)';

// One answer's pair: its buttons and note, under the answer.
function drawPair(doc, item, t, send) {
  const replyTo = item.getAttribute('data-reply-to');
  const row = el(doc, 'div', { class: 'thumbs', role: 'group', 'aria-label': t('thumbs.label') });
  const button = (rating, cls, label) => {
    const b = el(doc, 'button', { type: 'button', class: `thumb ${cls}`, 'aria-pressed': 'false', 'aria-label': label, title: label });
    b.appendChild(icon(doc, THUMB));
    b.addEventListener('click', () => choice.choose(rating));
    return b;
  };
  const up = button(1, 'up', t('thumbs.up'));
  const down = button(-1, 'down', t('thumbs.down'));
  const note = el(doc, 'span', { class: 'thumbs-note', role: 'status' });
  row.append(up, down, note);
  const reason = reasonForm(doc, t, (text) => choice.choose(-1, text));

  const choice = createThumbChoice({
    send: (rating, why) => send(replyTo, rating, why),
    show({ chosen, failed }) {
      up.setAttribute('aria-pressed', String(chosen === 1));
      down.setAttribute('aria-pressed', String(chosen === -1));
      note.textContent = failed ? t('thumbs.failed') : '';
      reason.hidden = chosen !== -1;
    },
  });
  item.append(row, reason);
}

// After a thumb down: an optional short reason, sent with it (at most 500
// characters, the endpoint's limit). Never focused by itself: the composer
// keeps the focus it had.
function reasonForm(doc, t, onSend) {
  const form = el(doc, 'form', { class: 'thumbs-reason' });
  const input = el(doc, 'input', { type: 'text', maxlength: '500', 'aria-label': t('thumbs.reason'), placeholder: t('thumbs.reason') });
  input.dir = 'auto';
  const submit = el(doc, 'button', { type: 'submit' }, t('thumbs.send'));
  form.append(input, submit);
  form.hidden = true;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (text) onSend(text);
  });
  return form;
}

export function createThumbs({ doc, list, t, send, MutationObserver = doc.defaultView?.MutationObserver }) {
  const attach = (item) => {
    if (item.matches?.(FINISHED) && !item.querySelector('.thumbs')) drawPair(doc, item, t, send);
  };
  for (const item of list.querySelectorAll(FINISHED)) attach(item);
  // Only aria-busy: a streamed reply's text changes many times a second.
  const watch = new MutationObserver((records) => { for (const r of records) attach(r.target); });
  watch.observe(list, { subtree: true, attributes: true, attributeFilter: ['aria-busy'] });
  return { stop: () => watch.disconnect() };
}
