// The shopper's conversations, when the shop enables several
// (data-conversations="multiple"; wasm/src/conversation_list.hpp decides,
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

  let dates = null;
  const when = (ms) => {
    if (!(ms > 0)) return '';
    try {
      dates ??= new Intl.DateTimeFormat(locale.tag, { dateStyle: 'medium', timeStyle: 'short' });
      return dates.format(new Date(ms));
    } catch {
      return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
    }
  };

  function show({ current, items }) {
    const rows = (Array.isArray(items) ? items : []).map((item) => {
      const li = el(doc, 'li');
      const current_ = item.id === current;
      const button = el(doc, 'button', { type: 'button', class: 'conversation', 'data-id': String(item.id) });
      if (current_) button.setAttribute('aria-current', 'true');
      const title = String(item.title || '') || when(item.last_ms) || t('conversations.untitled');
      button.appendChild(el(doc, 'span', { class: 'conversation-title' }, title));
      const at = when(item.last_ms);
      if (at && item.title) button.appendChild(el(doc, 'span', { class: 'conversation-when' }, at));
      button.addEventListener('click', () => { if (!current_) onSwitch(String(item.id)); });
      li.appendChild(button);
      return li;
    });
    // Keyboard: an entry that had focus keeps it across the redraw (the
    // same conversation's button, else the current one).
    const active = nav.getRootNode().activeElement;
    const focused = active && list.contains(active) ? active.getAttribute('data-id') : null;
    list.replaceChildren(...rows);
    if (focused !== null) {
      const buttons = [...list.querySelectorAll('button')];
      const again = buttons.find((b) => b.getAttribute('data-id') === focused)
        || buttons.find((b) => b.getAttribute('aria-current') === 'true');
      again?.focus();
    }
  }

  return { nav, show, effects: { conversations_shown: show } };
}
