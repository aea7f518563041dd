// Product cards and reply chips come in their own chunk
// (shim/ui/load-reply-parts.js, shim/ui/reply-parts.js): what the core shows
// before it is in is placed at once and drawn once it is, in order; the
// download starts once; a failed one loses nothing and is tried again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMessages } from '../../shim/ui/messages.js';
import { createLazyReplyParts } from '../../shim/ui/load-reply-parts.js';
import { createReplyParts } from '../../shim/ui/reply-parts.js';
import { createTranslator } from '../../shim/i18n/translate.js';
import { createFakeDocument } from './fake-dom.mjs';

function harness({ fail = 0 } = {}) {
  const doc = createFakeDocument();
  const list = doc.createElement('ol');
  const calls = { loads: 0, logs: [] };
  let release = null;
  const replyParts = createLazyReplyParts({
    load: () => {
      calls.loads += 1;
      if (calls.loads <= fail) return Promise.reject(new Error('offline'));
      return new Promise((resolve) => { release = () => resolve({ createReplyParts }); });
    },
    build: (chunk) => chunk.createReplyParts({ doc, root: null, t: createTranslator() }),
    log: (level, text) => calls.logs.push([level, text]),
  });
  const messages = createMessages({ doc, list, onRetry() {}, replyParts });
  return { list, messages, replyParts, calls, release: () => release() };
}
const tick = () => new Promise((r) => setImmediate(r));
const card = (id, replyTo = 'm1') => ({ reply_to: replyTo, product_id: id, name: id, price: '1', currency: 'GBP',
  url: `https://shop.example/${id}`, image_url: '' });

test('cards shown before the chunk is in are placed at once and drawn, in order, once it is; one download', async () => {
  const h = harness();
  h.messages.addUser({ message_id: 'm1', text: 'games?' });
  h.messages.addCard(card('a'));
  h.messages.addCard(card('b'));
  h.messages.updateAgent({ reply_to: 'm1', done: true, content: { blocks: [] } });
  await tick();
  assert.equal(h.calls.loads, 1);
  assert.equal(h.list.byClass('agent').length, 1, 'the reply the cards belong to is there already');
  assert.equal(h.list.byClass('card').length, 0);
  h.release();
  await tick();
  assert.deepEqual(h.list.byClass('card-name').map((n) => n.textContent), ['a', 'b']);
  h.messages.addCard(card('c'));
  assert.equal(h.list.byClass('card').length, 3, 'drawn at once now');
  assert.equal(h.calls.loads, 1);
});

test('a saved change before the chunk is in shows on the card drawn after it', async () => {
  const h = harness();
  h.messages.addCard({ ...card('a'), saved: false });
  h.messages.setSaved({ product_id: 'a', saved: true });
  await tick();
  h.release();
  await tick();
  assert.equal(h.list.byClass('card-save')[0].getAttribute('aria-pressed'), 'true');
});

test('chips shown before the chunk is in are not drawn once the shopper has answered', async () => {
  const h = harness();
  h.messages.addUser({ message_id: 'm1', text: 'trade in?' });
  h.messages.addSuggestions({ reply_to: 'm1', replies: ['Yes'], links: [] });
  h.messages.addUser({ message_id: 'm2', text: 'something else' });
  h.messages.addSuggestions({ reply_to: 'm2', replies: ['Later'], links: [] });
  await tick();
  h.release();
  await tick();
  assert.deepEqual(h.list.byClass('chip').map((c) => c.textContent), ['Later']);
});

test('a chunk that cannot load is logged, keeps what it held, and is tried again by the next card or load()', async () => {
  const h = harness({ fail: 2 });
  h.messages.addCard(card('a'));
  await tick();
  assert.equal(h.calls.logs.length, 1);
  assert.match(h.calls.logs[0][1], /could not load \(offline\): 1 held/);
  h.messages.addCard(card('b'));
  await tick();
  assert.equal(h.calls.loads, 2, 'the next card tries again');
  h.replyParts.load(); // the panel opening again
  await tick();
  assert.equal(h.calls.loads, 3);
  h.release();
  await tick();
  assert.deepEqual(h.list.byClass('card-name').map((n) => n.textContent), ['a', 'b'], 'nothing the core showed is lost');
});
