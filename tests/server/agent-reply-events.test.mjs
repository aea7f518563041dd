// What an agent adapter yields is checked before it reaches a shopper
// (tools/gateway/agents/reply-events.mjs): only the protocol's shapes pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DELTA_CHARS, checkAgentEvent } from '../../tools/gateway/agents/reply-events.mjs';

const PRODUCT = { id: 'p1', name: 'Astro Bot', price: '49.99', currency: 'gbp', url: 'https://s.example/p1' };

test('a card passes with only the protocol\'s fields; a price number becomes a decimal string', () => {
  const { events } = checkAgentEvent({ event: 'card', data: { product: { ...PRODUCT, price: 49.99, extra: '<b>', image_url: 'data:x' } } });
  assert.deepEqual(events, [{ event: 'card', data: { product: { ...PRODUCT, price: '49.99', currency: 'GBP' } } }]);
});

test('bad cards and unknown events are refused with the reason', () => {
  const reason = (product) => checkAgentEvent({ event: 'card', data: { product } }).reason;
  assert.match(reason({ ...PRODUCT, url: 'javascript:alert(1)' }), /url must be an http\(s\) link/);
  assert.match(reason({ ...PRODUCT, price: '£5' }), /price must be a decimal/);
  assert.match(reason({ ...PRODUCT, currency: 'pounds' }), /currency must be an ISO 4217 code/);
  assert.match(reason({ ...PRODUCT, id: '' }), /id must be a string/);
  assert.match(reason(null), /must be an object/);
  assert.match(checkAgentEvent({ event: 'done', data: {} }).reason, /unknown event "done"/);
  assert.match(checkAgentEvent({ event: 'delta', data: { text: 5 } }).reason, /delta.text must be a string/);
  assert.deepEqual(checkAgentEvent({ event: 'delta', data: { text: '' } }), { ok: true, events: [] });
});

test('a long delta is split into pieces that join back, never inside a surrogate pair', () => {
  const text = `${'a'.repeat(MAX_DELTA_CHARS - 1)}😀${'b'.repeat(MAX_DELTA_CHARS)}`;
  const { events } = checkAgentEvent({ event: 'delta', data: { text } });
  assert.ok(events.length >= 2);
  assert.equal(events.map((e) => e.data.text).join(''), text);
  for (const e of events) {
    assert.ok(e.data.text.length <= MAX_DELTA_CHARS);
    assert.ok(e.data.text.isWellFormed(), 'each piece is well-formed UTF-16');
  }
});
