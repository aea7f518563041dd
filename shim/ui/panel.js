// Builds the chat panel inside the widget's shadow root, next to the
// launcher the loader drew, and owns opening and closing it:
//
//   section[role=dialog]   header (title, close button)
//                          div.body[role=log][aria-live=polite]
//                            ol.log   the conversation, one <li> per message
//                          composer: label, textarea, Send, inline error, hint
//
// Focus: opening moves focus into the textarea; closing returns it to the
// launcher when it was inside the widget (natter('close') from the page
// must not steal focus from whatever the shopper is doing there).

import { createTranslator } from '../i18n/translate.js';
import { el, icon } from './dom.js';

const CLOSE_ICON = 'M6 6l12 12M18 6L6 18';
const SEND_ICON = 'M4 12l16-8-6 16-2-7-8-1z';

// root: the ShadowRoot; launcher: the loader's button; onOpenChange(open)
// is told after every change (host-api turns it into 'open'/'close').
// t: the translator (i18n/translate.js; English by default); greeting and
// launcherLabel: the shop's options ('' = the catalogue's); locale: {tag, dir}.
export function createPanel({
  doc, root, launcher, title, onOpenChange, t = createTranslator(), greeting = '', launcherLabel = '',
  locale = { tag: 'en', dir: 'ltr' },
}) {
  const panel = el(doc, 'section', {
    class: 'panel', id: 'natter-panel', role: 'dialog', 'aria-labelledby': 'natter-title', part: 'panel',
    dir: locale.dir, lang: locale.tag,
  });
  panel.hidden = true;

  const header = el(doc, 'header', { class: 'head', part: 'header' });
  header.appendChild(el(doc, 'h2', { class: 'title', id: 'natter-title', part: 'title' }, title || t('panel.title')));
  const closeButton = el(doc, 'button', {
    class: 'icon-button close', type: 'button', 'aria-label': t('panel.close'), part: 'close',
  });
  closeButton.appendChild(icon(doc, CLOSE_ICON));
  header.appendChild(closeButton);

  // The log role sits on a wrapper: on the <ol> itself it would replace the
  // list role, leaving every <li> message outside any list for assistive tech.
  const body = el(doc, 'div', { class: 'body', role: 'log', 'aria-live': 'polite', 'aria-label': t('panel.conversation') });
  // Focusable so the keyboard can scroll the conversation.
  const list = el(doc, 'ol', { class: 'log', tabindex: '0', part: 'log' });
  // A greeting that scrolls away with the conversation (present from the
  // start, so the live region does not announce it).
  list.appendChild(el(doc, 'li', { class: 'intro' }, greeting || t('panel.greeting')));
  body.appendChild(list);

  const composer = el(doc, 'div', { class: 'composer', part: 'composer' });
  composer.appendChild(el(doc, 'label', { for: 'natter-input', class: 'sr-only' }, t('composer.label')));
  const row = el(doc, 'div', { class: 'row' });
  const textarea = el(doc, 'textarea', {
    id: 'natter-input', rows: '1', placeholder: t('composer.placeholder'), part: 'input',
    'aria-describedby': 'natter-error natter-hint', enterkeyhint: 'send', autocomplete: 'off',
  });
  const sendButton = el(doc, 'button', { class: 'send', type: 'button', 'aria-label': t('composer.send'), part: 'send' });
  sendButton.appendChild(icon(doc, SEND_ICON));
  row.appendChild(textarea);
  row.appendChild(sendButton);
  // Always in the tree (empty = invisible), so screen readers announce it
  // when text appears.
  const error = el(doc, 'p', { class: 'error', id: 'natter-error', 'aria-live': 'polite' });
  composer.appendChild(row);
  composer.appendChild(error);
  composer.appendChild(el(doc, 'p', { class: 'hint', id: 'natter-hint' }, t('composer.hint')));

  panel.appendChild(header);
  panel.appendChild(body);
  panel.appendChild(composer);
  root.appendChild(panel);
  launcher.setAttribute('aria-controls', 'natter-panel');
  const openLabel = launcherLabel || t('launcher.open');
  launcher.setAttribute('aria-label', openLabel);
  // The launcher shows a close icon while the panel is open.
  const launcherPath = launcher.querySelector('path');
  const chatIcon = launcherPath?.getAttribute('d');

  const isOpen = () => !panel.hidden;

  function setOpen(open) {
    if (open === isOpen()) return;
    const focusInside = Boolean(root.activeElement); // read before hiding moves it
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', open ? t('launcher.close') : openLabel);
    launcherPath?.setAttribute('d', open ? CLOSE_ICON : chatIcon);
    if (open) {
      textarea.focus();
    } else if (focusInside) {
      launcher.focus();
    }
    onOpenChange(open);
  }

  closeButton.addEventListener('click', () => setOpen(false));

  return {
    panel,
    list,
    textarea,
    sendButton,
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!isOpen()),
    isOpen,
    composer: {
      clear() {
        textarea.value = '';
      },
      // Empty text hides the error; the textarea keeps its text either way.
      showError(text) {
        error.textContent = text;
        if (text) textarea.setAttribute('aria-invalid', 'true');
        else textarea.removeAttribute('aria-invalid');
      },
      // No core to send with (boot.js, the core failed twice): the row's
      // controls (Send, the microphone) stop taking input; the text stays.
      disable() {
        textarea.readOnly = true;
        textarea.setAttribute('aria-disabled', 'true');
        for (const button of row.querySelectorAll('button')) button.disabled = true;
      },
    },
  };
}
