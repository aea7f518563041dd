// The confirm card of a proposed action (ui/action-card.js, placed by
// messages.js addPart, its states by reply-parts.js setAction): the summary as text, Confirm / Not now
// only while proposed and only on a page with the handler, each core state
// in the aria-live status line, focus kept when the buttons go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMessages as createMessagesWith } from '../../shim/ui/messages.js';
import { formatPrice } from '../../shim/ui/product-card.js';
import { createReplyParts } from '../../shim/ui/reply-parts.js';
import { createTranslator } from '../../shim/i18n/translate.js';
import { createFakeDocument } from './fake-dom.mjs';

const PROPOSAL = {
  reply_to: 'm1', action_id: 'act_0123456789abcdefghijkl', name: 'add_to_cart', confirm: true,
  title: 'Astro Bot <b>(PS5)</b>', variant: 'Standard edition', quantity: 2, price: '49.99', currency: 'GBP',
};

// As effects.js draws them: action_proposed -> messages.addPart + parts.action,
// action_changed -> parts.setAction.
function setup() {
  const doc = createFakeDocument();
  const list = doc.createElement('ol');
  const sent = [];
  const parts = createReplyParts({ doc, root: null, t: createTranslator(), dispatch: (e) => sent.push([e.type, e.action_id]) });
  const messages = createMessagesWith({ doc, list, onRetry: () => {}, replyParts: { when: (draw) => draw(parts) } });
  messages.updateAgent({ reply_to: 'm1', content: { blocks: [] }, done: true });
  const actions = {
    addAction: (e) => messages.addPart(e.reply_to, (p) => p.action(e, e.available)),
    setAction: (e) => parts.setAction(e),
  };
  return { doc, list, messages: actions, sent };
}

const buttonsOf = (card) => card.byTag('button');

test('the card shows the summary as text; Confirm and Not now tell the core, which draws every state', () => {
  const { doc, list, messages, sent } = setup();
  messages.addAction({ ...PROPOSAL, available: true });
  const [card] = list.byClass('action-card');
  assert.equal(card.getAttribute('role'), 'group');
  assert.equal(card.getAttribute('aria-label'), PROPOSAL.title);
  assert.equal(card.byClass('card-name')[0].textContent, 'Astro Bot <b>(PS5)</b>', 'agent text stays text');
  assert.equal(card.byTag('b').length, 0);
  assert.deepEqual(card.byClass('action-detail').map((n) => n.textContent), ['Standard edition', 'Quantity: 2']);
  assert.equal(card.byClass('card-price')[0].textContent, formatPrice('49.99', 'GBP'));
  const status = card.byClass('action-status')[0];
  assert.equal(status.getAttribute('aria-live'), 'polite');
  assert.deepEqual(buttonsOf(card).map((b) => b.textContent), ['Confirm', 'Not now']);

  const [confirm] = buttonsOf(card);
  confirm.focus();
  confirm.fire('click');
  assert.deepEqual(sent, [['action_confirmed', PROPOSAL.action_id]]);
  messages.setAction({ action_id: PROPOSAL.action_id, state: 'confirming', message: '' });
  assert.equal(buttonsOf(card).length, 0, 'no second tap once the core took the first');
  assert.equal(doc.activeElement, status, 'focus moves to the status line, not to the page');
  assert.equal(card.getAttribute('aria-busy'), 'true');
  assert.equal(status.textContent, 'Confirming…');
  messages.setAction({ action_id: PROPOSAL.action_id, state: 'running', message: '' });
  assert.equal(status.textContent, 'Working on it…');
  messages.setAction({ action_id: PROPOSAL.action_id, state: 'done', message: 'Added to basket' });
  assert.equal(card.getAttribute('data-state'), 'done');
  assert.equal(card.getAttribute('aria-busy'), 'false');
  assert.equal(status.textContent, 'Done: Added to basket');
});

test('Not now tells the core; the card then says so; a failure shows its message', () => {
  const { list, messages, sent } = setup();
  messages.addAction({ ...PROPOSAL, available: true });
  messages.addAction({ ...PROPOSAL, action_id: 'act_other', available: true });
  const [first, second] = list.byClass('action-card');
  buttonsOf(first)[1].fire('click');
  assert.deepEqual(sent, [['action_declined', PROPOSAL.action_id]]);
  messages.setAction({ action_id: PROPOSAL.action_id, state: 'declined', message: '' });
  assert.equal(first.byClass('action-status')[0].textContent, 'Not done: you chose not now');
  assert.equal(buttonsOf(second).length, 2, 'the other card is untouched');
  messages.setAction({ action_id: 'act_other', state: 'failed', message: '' });
  assert.equal(second.byClass('action-status')[0].textContent, 'That did not work');
});

test('a page without the handler gets no Confirm, and a confirm:false action no buttons', () => {
  const { list, messages, sent } = setup();
  messages.addAction({ ...PROPOSAL, available: false });
  messages.addAction({ ...PROPOSAL, action_id: 'act_auto', confirm: false, available: true });
  const [missing, auto] = list.byClass('action-card');
  assert.equal(buttonsOf(missing).length, 0);
  assert.equal(missing.getAttribute('data-state'), 'unavailable');
  assert.equal(missing.byClass('action-status')[0].textContent, 'Not available on this page');
  assert.equal(buttonsOf(auto).length, 0);
  assert.deepEqual(sent, []);
});
