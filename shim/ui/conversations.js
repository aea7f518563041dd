// The shopper's conversations, when the shop enables several
// (data-conversations="multiple"; wasm/src/chat/conversation_list.hpp decides,
// this only draws): a "New conversation" button and the list, most recent
// activity first, the current one marked aria-current. Each entry is a
// button (keyboard: Tab, Enter/Space); its title is the shopper's first
// message, as text only (textContent), or the date when there is none.
//
//   const list = createConversations({ doc, parent, before, t, locale, onNew, onSwitch });
//   list.effects   the effect table entries effects.js merges in

import { el } from './dom.js';

export function createConversations({ doc, parent, before, t, locale = { tag: 'en' }, onNew, onSwitch }) {
  const nav = el(doc, 'nav', { class: 'conversations', part: 'conversations', 'aria-label': t('conversations.label') });
  const fresh = el(doc, 'button', { class: 'conversation-new', type: 'button', part: 'conversation-new' }, t('conversations.new'));
  fresh.addEventListener('click', () => onNew());
  const list = el(doc, 'ul', { class: 'conversation-list' });
  nav.append(fresh, list);
  parent.insertBefore(nav, before);

  // The shopper's language (a tag look.js already checked).
  const dates = new Intl.DateTimeFormat(locale.tag, { dateStyle: 'medium', timeStyle: 'short' });
  const when = (ms) => (ms > 0 ? dates.format(ms) : '');

  function show({ current, items }) {
    const rows = (Array.isArray(items) ? items : []).map((item) => {
      const li = el(doc, 'li');
      const id = String(item.id);
      const button = el(doc, 'button', { type: 'button', class: 'conversation', 'data-id': id });
      if (id === current) button.setAttribute('aria-current', 'true');
      const at = when(item.last_ms);
      button.appendChild(el(doc, 'span', { class: 'conversation-title' }, String(item.title || '') || at || t('conversations.untitled')));
      if (at && item.title) button.appendChild(el(doc, 'span', { class: 'conversation-when' }, at));
      button.addEventListener('click', () => { if (id !== current) onSwitch(id); });
      li.appendChild(button);
      return li;
    });
    // Keyboard: focus in the list stays in it across the redraw, on the
    // current conversation (the one just chosen).
    const had = list.contains(nav.getRootNode().activeElement);
    list.replaceChildren(...rows);
    if (had) list.querySelector('[aria-current]')?.focus();
  }

  return { nav, show, effects: { conversations_shown: show } };
}
