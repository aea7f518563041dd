// Shop tokens end to end (docs/deploying.md, "Tokens without secrets in the
// page"): a page with data-token-url on a server that requires tokens.
// The widget fetches the token from the shop's endpoint (the reference
// server's GET /shop/natter-token), chats over the live session and over
// HTTP with it, never stores it, and after the server expires every token
// fetches a fresh one and carries on.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, eventually } from './harness.mjs';
import { openLive, type } from './session-helpers.mjs';

const TOKEN_PATH = '/shop/natter-token';
let stack;
// /no-wasm/: a page whose CSP forbids compiling WebAssembly, so the core runs
// in the core frame (shim/frame/) while the effects, the token fetch among
// them, still run in the page.
const NO_WASM = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:";
before(async () => {
  stack = await startStack({
    server: { requireToken: { secret: 'browser-test-shop-secret' }, demo: true, pageHeaders: { '/no-wasm/': { 'Content-Security-Policy': NO_WASM } } },
  });
});
after(async () => { await stack?.close(); });
beforeEach(async () => { await stack.reset(); });

// Session: the demo storefront's token variant (/demo/token.html, served
// by the server itself: Chromium's local-network checks refuse a WebSocket
// from a page Playwright fulfilled). HTTP: a bare page with the same snippet
// but the default transport.
async function openTokenPage({ transport, prefix = '' }) {
  const origin = new URL(stack.server.url).origin;
  const pagePath = transport === 'session' ? `${prefix}/demo/token.html` : '/__test/token-http.html';
  const tokenAnswers = []; // the tokens the page received, as Chromium saw them
  const chatAuth = []; // Authorization of each POST /api/chat
  const onPage = async (page) => {
    if (transport !== 'session') {
      await page.route(`${origin}${pagePath}`, (route) => route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Token shop</title>
<script async src="/natter.js" data-endpoint="" data-token-url="${TOKEN_PATH}"></script>
</head><body><main><h1>Token shop</h1></main></body></html>`,
      }));
    }
    page.on('response', async (r) => {
      if (new URL(r.url()).pathname === TOKEN_PATH && r.status() === 200) tokenAnswers.push((await r.json()).token);
    });
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/chat' && r.method() === 'POST') chatAuth.push(r.headers().authorization);
    });
  };
  const s = await openLive(stack, { path: pagePath, onPage });
  return Object.assign(s, { tokenAnswers, chatAuth });
}

// Everything the page keeps in its storages, as one string.
const storedText = (s) => s.page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));

async function askAndWait(s, text, replies) {
  await type(s, text);
  await eventually(async () => assert.equal(await s.finishedReplies.count(), replies), { timeout: 8000 });
}

test('live session: the hello carries the shop token, chat works, and after the server expires tokens the reconnect fetches a new one', async () => {
  const s = await openTokenPage({ transport: 'session' });
  await s.openChat();
  await s.waitForStatus('Connected');
  assert.equal(s.tokenAnswers.length, 1, 'one token fetched before the first connect');
  const hello = s.sockets[0].sent.find((f) => f.type === 'hello');
  assert.equal(hello.auth, s.tokenAnswers[0]);
  await askAndWait(s, 'do you have PS5 games?', 1);
  const stored = await storedText(s);
  assert.ok(stored.includes('natter.session'), 'the session blob was written');
  assert.ok(!stored.includes(s.tokenAnswers[0]), 'the token is in no storage');

  await stack.control('/__natter/tokens/expire', {});
  await stack.killSessions();
  await eventually(() => assert.equal(s.tokenAnswers.length, 2), { timeout: 8000 });
  await s.waitForStatus('Connected');
  const hellos = s.sockets.flatMap((w) => w.sent.filter((f) => f.type === 'hello'));
  assert.equal(hellos.at(-1).auth, s.tokenAnswers[1], 'the last hello carried the fresh token');
  assert.ok(hellos.some((h) => h.auth === s.tokenAnswers[0] && h !== hello), 'the old token was tried first (refused with 4003)');
  assert.ok(stack.serverLog.some((l) => l.includes('hello refused: token expired')));
  await askAndWait(s, 'and Xbox?', 2);
  assert.ok(!(await storedText(s)).includes(s.tokenAnswers[1]));
  assert.ok(!s.consoleLines.some((l) => s.tokenAnswers.some((t) => l.includes(t))), 'no token in the console');
  s.assertClean();
});

test('http: each POST carries the token as a Bearer header; a 401 after expiry fetches a new one and the message still gets its reply', async () => {
  const s = await openTokenPage({ transport: 'http' });
  await s.openChat();
  await askAndWait(s, 'is the blue one in stock?', 1);
  assert.equal(s.tokenAnswers.length, 1);
  assert.deepEqual(s.chatAuth, [`Bearer ${s.tokenAnswers[0]}`]);

  await stack.control('/__natter/tokens/expire', {});
  await askAndWait(s, 'and the red one?', 2);
  assert.equal(s.tokenAnswers.length, 2);
  assert.deepEqual(s.chatAuth, [`Bearer ${s.tokenAnswers[0]}`, `Bearer ${s.tokenAnswers[0]}`, `Bearer ${s.tokenAnswers[1]}`]);
  assert.ok(!(await storedText(s)).includes(s.tokenAnswers[0]));
  assert.ok(!(await storedText(s)).includes(s.tokenAnswers[1]));
  s.assertClean([
    { text: 'Failed to load resource: the server responded with a status of 401 (Unauthorized)', url: '/api/chat' },
  ]);
});

test('a failing token endpoint backs off and the session connects once it answers again', async () => {
  await stack.control('/__natter/tokens/fail', { count: 2, status: 503 });
  const s = await openTokenPage({ transport: 'session' });
  await s.openChat();
  await s.waitForStatus('Connected');
  assert.equal(s.tokenAnswers.length, 1);
  const failures = s.consoleLines.filter((l) => l.startsWith('[natter] token endpoint ') && l.includes('failed (HTTP 503'));
  assert.equal(failures.length, 2, s.consoleLines.join('\n'));
  const warning = { text: failures[0] };
  s.assertClean([
    warning,
    { text: 'Failed to load resource: the server responded with a status of 503 (Service Unavailable)', url: TOKEN_PATH },
  ]);
});

test('frame mode (no wasm-unsafe-eval): the page fetches the token for the framed core, and chat works', async () => {
  const s = await openTokenPage({ transport: 'session', prefix: '/no-wasm' });
  await s.openChat();
  await s.waitForStatus('Connected');
  assert.ok(s.page.frames().some((f) => /natter\.frame\.[0-9a-f]+\.html$/.test(f.url())), 'the core runs in the frame');
  assert.equal(s.tokenAnswers.length, 1);
  assert.equal(s.sockets[0].sent.find((f) => f.type === 'hello').auth, s.tokenAnswers[0]);
  await askAndWait(s, 'do you have PS5 games?', 1);
  assert.ok(!(await storedText(s)).includes(s.tokenAnswers[0]), 'the token is in no storage');
  assert.ok(!s.consoleLines.some((l) => l.includes(s.tokenAnswers[0])), 'no token in the console');
});
