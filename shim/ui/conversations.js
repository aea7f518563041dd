// The shopper's conversations, when the shop enables several
// (data-conversations="multiple"; wasm/src/chat/conversation_list.hpp decides,
// this only draws): a "New conversation" button and the list, most recent
// activity first, the current one marked aria-current. Each entry is a
// button (keyboard: Tab, Enter/Space); its title is the shopper's first
// message, as text only (textContent), or the date when there is none.
// It ships in its own chunk with its CSS (conversations-chunk.js), so pages
// with one conversation, the default, never download it.
//
//   const list = createConversations({ doc, parent, before, t, locale, onNew, onSwitch });
//   list.show({current, items})   draws the core's conversations_shown

import { el, sheetOf } from './dom.js';
import { withEnglish } from '../i18n/chunk-english.js';
import enConversations from '../i18n/en-conversations.js';

const CONVERSATIONS_CSS = `
.conversations { display: flex; flex-direction: column; gap: 4px; padding: 6px 12px; border-bottom: 1px solid var(--_line); max-height: 30%; overflow-y: auto; }
.conversation-new {
  align-self: flex-start; min-height: 32px; padding: 0 12px; border-radius: 16px; font: inherit; font-size: 13px;
  cursor: pointer; border: 1px solid var(--_accent); background: var(--_surface); color: var(--_ink);
}
.conversation-list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 2px; }
.conversation {
  display: flex; justify-content: space-between; gap: 8px; width: 100%; min-height: 32px; padding: 4px 8px; border: 0;
  border-radius: 6px; background: transparent; color: var(--_ink); font: inherit; font-size: 13px; text-align: start; cursor: pointer;
}
.conversation[aria-current="true"] { font-weight: 600; background: var(--_line); cursor: default; }
.conversation-title { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.conversation-when { flex: none; color: var(--_muted); font-size: 12px; }
`;

export function createConversations({ doc, parent, before, t: translate, locale = { tag: 'en' }, onNew, onSwitch }) {
  const t = withEnglish(translate, enConversations); // its English ships with the chunk, not in en.js
  const root = parent.getRootNode();
  const sheet = root.adoptedStyleSheets ? sheetOf(CONVERSATIONS_CSS) : null;
  if (sheet) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
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

  return { nav, show };
}
