// "Continue on your phone", the part drawn with the panel (live session
// only): the header button. A click asks the core for the offer, or
// dismisses the one showing (the sheet sets aria-expanded); the rest of the
// feature comes with the session UI chunk (continue/continue-effects.js).

import { el, icon } from '../ui/dom.js';

const PHONE_ICON = 'M8 2h8a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zM11 18h2';

export function createContinueButton({ doc, panel, t, dispatch }) {
  const header = panel.panel.querySelector('.head');
  const open = el(doc, 'button', {
    class: 'icon-button continue-open', type: 'button', 'aria-label': t('continue.offer'),
    'aria-controls': 'natter-continue', 'aria-expanded': 'false', part: 'continue-button',
  });
  open.appendChild(icon(doc, PHONE_ICON));
  header.insertBefore(open, header.querySelector('.close'));
  open.addEventListener('click', () => dispatch({
    type: open.getAttribute('aria-expanded') === 'true' ? 'continue_offer_dismissed' : 'continue_offer_clicked',
  }));
  return open;
}
