// messages: user bubbles with a delivery line and Retry; agent replies
// keyed by reply_to and replaced, never duplicated; product cards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMessages as createMessagesWith, deliveryText } from '../../shim/ui/messages.js';
import { formatPrice, renderProductCard } from '../../shim/ui/product-card.js';
import { createReplyParts } from '../../shim/ui/reply-parts.js';
import { createTranslator } from '../../shim/i18n/translate.js';
import { createFakeDocument } from './fake-dom.mjs';

// The reply parts (cards, chips) as the widget has them once their chunk is
// in: drawn at once (tests/node/lazy-reply-parts.test.mjs: before that).
function createMessages(options) {
  const parts = createReplyParts({ doc: options.doc, root: null, t: options.t ?? createTranslator() });
  return createMessagesWith({ replyParts: { when: (draw) => draw(parts) }, ...options });
}

function setup() {
  const doc = createFakeDocument();
  const list = doc.createElement('ol');
  const retried = [];
  const toggled = [];
  const messages = createMessages({ doc, list, onRetry: (id) => retried.push(id), onSaveToggle: (id) => toggled.push(id) });
  return { list, messages, retried, toggled };
}

const para = (text) => ({ blocks: [{ kind: 'paragraph', lines: [[{ text, bold: false, italic: false, href: '' }]] }] });

test('the delivery line follows the core, and Retry shows only when it may', () => {
  const { list, messages, retried } = setup();
  messages.addUser({ message_id: 'm1', text: 'do you have PS5 games?' });
  const line = list.byClass('delivery-text')[0];
  const [retry] = list.byClass('retry');
  messages.setDelivery({ message_id: 'm1', state: 'sending', detail: '', can_retry: false });
  assert.equal(line.textContent, 'Sending…');
  assert.equal(retry.hidden, true);
  messages.setDelivery({ message_id: 'm1', state: 'failed', detail: 'The server could not read this message.', can_retry: true });
  assert.equal(line.textContent, 'Failed: The server could not read this message.');
  assert.equal(retry.hidden, false);
  retry.fire('click');
  assert.deepEqual(retried, ['m1']);
});

test('delivery labels for every state', () => {
  assert.equal(deliveryText('sent', ''), 'Sent');
  assert.equal(deliveryText('retrying', 'Connection problem, retrying…'), 'Retrying…');
});

test('a streamed reply updates one bubble in place, replay included', () => {
  const { list, messages } = setup();
  messages.addUser({ message_id: 'm1', text: 'hi' });
  messages.updateAgent({ reply_to: 'm1', done: false, content: para('Yes! We') });
  messages.updateAgent({ reply_to: 'm1', done: false, content: para('Yes! We have 3') });
  messages.updateAgent({ reply_to: 'm1', done: false, content: para('Yes!') }); // replayed after a retry
  messages.updateAgent({ reply_to: 'm1', done: true, content: para('Yes! We have 3 games.') });
  const agents = list.byClass('agent');
  assert.equal(agents.length, 1);
  assert.equal(agents[0].byClass('bubble')[0].textContent, 'Yes! We have 3 games.');
  assert.equal(agents[0].getAttribute('aria-busy'), 'false');
});

test('a reply to an older message lands right after it', () => {
  const { list, messages } = setup();
  messages.addUser({ message_id: 'm1', text: 'first' });
  messages.addUser({ message_id: 'm2', text: 'second' });
  messages.updateAgent({ reply_to: 'm1', done: true, content: para('answer one') });
  assert.deepEqual(list.children.map((li) => li.className), ['msg user', 'msg agent', 'msg user']);
});

test('a product card joins its reply, as a real link with a formatted price', () => {
  const { list, messages } = setup();
  messages.addUser({ message_id: 'm1', text: 'hi' });
  messages.addCard({ reply_to: 'm1', product_id: 'astro', name: 'Astro Bot', price: '59.99', currency: 'GBP',
    url: 'https://shop.example/products/astro-bot', image_url: '' });
  messages.updateAgent({ reply_to: 'm1', done: true, content: para('Here you go') });
  const agents = list.byClass('agent');
  assert.equal(agents.length, 1, 'the card and the text share one reply');
  const [card] = agents[0].byClass('card');
  assert.equal(card.localName, 'a');
  assert.equal(card.getAttribute('href'), 'https://shop.example/products/astro-bot');
  assert.equal(card.byClass('card-name')[0].textContent, 'Astro Bot');
  assert.equal(card.byClass('card-price')[0].textContent, formatPrice('59.99', 'GBP'));
  assert.equal(card.byTag('img').length, 0);
});

const astro = { reply_to: 'm1', product_id: 'astro', name: 'Astro Bot', price: '59.99', currency: 'GBP',
  url: 'https://shop.example/products/astro-bot', image_url: '' };

test("a savable card has a Save toggle beside its link (not inside it) that only tells the core", () => {
  const { list, messages, toggled } = setup();
  messages.addUser({ message_id: 'm1', text: 'hi' });
  messages.addCard({ ...astro, saved: true });
  const [item] = list.byClass('card-item');
  const [link, button] = item.children;
  assert.equal(link.localName, 'a');
  assert.equal(link.byTag('button').length, 0, 'no button inside the link');
  assert.equal(button.localName, 'button');
  assert.equal(button.getAttribute('type'), 'button');
  assert.equal(button.getAttribute('aria-pressed'), 'true', 'drawn as the core says');
  assert.equal(button.getAttribute('aria-label'), 'Save Astro Bot');
  assert.equal(button.textContent, 'Save');
  button.fire('click');
  assert.deepEqual(toggled, ['astro']);
  assert.equal(button.getAttribute('aria-pressed'), 'true', 'a click changes nothing until the core answers');
});

test('product_saved_changed presses or releases every card of that product, and no other', () => {
  const { list, messages } = setup();
  messages.addUser({ message_id: 'm1', text: 'hi' });
  messages.addCard(astro);
  messages.addCard({ ...astro, product_id: 'other', name: 'Other' });
  messages.addUser({ message_id: 'm2', text: 'again?' });
  messages.addCard({ ...astro, reply_to: 'm2' });
  const pressed = () => list.byClass('card-save').map((b) => b.getAttribute('aria-pressed'));
  assert.deepEqual(pressed(), ['false', 'false', 'false']);
  messages.setSaved({ product_id: 'astro', saved: true });
  assert.deepEqual(pressed(), ['true', 'false', 'true']);
  messages.setSaved({ product_id: 'astro', saved: false });
  assert.deepEqual(pressed(), ['false', 'false', 'false']);
});

test('a card the shop made unsavable is the plain link, with no toggle', () => {
  const { list, messages } = setup();
  messages.addUser({ message_id: 'm1', text: 'hi' });
  messages.addCard({ ...astro, savable: false });
  assert.equal(list.byClass('card-save').length, 0);
  assert.equal(list.byClass('card-item').length, 0);
  assert.equal(list.byClass('card')[0].localName, 'a');
});

test('prices are formatted for the currency, and odd input shown as sent', () => {
  assert.equal(formatPrice('59.99', 'GBP', 'en-GB'), '£59.99');
  assert.equal(formatPrice('1234.5', 'EUR', 'de-DE'), '1.234,50\u00a0€');
  assert.equal(formatPrice('59.99', 'NOTACODE', 'en-GB'), '59.99 NOTACODE');
  assert.equal(formatPrice('abc', 'GBP', 'en-GB'), 'abc GBP');
});

test('in Arabic a card keeps an English name\'s direction and its price\'s currency symbol whole', () => {
  const doc = createFakeDocument();
  const card = { product_id: 'p1', name: "Marvel's Spider-Man 2", price: '49.99', currency: 'GBP', url: 'https://shop.example/p1' };
  const el = renderProductCard(doc, card, { locale: 'ar' });
  // dir=auto: the name's own (left-to-right) direction, so an overflowing
  // name is cut at its end, not its start.
  assert.equal(el.byClass('card-name')[0].getAttribute('dir'), 'auto');
  // "49.99 UK£" with "UK£" isolated: without it the bidi algorithm shows
  // "£UK 49.99" in a right-to-left panel.
  const price = el.byClass('card-price')[0];
  assert.equal(price.textContent, formatPrice('49.99', 'GBP', 'ar'));
  const symbol = price.childNodes.find((n) => n.localName === 'bdi');
  assert.ok(symbol, 'the currency symbol is in a <bdi>');
  assert.match(symbol.textContent, /£/);
  assert.doesNotMatch(symbol.textContent, /\d/);
  // Left to right the text is what it was.
  assert.equal(renderProductCard(doc, card, { locale: 'en-GB' }).byClass('card-price')[0].textContent, '£49.99');
  assert.equal(renderProductCard(doc, { ...card, currency: 'NOTACODE' }, { locale: 'ar' }).byClass('card-price')[0].textContent, '49.99 NOTACODE');
});

test('a queued message says it will go when the shopper is back online', () => {
  const { list, messages } = setup();
  messages.addUser({ message_id: 'm1', text: 'still there?' });
  messages.setDelivery({ message_id: 'm1', state: 'queued', detail: "Will send when you're back online.", can_retry: false });
  assert.equal(list.byClass('delivery-text')[0].textContent, "Queued — will send when you're back online.");
  assert.equal(list.byClass('msg')[0].getAttribute('data-state'), 'queued');
});

test('a notice is one centred system line appended to the conversation', () => {
  const { list, messages } = setup();
  messages.addUser({ message_id: 'm1', text: 'hi' });
  messages.addNotice({ code: 'fresh_session', text: 'The chat had to start a new session.' });
  const last = list.children.at(-1);
  assert.equal(last.className, 'notice');
  assert.equal(last.getAttribute('data-code'), 'fresh_session');
  assert.equal(last.textContent, 'The chat had to start a new session.');
});

test('voice bubbles: one per id, text replaced (textContent only), the cut note, the answer\'s cards inside', () => {
  const { list, messages } = setup();
  messages.showVoice({ id: 'voice-c-1', role: 'shopper', text: 'do you have xbox games', final: true, cut: false });
  messages.showVoice({ id: 'voice-c-a1', role: 'agent', text: 'We have <b>two</b> Xbox games.', final: false, cut: false });
  messages.addCard({ reply_to: 'voice-c-a1', product_id: 'forza', name: 'Forza', price: '29.99', currency: 'GBP', url: 'https://x.example/f', image_url: '' });
  messages.showVoice({ id: 'voice-c-a1', role: 'agent', text: 'We have <b>two</b>', final: true, cut: true });
  const items = list.byClass('voice');
  assert.equal(items.length, 2);
  const [heard, spoken] = items;
  assert.match(heard.className, /\buser\b/);
  assert.match(spoken.className, /\bagent\b/);
  assert.equal(heard.byClass('bubble')[0].textContent, 'do you have xbox games');
  assert.equal(spoken.byClass('bubble')[0].textContent, 'We have <b>two</b>', 'as text, never markup');
  assert.equal(spoken.byClass('bubble')[0].children.length, 0);
  assert.equal(spoken.byClass('voice-cut')[0].hidden, false);
  assert.equal(heard.byClass('voice-cut')[0].hidden, true);
  assert.equal(spoken.getAttribute('data-final'), 'true');
  assert.equal(spoken.byClass('cards')[0].children.length, 1, 'the card sits with the spoken answer');
  assert.equal(list.byClass('agent').length, 1, 'no text-reply bubble was made for the card');
});

test("the Save toggle speaks the widget's language, its visible word inside its accessible name", async () => {
  const { createTranslator } = await import('../../shim/i18n/translate.js');
  for (const [lang, word, label] of [['de', 'Merken', 'Astro Bot merken'], ['ar', 'حفظ', 'حفظ Astro Bot']]) {
    const { default: table } = await import(`../../shim/i18n/${lang}.js`);
    const doc = createFakeDocument();
    const list = doc.createElement('ol');
    const messages = createMessages({ doc, list, onRetry() {}, t: createTranslator({ table, tag: lang }) });
    messages.addUser({ message_id: 'm1', text: 'hi' });
    messages.addCard(astro);
    const [button] = list.byClass('card-save');
    assert.equal(button.textContent, word, lang);
    assert.equal(button.getAttribute('aria-label'), label, lang);
    assert.ok(label.toLowerCase().includes(word.toLowerCase()), `${lang}: label in name`);
  }
});

test('reply chips sit under their reply as buttons that only tell the core, link buttons as real https links', () => {
  const doc = createFakeDocument();
  const list = doc.createElement('ol');
  const tapped = [];
  const messages = createMessages({ doc, list, onRetry() {}, onSuggestion: (text) => tapped.push(text) });
  messages.addUser({ message_id: 'm1', text: 'trade in?' });
  messages.updateAgent({ reply_to: 'm1', done: true, content: para('Yes') });
  messages.addSuggestions({ reply_to: 'm1', replies: ['PS5 games', '<b>x</b>'],
    links: [{ text: 'Trade-in page', url: 'https://shop.example/trade-in' }, { text: 'Bad', url: 'javascript:alert(1)' }] });
  const [agent] = list.byClass('agent');
  const [row] = agent.byClass('suggestions');
  assert.equal(row.getAttribute('role'), 'group');
  assert.equal(row.getAttribute('aria-label'), 'Suggested replies');
  const chips = row.byTag('button');
  assert.deepEqual(chips.map((c) => c.textContent), ['PS5 games', '<b>x</b>']); // text, never markup
  assert.equal(chips[1].children.length, 0);
  const links = row.byTag('a');
  assert.equal(links.length, 1, 'a script link is never drawn');
  assert.equal(links[0].getAttribute('href'), 'https://shop.example/trade-in');
  assert.equal(links[0].getAttribute('target'), '_blank');
  chips[0].fire('click');
  assert.deepEqual(tapped, ['PS5 games']);
  assert.equal(list.byClass('msg').length, 2, 'a tap draws nothing itself: the core shows the message');
});

test('the chips go away once the shopper sends anything, and focus on one moves to the list', () => {
  const doc = createFakeDocument();
  const list = doc.createElement('ol');
  const messages = createMessages({ doc, list, onRetry() {} });
  messages.addUser({ message_id: 'm1', text: 'trade in?' });
  messages.addSuggestions({ reply_to: 'm1', replies: ['PS5 games'], links: [] });
  list.byClass('chip')[0].focus();
  messages.addUser({ message_id: 'm2', text: 'PS5 games' });
  assert.equal(list.byClass('suggestions').length, 0);
  assert.equal(doc.activeElement, list);
});

test('the chips\' group is named in German and Arabic', async () => {
  for (const [lang, label] of [['de', 'Antwortvorschläge'], ['ar', 'ردود مقترحة']]) {
    const { default: table } = await import(`../../shim/i18n/${lang}.js`);
    const doc = createFakeDocument();
    const list = doc.createElement('ol');
    const messages = createMessages({ doc, list, onRetry() {}, t: createTranslator({ table, tag: lang }) });
    messages.addSuggestions({ reply_to: 'm1', replies: ['Ja'], links: [] });
    assert.equal(list.byClass('suggestions')[0].getAttribute('aria-label'), label, lang);
  }
});

test('starter prompts (chips of no reply) are one entry at the end of the list, replaced by a new set, gone with the first message', () => {
  const doc = createFakeDocument();
  const list = doc.createElement('ol');
  const tapped = [];
  const messages = createMessages({ doc, list, onRetry() {}, onSuggestion: (text) => tapped.push(text) });
  messages.addSuggestions({ reply_to: '', replies: ['Where is my order?'], links: [] });
  messages.addSuggestions({ reply_to: '', replies: ['Returns', 'Sizes'], links: [] });
  const entries = list.byClass('starters');
  assert.equal(entries.length, 1, 'a new set replaces the earlier one');
  assert.equal(entries[0].localName, 'li');
  assert.deepEqual(entries[0].byTag('button').map((b) => b.textContent), ['Returns', 'Sizes']);
  assert.equal(list.byClass('agent').length, 0, 'no agent entry for starters');
  entries[0].byTag('button')[1].fire('click');
  assert.deepEqual(tapped, ['Sizes']);
  messages.addUser({ message_id: 'm1', text: 'Sizes' });
  assert.equal(list.byClass('starters').length, 0);
  messages.addSuggestions({ reply_to: '', replies: [], links: [] });
  assert.equal(list.byClass('starters').length, 0, 'an empty set draws nothing');
});
