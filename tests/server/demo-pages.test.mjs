// The demo variants are made from the one storefront page: each embeds the
// widget its own way and is otherwise the same page, served like it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { demoVariant, DEMO_VARIANTS } from '../../tools/gateway/static/demo-pages.mjs';
import { startTestServer } from './helpers.mjs';

const index = readFileSync(new URL('../../web/demo/index.html', import.meta.url), 'utf8');
const scriptTags = (html) => html.match(/<script\b[^>]*>/g) ?? [];

test('live.html is the storefront with the live session', () => {
  const live = demoVariant('demo/live.html', index);
  assert.deepEqual(scriptTags(live), ['<script async src="/natter.js" data-endpoint="" data-transport="session">']);
  assert.match(live, /<title>Pixel Harbour Games \(live session\)/);
  assert.match(live, /<a href="\/">the HTTP version<\/a>/);
  assert.equal(live.length - index.length < 400, true, 'otherwise the same page');
});

test('element.html embeds with a bare tag and one <natter-widget> in the body', () => {
  const page = demoVariant('demo/element.html', index);
  assert.deepEqual(scriptTags(page), ['<script async src="/natter.js">']);
  const elements = page.match(/<natter-widget [^>]*><\/natter-widget>/g);
  assert.equal(elements.length, 1);
  assert.match(elements[0], /transport="session"/);
  assert.ok(page.indexOf('<natter-widget ') > page.indexOf('<body'), 'in the body');
});

test('arabic.html is the storefront with the widget in Arabic', () => {
  const page = demoVariant('demo/arabic.html', index);
  assert.deepEqual(scriptTags(page), ['<script async src="/natter.js" data-endpoint="" data-locale="ar">']);
  assert.match(page, /<title>Pixel Harbour Games \(widget in Arabic\)/);
});

test('token.html is the live-session storefront with a token URL', () => {
  const page = demoVariant('demo/token.html', index);
  assert.match(page, /<script async src="\/natter\.js" data-endpoint="" data-transport="session" data-token-url="\/shop\/natter-token"><\/script>/);
  assert.equal(page.match(/src="\/natter\.js"/g).length, 1);
});

test('conversations.html is the live-session storefront with several conversations', () => {
  const page = demoVariant('demo/conversations.html', index);
  assert.deepEqual(scriptTags(page),
    ['<script async src="/natter.js" data-endpoint="" data-transport="session" data-conversations="multiple">']);
  assert.match(page, /<title>Pixel Harbour Games \(several conversations\)/);
});

test('any other file is not a variant, and a storefront without the embed fails loudly', () => {
  assert.equal(demoVariant('demo/index.html', index), null);
  assert.equal(demoVariant('natter.js', index), null);
  assert.deepEqual(DEMO_VARIANTS.sort(), ['demo/arabic.html', 'demo/conversations.html', 'demo/element.html', 'demo/live.html', 'demo/token.html']);
  assert.throws(() => demoVariant('demo/live.html', index.replace('data-endpoint=""', 'data-endpoint="x"')),
    /index\.html no longer contains/);
});

const webDir = new URL('../../web/', import.meta.url).pathname;
const POLICY = "default-src 'self'";
let server;
before(async () => { server = await startTestServer({ webDir, pageHeaders: { '/strict/': { 'Content-Security-Policy': POLICY } } }); });
after(() => server?.close());

test('the server serves the variants, also under a page-header prefix', async () => {
  for (const page of DEMO_VARIANTS) {
    for (const prefix of ['/', '/strict/']) {
      const res = await fetch(new URL(prefix + page, server.url));
      assert.equal(res.status, 200, prefix + page);
      assert.match(res.headers.get('content-type'), /^text\/html/);
      assert.equal(res.headers.get('content-security-policy'), prefix === '/' ? null : POLICY);
      assert.equal(await res.text(), demoVariant(page, index));
    }
  }
});
