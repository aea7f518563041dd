// After a person from the shop handled the conversation and handed it back
// to the assistant, one to five stars under that notice ask how it went
// (docs/protocol.md, "Feedback": kind "rating", one per conversation, the
// latest wins). In the thumbs chunk with the answers' thumbs; like them the
// list is watched, not told, so a notice restored on a reload gets its row
// too, and nothing here takes the focus or touches the composer.
//
//   const rating = createHandoffRating({ doc, list, t, rate, MutationObserver });
//   rate(stars) -> Promise<boolean>: true once the gateway took it
//   rating.stop()   stops watching the list
//
// Posting follows thumb-choice.js: the stars show the choice at once, one
// post at a time, the latest last, a failure says so and a press retries.
import { el, icon } from './dom.js';
import { createThumbChoice } from './thumb-choice.js';

// The core's notice when the person handed the conversation back (messages.js's addNotice).
const HANDED_BACK = 'li.notice[data-code="handoff_left"]';
const STARS = [1, 2, 3, 4, 5];
// Material Design's star (Apache 2.0).
const STAR = 'M12 17.27 18.18 21l-1.64-7.03L22 9.24l-7.19-.61L12 2 9.19 8.63 2 9.24l5.46 4.73L5.82 21z';

function drawRow(doc, notice, t, rate) {
  const row = el(doc, 'div', { class: 'rating', role: 'group', 'aria-label': t('rating.label') });
  const question = el(doc, 'span', { class: 'rating-question', 'aria-hidden': 'true' }, t('rating.label'));
  const buttons = STARS.map((stars) => {
    const b = el(doc, 'button', { type: 'button', class: 'star', 'aria-pressed': 'false', 'aria-label': t('rating.stars', { n: stars }), title: t('rating.stars', { n: stars }) });
    b.appendChild(icon(doc, STAR));
    b.addEventListener('click', () => choice.choose(stars));
    return b;
  });
  const note = el(doc, 'span', { class: 'rating-note', role: 'status' });
  const choice = createThumbChoice({
    send: (stars) => rate(stars),
    show({ chosen, failed }) {
      buttons.forEach((b, i) => {
        b.setAttribute('aria-pressed', String(STARS[i] === chosen));
        b.classList.toggle('lit', STARS[i] <= chosen);
      });
      note.textContent = failed ? t('thumbs.failed') : (chosen ? t('rating.thanks') : '');
    },
  });
  row.append(question, ...buttons, note);
  notice.append(row);
}

export function createHandoffRating({ doc, list, t, rate, MutationObserver = doc.defaultView?.MutationObserver }) {
  const attach = (item) => {
    if (item.matches?.(HANDED_BACK) && !item.querySelector('.rating')) drawRow(doc, item, t, rate);
  };
  for (const item of list.querySelectorAll(HANDED_BACK)) attach(item);
  // Notices are children of the list: its children are enough to watch.
  const watch = new MutationObserver((records) => { for (const r of records) r.addedNodes.forEach(attach); });
  watch.observe(list, { childList: true });
  return { stop: () => watch.disconnect() };
}
