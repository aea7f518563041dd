// The first device's banner once the chat continued on another device
// (elsewhere_changed, wasm/src/people/device_link.hpp): "Continued on another
// device — not you?" and a Revoke button. Drawn above the conversation;
// the core decides when it shows and whether Revoke is offered.
import { el } from './dom.js';
import { withEnglish } from '../i18n/chunk-english.js';
import enSessionUi from '../i18n/en-session-ui.js';

export function createElsewhereBanner({ doc, panel, t: translate, onRevoke }) {
  const t = withEnglish(translate, enSessionUi); // its English ships with the chunk, not in en.js
  const banner = el(doc, 'div', { class: 'elsewhere', role: 'status', part: 'elsewhere' });
  banner.hidden = true;
  banner.appendChild(el(doc, 'p', {}, t('continue.elsewhere')));
  const revoke = el(doc, 'button', { class: 'revoke', type: 'button' }, t('continue.revoke'));
  revoke.addEventListener('click', () => onRevoke());
  banner.appendChild(revoke);
  panel.panel.insertBefore(banner, panel.list.parentNode);

  return {
    show({ elsewhere, can_revoke: canRevoke }) {
      const hadFocus = doc.activeElement === revoke || revoke.getRootNode().activeElement === revoke;
      banner.hidden = !elsewhere;
      revoke.hidden = !canRevoke;
      if (!elsewhere && hadFocus) panel.textarea.focus();
    },
  };
}
