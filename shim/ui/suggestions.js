// The agent's reply chips and link buttons (the core's suggestions_shown
// effect, already checked there: at most 4 replies and 2 https links of at
// most 40 characters). A chip is a <button>: a tap tells the core
// (onTap(text) -> event suggestion_tapped), which sends it as an ordinary
// message. A link button is a real link to the shop's page. Agent text is
// untrusted: textContent only. The row is a labelled group, so a screen
// reader says what the buttons are before reading them.

import { LINK_REL, safeHref } from './rich-text.js';

export function renderSuggestions(doc, { replies = [], links = [] }, { t, onTap }) {
  const row = doc.createElement('div');
  row.className = 'suggestions';
  row.setAttribute('part', 'suggestions');
  row.setAttribute('role', 'group');
  row.setAttribute('aria-label', t('suggestions.label'));
  for (const text of replies) {
    const chip = doc.createElement('button');
    chip.setAttribute('type', 'button');
    chip.className = 'chip';
    chip.setAttribute('part', 'chip');
    chip.textContent = text;
    chip.addEventListener('click', () => onTap(text));
    row.appendChild(chip);
  }
  for (const link of links) {
    const href = safeHref(link.url);
    if (!href) continue; // the core sent https only; never a script link here either
    const a = doc.createElement('a');
    a.className = 'chip chip-link';
    a.setAttribute('part', 'chip-link');
    a.setAttribute('href', href);
    a.setAttribute('rel', LINK_REL);
    a.setAttribute('target', '_blank');
    a.textContent = link.text;
    row.appendChild(a);
  }
  return row;
}
