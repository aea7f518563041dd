// The shim's side of "continue on your phone": the fragment is taken and
// stripped from the URL, the QR link is the page with the secret as its
// fragment, the redeem POSTs a JSON body (never a URL) and hands the answer
// back, and the QR code is drawn as SVG nodes (no markup, no style) with the
// encoder's modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { takeContinueSecret, continueLink } from '../../shim/continue/fragment.js';
import { createContinueRedeem, coreTranscript } from '../../shim/continue/redeem.js';
import { drawQr, qrModules } from '../../shim/continue/qr-svg.js';
import { createFakeDocument } from './fake-dom.mjs';

const SECRET = 'AbCdEfGhIjKlMnOpQrStUv';

function fakeWindow(href) {
  const replaced = [];
  const win = {
    location: { href, get hash() { const i = this.href.indexOf('#'); return i < 0 ? '' : this.href.slice(i); } },
    history: { state: { s: 1 }, replaceState: (state, _title, url) => { replaced.push({ state, url }); win.location.href = url; } },
  };
  return { win, replaced };
}

test('the secret is taken from the fragment and the fragment is removed with replaceState', () => {
  const { win, replaced } = fakeWindow(`https://shop.test/p/ps5?x=1#natter-continue=${SECRET}`);
  assert.equal(takeContinueSecret(win), SECRET);
  assert.deepEqual(replaced, [{ state: { s: 1 }, url: 'https://shop.test/p/ps5?x=1' }]);
  assert.equal(takeContinueSecret(win), '', 'once');
});

test('another fragment, or a malformed secret, is left alone', () => {
  for (const href of ['https://shop.test/#reviews', `https://shop.test/#natter-continue=${SECRET}x`, 'https://shop.test/']) {
    const { win, replaced } = fakeWindow(href);
    assert.equal(takeContinueSecret(win), '');
    assert.deepEqual(replaced, []);
  }
});

test('the QR link is this page with the secret as its fragment (any old fragment dropped)', () => {
  assert.equal(continueLink('https://shop.test/p?x=1#top', SECRET), `https://shop.test/p?x=1#natter-continue=${SECRET}`);
});

test('the redeem POSTs a JSON body to the URL as given and hands the answer back', async () => {
  const calls = [];
  const got = [];
  const fetch = async (url, init) => {
    calls.push({ url, init });
    return { ok: true, status: 200, json: async () => ({ session_id: 's-1', resume_token: 't-2', last_event_seq: 4, transcript: [{ role: 'shopper', text: 'hi' }] }) };
  };
  await createContinueRedeem({ fetch, dispatch: (e) => got.push(e) })({ request_id: 7, url: 'https://gw.test/api/continue', secret: SECRET, code: '' });
  assert.equal(calls[0].url, 'https://gw.test/api/continue');
  assert.equal(calls[0].init.method, 'POST');
  assert.deepEqual(JSON.parse(calls[0].init.body), { secret: SECRET });
  assert.equal(calls[0].init.credentials, 'omit');
  assert.deepEqual(got, [{ type: 'continue_redeemed', request_id: 7, status: 200, code: '', session_id: 's-1', resume_token: 't-2', last_event_seq: 4, transcript: [{ role: 'user', id: 'continued-1', text: 'hi' }] }]);
});

test('the gateway\'s transcript becomes the core\'s: replies answer the message before them, cards keep their id', () => {
  const card = { id: 'p1', name: 'Game', price: '9.99', currency: 'GBP', url: 'https://shop.test/p1' };
  assert.deepEqual(coreTranscript([
    { role: 'shopper', text: 'a' }, { role: 'agent', text: 'b', cards: [card] }, { role: 'staff', text: '?' },
    { role: 'shopper', text: 'c' }, { role: 'agent', text: 'd' },
  ]), [
    { role: 'user', id: 'continued-1', text: 'a' },
    { role: 'agent', id: 'continued-1', text: 'b', cards: [{ ...card, product_id: 'p1' }] },
    { role: 'user', id: 'continued-3', text: 'c' },
    { role: 'agent', id: 'continued-3', text: 'd' },
  ]);
});

test('a refusal carries its code; no answer is status 0', async () => {
  const got = [];
  const refused = async () => ({ ok: false, status: 410, json: async () => ({ error: { code: 'used', message: '…' } }) });
  await createContinueRedeem({ fetch: refused, dispatch: (e) => got.push(e) })({ request_id: 1, url: 'u', secret: '', code: 'ABCD2345' });
  const down = async () => { throw new TypeError('Failed to fetch'); };
  await createContinueRedeem({ fetch: down, dispatch: (e) => got.push(e) })({ request_id: 2, url: 'u', secret: SECRET, code: '' });
  assert.deepEqual(got, [
    { type: 'continue_redeemed', request_id: 1, status: 410, code: 'used' },
    { type: 'continue_redeemed', request_id: 2, status: 0, code: '' },
  ]);
});

test('the QR code is one SVG of nodes: a white quiet zone and one dark path with a square per dark module', () => {
  const text = `https://shop.test/demo/live.html#natter-continue=${SECRET}`;
  const modules = qrModules(text);
  const n = modules.length;
  assert.ok(n >= 21 && (n - 17) % 4 === 0, `a QR size (${n})`);
  // The three finder patterns: a dark 7x7 ring in three corners.
  for (const [r, c] of [[0, 0], [0, n - 7], [n - 7, 0]]) {
    for (let i = 0; i < 7; i += 1) assert.ok(modules[r][c + i] && modules[r + 6][c + i] && modules[r + i][c] && modules[r + i][c + 6]);
  }
  const doc = createFakeDocument();
  const svg = drawQr(doc, text, 'QR code');
  assert.equal(svg.getAttribute('viewBox'), `0 0 ${n + 8} ${n + 8}`);
  assert.equal(svg.getAttribute('aria-label'), 'QR code');
  assert.equal(svg.getAttribute('style'), null, 'no style attribute (strict CSP)');
  const path = svg.children.find((c) => c.tagName === 'path' || c.localName === 'path' || c.tag === 'path');
  const squares = path.getAttribute('d').match(/M\d+ \d+h1v1h-1z/g).length;
  assert.equal(squares, modules.flat().filter(Boolean).length);
});
