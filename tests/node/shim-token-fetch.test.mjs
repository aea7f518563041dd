// shim/token-fetch.js: token_requested -> one GET to the shop's endpoint with
// its cookies -> token_received or token_failed, checked and time-limited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenFetch } from '../../shim/token-fetch.js';

const effect = { type: 'token_requested', request_id: 9, url: 'https://shop.example/natter-token' };

function setup(fetchImpl, { timeoutMs = 8000 } = {}) {
  const events = [];
  const fetchToken = createTokenFetch({
    fetch: fetchImpl, dispatch: (e) => events.push(e), setTimeout, clearTimeout, timeoutMs,
  });
  return { events, fetchToken };
}

const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

test('a good answer becomes token_received; the request sends the shop its cookies and is never cached', async () => {
  let seen;
  const { events, fetchToken } = setup(async (url, init) => { seen = { url, ...init }; return json({ token: 'abc.def', expires_in: 300 }); });
  await fetchToken(effect);
  assert.deepEqual(events, [{ type: 'token_received', request_id: 9, token: 'abc.def', expires_in_s: 300 }]);
  assert.equal(seen.url, effect.url);
  assert.equal(seen.method, 'GET');
  assert.equal(seen.credentials, 'include');
  assert.equal(seen.cache, 'no-store');
});

test('an HTTP error names its status', async () => {
  const { events, fetchToken } = setup(async () => json({ error: 'nope' }, 503));
  await fetchToken(effect);
  assert.deepEqual(events, [{ type: 'token_failed', request_id: 9, status: 503, reason: '' }]);
});

test('a network failure is status 0', async () => {
  const { events, fetchToken } = setup(async () => { throw new TypeError('Failed to fetch'); });
  await fetchToken(effect);
  assert.deepEqual(events, [{ type: 'token_failed', request_id: 9, status: 0, reason: 'network error' }]);
});

test('bad bodies fail without quoting what came back', async () => {
  const bodies = [
    [new Response('<html>login</html>', { status: 200 }), 'the answer is not JSON'],
    [json({ token: 42, expires_in: 300 }), 'the answer has no usable "token" string'],
    [json({ token: 'has a space', expires_in: 300 }), 'the answer has no usable "token" string'],
    [json({ token: '', expires_in: 300 }), 'the answer has no usable "token" string'],
    [json({ token: 'secret-value', expires_in: '300' }), 'the answer has no positive integer "expires_in" (seconds)'],
    [json({ token: 'secret-value', expires_in: 0 }), 'the answer has no positive integer "expires_in" (seconds)'],
    [json(null), 'the answer has no usable "token" string'],
  ];
  for (const [response, reason] of bodies) {
    const { events, fetchToken } = setup(async () => response);
    await fetchToken(effect);
    assert.deepEqual(events, [{ type: 'token_failed', request_id: 9, status: 0, reason }]);
    assert.ok(!JSON.stringify(events).includes('secret-value'));
  }
});

test('an endpoint that never answers fails after the timeout', async () => {
  const { events, fetchToken } = setup((url, init) => new Promise((resolve, reject) => {
    init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
  }), { timeoutMs: 30 });
  const started = Date.now();
  await fetchToken(effect);
  assert.ok(Date.now() - started >= 25);
  assert.deepEqual(events, [{ type: 'token_failed', request_id: 9, status: 0, reason: 'no answer within 30 ms' }]);
});
