// A person from the shop, the part drawn with the panel (live session only):
// the handoff bar and its "Talk to a person" button, which the core offers
// once the session is live (handoff_offer, wasm/src/people/presence.hpp). The rest
// of the bar, "‹name› is typing…" and the email form, comes with the
// session UI chunk (ui/handoff-bar.js).
//
//   const offer = createHandoffOffer({ doc, parent, before, t, onAsk });
//   offer.bar, offer.ask; offer.effects: the effect table entry

import { el } from './dom.js';

export function createHandoffOffer({ doc, parent, before, t, onAsk }) {
  const bar = el(doc, 'div', { class: 'handoff-bar', part: 'handoff-bar' });
  const ask = el(doc, 'button', { class: 'handoff-ask', type: 'button', part: 'handoff' }, t('handoff.ask'));
  ask.hidden = true;
  ask.addEventListener('click', () => onAsk());
  bar.append(ask);
  parent.insertBefore(bar, before);
  return {
    bar,
    ask,
    effects: { handoff_offer: (e) => { ask.hidden = !e.shown; } },
  };
}
