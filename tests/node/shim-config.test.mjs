import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatUrl, coreConfig, storedConversation, panelTitle } from '../../shim/config.js';

const page = 'https://shop.example/products/astro-bot';

test('an empty or absent endpoint means the page origin', () => {
  assert.equal(chatUrl('', page), 'https://shop.example/api/chat');
  assert.equal(chatUrl(undefined, page), 'https://shop.example/api/chat');
});

test('an endpoint origin gets /api/chat, trailing slashes tolerated', () => {
  assert.equal(chatUrl('http://127.0.0.1:8790', page), 'http://127.0.0.1:8790/api/chat');
  assert.equal(chatUrl('https://agent.example/v1/', page), 'https://agent.example/v1/api/chat');
});

test('a non-http endpoint is refused loudly', () => {
  assert.throws(() => chatUrl('javascript:alert(1)', page), /http\(s\)/);
  assert.throws(() => chatUrl('http://[bad', page), /not a URL/);
});

test('the core config carries the seeds and a stored conversation only if it looks minted', () => {
  const c = coreConfig({ dataset: { endpoint: '' }, pageUrl: page, seeds: { hi: '00000000000000aa', lo: '00000000000000bb' }, storedId: 'abc-123' });
  assert.deepEqual(c, { chat_url: 'https://shop.example/api/chat', conversation_id: 'abc-123', max_text_chars: 4000,
    max_auto_retries: 3, seed_hi: '00000000000000aa', seed_lo: '00000000000000bb' });
  assert.equal(storedConversation('<script>'), '');
  assert.equal(storedConversation(null), '');
});

test('the panel title defaults and is bounded', () => {
  assert.equal(panelTitle({}), 'Chat with us');
  assert.equal(panelTitle({ title: 'x'.repeat(100) }).length, 60);
});
