import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatUrl, coreConfig, lastReloadAt, storedConversation, panelTitle } from '../../shim/config.js';
import { defaultPlatform } from '../../shim/platform.js';

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
  const key = 'c0ffee'.repeat(8);
  const c = coreConfig({ dataset: { endpoint: '' }, pageUrl: page, seeds: { hi: '00000000000000aa', lo: '00000000000000bb', key }, storedId: 'abc-123' });
  assert.deepEqual(c, { chat_url: 'https://shop.example/api/chat', conversation_id: 'abc-123', max_text_chars: 4000,
    max_auto_retries: 3, seed_hi: '00000000000000aa', seed_lo: '00000000000000bb', conversation_key: key });
  assert.equal(storedConversation('<script>'), '');
  assert.equal(storedConversation(null), '');
});

test('the panel title defaults and is bounded', () => {
  assert.equal(panelTitle({}), 'Chat with us');
  assert.equal(panelTitle({ title: 'x'.repeat(100) }).length, 60);
});

// The live session (data-transport="session").
import { sessionUrl, transportMode, restoredSession, mintTabId } from '../../shim/config.js';

const seeds = { hi: '00000000000000aa', lo: '00000000000000bb', key: 'c0ffee'.repeat(8) };
const saved = (fields) => JSON.stringify({ session_id: 'conv-1', resume_token: 'tok-9', last_event_seq: 41,
  outbox: [{ id: 'm1', text: 'still there?' }], ...fields });

test('the transport defaults to http; anything but http or session is refused loudly', () => {
  assert.equal(transportMode({}), 'http');
  assert.equal(transportMode({ transport: ' session ' }), 'session');
  assert.throws(() => transportMode({ transport: 'websocket' }), /data-transport must be one of http, session/);
});

test('the session URL is the endpoint (or the page origin) over ws: or wss:', () => {
  assert.equal(sessionUrl('', page), 'wss://shop.example/api/session');
  assert.equal(sessionUrl('http://127.0.0.1:8790', page), 'ws://127.0.0.1:8790/api/session');
  assert.equal(sessionUrl('https://agent.example/v1/', 'http://localhost/'), 'wss://agent.example/v1/api/session');
  assert.throws(() => sessionUrl('javascript:alert(1)', page), /http\(s\)/);
});

test('the tab id is minted from fresh seeds', () => {
  assert.equal(mintTabId(seeds), '00000000000000aa00000000000000bb');
});

test('session mode adds the session keys and restores what this conversation persisted', () => {
  const c = coreConfig({ dataset: { transport: 'session' }, pageUrl: page, seeds, storedId: 'conv-1',
    tabId: 'tab-1', build: 'ce7664146718', version: '1.4.2', channelUrl: 'https://cdn.example/channels/latest.json',
    wallNow: 1_800_000_000_000, storedReload: JSON.stringify({ at: 1_799_999_000_000, reason: 'channel' }),
    storedSession: saved({}) });
  // (The release keys: version, channel_url, wall_now_ms, last_reload_wall_ms.)
  assert.deepEqual(c, {
    chat_url: 'https://shop.example/api/chat', conversation_id: 'conv-1', max_text_chars: 4000, max_auto_retries: 3,
    seed_hi: seeds.hi, seed_lo: seeds.lo, conversation_key: seeds.key, session_url: 'wss://shop.example/api/session', tab_id: 'tab-1',
    build: 'ce7664146718', version: '1.4.2', channel_url: 'https://cdn.example/channels/latest.json',
    wall_now_ms: 1_800_000_000_000, last_reload_wall_ms: 1_799_999_000_000,
    resume_token: 'tok-9', last_event_seq: 41, outbox: [{ id: 'm1', text: 'still there?' }],
  });
});

test('a pinned page has no channel; an unreadable reload record is no record', () => {
  const c = coreConfig({ dataset: { transport: 'session' }, pageUrl: page, seeds, storedId: 'conv-1', build: 'b' });
  assert.equal(c.channel_url, '');
  assert.equal(c.last_reload_wall_ms, 0);
  assert.equal(c.wall_now_ms, 0);
  for (const text of [null, '', 'not json', '{"at":"1"}', '{"at":-5}', '{"at":1.5}', '[]', 'null']) {
    assert.equal(lastReloadAt(text), 0, String(text));
  }
  assert.equal(lastReloadAt('{"at":1799999000000,"reason":"unsupported"}'), 1_799_999_000_000);
});

test('http mode takes the stored conversation (outbox, transcript, visitor), never a session to resume', () => {
  const c = coreConfig({ dataset: {}, pageUrl: page, seeds, storedId: 'conv-1', tabId: 't', build: 'b', storedSession: saved({}) });
  assert.equal('session_url' in c || 'resume_token' in c || 'last_event_seq' in c || 'visitor' in c, false);
  assert.deepEqual(c.outbox, [{ id: 'm1', text: 'still there?' }], 'the message left unanswered');
  const drawn = coreConfig({ dataset: {}, pageUrl: page, seeds, storedId: 'conv-1',
    storedSession: saved({ transcript: [{ id: 'm0', role: 'user', text: 'hi' }] }) });
  assert.deepEqual(drawn.transcript, [{ id: 'm0', role: 'user', text: 'hi' }]);
  const ana = { id: 'u-7', name: 'Ana' };
  const identified = coreConfig({ dataset: {}, pageUrl: page, seeds, storedId: 'conv-1',
    storedSession: JSON.stringify({ session_id: 'conv-1', visitor: ana }) });
  assert.deepEqual(identified.visitor, ana);
  assert.equal('outbox' in identified, false, 'none stored, none handed on');
});

test('a stored visitor object is handed to the core (which re-checks it); anything else is dropped', () => {
  const ana = { name: 'Ana', email: 'ana@example.com' };
  assert.deepEqual(restoredSession(saved({ visitor: ana }), 'conv-1').visitor, ana);
  for (const visitor of ['Ana', ['Ana'], null, 7]) {
    assert.equal('visitor' in restoredSession(saved({ visitor }), 'conv-1'), false, JSON.stringify(visitor));
  }
  assert.equal('visitor' in restoredSession(saved({ session_id: 'conv-2', visitor: ana }), 'conv-1'), false);
});

test('the stored conversation_key goes to the core on both transports; a malformed one is dropped', () => {
  const key = '0123456789abcdef'.repeat(3);
  for (const transport of ['http', 'session']) {
    const c = coreConfig({ dataset: { transport }, pageUrl: page, seeds, storedId: 'conv-1', tabId: 't', build: 'b',
      storedSession: saved({ conversation_key: key }) });
    assert.equal(c.conversation_key, key, transport);
  }
  for (const bad of ['short', 7, null, 'ZZ'.repeat(24), `${key}"`]) {
    assert.equal('conversation_key' in restoredSession(saved({ conversation_key: bad }), 'conv-1'), false, JSON.stringify(bad));
  }
  assert.equal('conversation_key' in restoredSession(saved({ session_id: 'conv-2', conversation_key: key }), 'conv-1'), false);
});

test('a new conversation gets the key the page drew on its own (not from the core\'s id seeds); a stored key wins', () => {
  const fresh = 'c0ffee'.repeat(8);
  const stored = '0123456789abcdef'.repeat(3);
  for (const transport of ['http', 'session']) {
    const withKey = { ...seeds, key: fresh };
    assert.equal(coreConfig({ dataset: { transport }, pageUrl: page, seeds: withKey, storedId: null, tabId: 't', build: 'b' })
      .conversation_key, fresh, transport);
    assert.equal(coreConfig({ dataset: { transport }, pageUrl: page, seeds: withKey, storedId: 'conv-1', tabId: 't', build: 'b',
      storedSession: saved({ conversation_key: stored }) }).conversation_key, stored, transport);
    // A host that draws no key: none reaches the core, which mints one.
    const sent = JSON.parse(JSON.stringify(coreConfig({ dataset: { transport }, pageUrl: page, seeds: { hi: seeds.hi, lo: seeds.lo },
      storedId: null, tabId: 't', build: 'b' })));
    assert.equal('conversation_key' in sent, false, transport);
  }
});

test('the platform draws the key apart from the id seeds: 48 hex digits, new each time', () => {
  const platform = defaultPlatform({ crypto: globalThis.crypto, sessionStorage: null, console });
  const a = platform.seeds();
  const b = platform.seeds();
  assert.match(a.key, /^[0-9a-f]{48}$/);
  assert.notEqual(a.key, b.key);
  assert.equal(a.key.includes(a.hi) || a.key.includes(a.lo), false, 'the key does not repeat the id seeds');
});

test('stored confirmed actions go to the core on both transports (it re-checks them); anything else is dropped', () => {
  const actions = [{ id: 'act_AAAAAAAAAAAAAAAAAAAAAA', name: 'add_to_cart', args: { product_id: 'sku-astro' } }];
  for (const transport of ['http', 'session']) {
    const c = coreConfig({ dataset: { transport }, pageUrl: page, seeds, storedId: 'conv-1', tabId: 't', build: 'b',
      storedSession: saved({ actions }) });
    assert.deepEqual(c.actions, actions, transport);
  }
  for (const bad of ['x', 7, null, { id: 'a' }]) {
    assert.equal('actions' in restoredSession(saved({ actions: bad }), 'conv-1'), false, JSON.stringify(bad));
  }
  assert.equal('actions' in restoredSession(saved({ session_id: 'conv-2', actions }), 'conv-1'), false);
});

test('a stored session of another conversation, or with no conversation, restores nothing', () => {
  assert.deepEqual(restoredSession(saved({ session_id: 'conv-2' }), 'conv-1'), {});
  assert.deepEqual(restoredSession(saved({ session_id: '' }), ''), {});
  const c = coreConfig({ dataset: { transport: 'session' }, pageUrl: page, seeds, storedId: '<bad>', tabId: 't', build: 'b',
    storedSession: saved({ session_id: '' }) });
  assert.equal('outbox' in c, false, 'a tampered conversation id starts afresh, without the old outbox');
});

test('unreadable or mistyped stored fields are dropped one by one', () => {
  assert.deepEqual(restoredSession('{not json', 'conv-1'), {});
  assert.deepEqual(restoredSession(null, 'conv-1'), {});
  assert.deepEqual(restoredSession('null', 'conv-1'), {});
  assert.deepEqual(restoredSession(saved({ resume_token: 5, last_event_seq: -1, outbox: {} }), 'conv-1'), {});
  assert.deepEqual(restoredSession(saved({ last_event_seq: 2.5, outbox: 'x' }), 'conv-1'), { resume_token: 'tok-9' });
});

test('token_url reaches the core only when set, resolved against the page, on both transports', () => {
  const seeds = { hi: '00000000000000aa', lo: '00000000000000bb' };
  assert.equal('token_url' in coreConfig({ dataset: {}, pageUrl: page, seeds }), false);
  assert.equal('token_url' in coreConfig({ dataset: { tokenUrl: '  ' }, pageUrl: page, seeds }), false);
  assert.equal(coreConfig({ dataset: { tokenUrl: '/shop/natter-token' }, pageUrl: page, seeds }).token_url,
    'https://shop.example/shop/natter-token');
  const session = coreConfig({ dataset: { transport: 'session', tokenUrl: 'https://auth.example/t' }, pageUrl: page, seeds, tabId: 't', build: 'b' });
  assert.equal(session.token_url, 'https://auth.example/t');
  assert.throws(() => coreConfig({ dataset: { tokenUrl: 'javascript:alert(1)' }, pageUrl: page, seeds }), /data-token-url must be an http\(s\) URL/);
});

test('saved products: restored on both transports; data-save-products="off" reaches the core as save_products false', () => {
  const p1 = { product_id: 'p1', name: 'Astro Bot', price: '59.99', currency: 'GBP', url: 'https://shop.example/p1' };
  const stored = JSON.stringify({ session_id: 'conv-1', saved: [p1] });
  const http = coreConfig({ dataset: {}, pageUrl: page, seeds, storedId: 'conv-1', storedSession: stored });
  assert.deepEqual(http.saved, [p1]);
  const session = coreConfig({ dataset: { transport: 'session' }, pageUrl: page, seeds, storedId: 'conv-1', tabId: 't', build: 'b', storedSession: stored });
  assert.deepEqual(session.saved, [p1]);
  assert.equal('saved' in restoredSession(saved({ saved: { p1 } }), 'conv-1'), false, 'not an array: dropped');
  assert.equal('save_products' in http, false, 'on by default: the core default');
  assert.equal(coreConfig({ dataset: { saveProducts: 'off' }, pageUrl: page, seeds }).save_products, false);
  assert.equal('save_products' in coreConfig({ dataset: { saveProducts: 'on' }, pageUrl: page, seeds }), false);
});

test('several conversations: only with data-conversations="multiple", each restored from its own blob, the index passed on', async () => {
  const { storedSessionText, CONVERSATIONS_KEY } = await import('../../shim/config.js');
  const store = new Map([
    ['natter.session', JSON.stringify({ session_id: 'conv-1', transcript: [{ role: 'user', id: 'm0', text: 'single' }] })],
    ['natter.session.conv-1', JSON.stringify({ session_id: 'conv-1', transcript: [{ role: 'user', id: 'm1', text: 'own' }] })],
    [CONVERSATIONS_KEY, '{"v":1,"items":[]}'],
  ]);
  const storage = { get: (k) => (store.has(k) ? store.get(k) : null) };
  // Off (the default): the one blob, no index, nothing new in the config.
  assert.equal(storedSessionText(storage, {}, 'conv-1'), store.get('natter.session'));
  const off = coreConfig({ dataset: {}, pageUrl: page, seeds, storedId: 'conv-1', storedIndex: '{}' });
  assert.equal('multiple_conversations' in off, false);
  assert.equal('conversations_json' in off, false);
  // On: the conversation's own blob (the single one only as a first-time fallback).
  const on = { conversations: 'multiple' };
  assert.equal(storedSessionText(storage, on, 'conv-1'), store.get('natter.session.conv-1'));
  assert.equal(storedSessionText(storage, on, 'conv-2'), store.get('natter.session'));
  const c = coreConfig({ dataset: on, pageUrl: page, seeds, storedId: 'conv-1', storedIndex: store.get(CONVERSATIONS_KEY), wallNow: 1_700_000_000_000 });
  assert.equal(c.multiple_conversations, true);
  assert.equal(c.conversations_json, '{"v":1,"items":[]}');
  assert.equal(c.wall_now_ms, 1_700_000_000_000);
});
