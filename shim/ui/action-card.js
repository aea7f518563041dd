// The confirm card of an action the agent proposed (action_proposed, then
// action_changed; the core decides every state: wasm/src/chat/actions.hpp).
// It shows what would happen (item, variant, quantity, price) and, while
// proposed, Confirm and Not now: a tap only tells the core
// (dispatch({type: 'action_confirmed' | 'action_declined', action_id})); the core
// ignores a second one. A page without a handler for the action gets no
// Confirm, only "not available on this page". The summary is the agent's
// text: textContent only. The status line is aria-live, so a screen reader
// hears each state; when the buttons go, focus moves to it (not lost to
// the page).
//
//   const card = renderActionCard(doc, e, { t, locale, available, dispatch });
//   card.node          the card, to place under the reply
//   card.set(change)   action_changed {state, message}
import { formatPrice } from './product-card.js';

const STATUS = {
  confirming: 'action.confirming', running: 'action.running', done: 'action.done', failed: 'action.failed',
  declined: 'action.declined',
};

function span(doc, className, text) {
  const node = doc.createElement('span');
  node.className = className;
  node.textContent = text;
  return node;
}

export function renderActionCard(doc, e, { t, locale, available, dispatch }) {
  const node = doc.createElement('div');
  node.className = 'action-card';
  node.setAttribute('part', 'action-card');
  node.setAttribute('role', 'group');
  node.setAttribute('aria-label', e.title);
  node.setAttribute('data-action-id', e.action_id);
  const text = doc.createElement('div');
  text.className = 'card-text';
  text.appendChild(span(doc, 'card-name', e.title));
  if (e.variant) text.appendChild(span(doc, 'action-detail', e.variant));
  if (e.quantity) text.appendChild(span(doc, 'action-detail', t('action.quantity', { quantity: String(e.quantity) })));
  if (e.price) text.appendChild(span(doc, 'card-price', formatPrice(e.price, e.currency, locale)));
  node.appendChild(text);
  const status = span(doc, 'action-status', '');
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  status.setAttribute('tabindex', '-1');
  node.appendChild(status);

  let row = null;
  const buttons = [];
  if (!available) status.textContent = t('action.unavailable');
  else if (e.confirm !== false) {
    row = doc.createElement('div');
    row.className = 'action-buttons';
    for (const [type, key, className] of [['action_confirmed', 'action.confirm', 'chip action-confirm'],
      ['action_declined', 'action.decline', 'chip action-decline']]) {
      const button = doc.createElement('button');
      button.setAttribute('type', 'button');
      button.className = className;
      button.textContent = t(key);
      button.addEventListener('click', () => dispatch({ type, action_id: e.action_id }));
      row.appendChild(button);
      buttons.push(button);
    }
    node.appendChild(row);
  }
  node.setAttribute('data-state', available ? 'proposed' : 'unavailable');

  function set({ state, message = '' }) {
    if (!STATUS[state]) return;
    node.setAttribute('data-state', state);
    node.setAttribute('aria-busy', state === 'confirming' || state === 'running' ? 'true' : 'false');
    const word = t(STATUS[state]);
    status.textContent = message && (state === 'done' || state === 'failed') ? `${word}: ${message}` : word;
    if (row) {
      // In the widget's shadow root the document's activeElement is the host.
      const hadFocus = buttons.includes((node.getRootNode?.() ?? doc).activeElement);
      row.remove();
      row = null;
      if (hadFocus) status.focus();
    }
  }
  return { node, set };
}
