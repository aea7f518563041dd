// Shop tokens on the reference server (tools/gateway/auth/access-tokens.mjs,
// shop-token.mjs): with requireToken, hello.auth and POST /api/chat's
// Bearer token must be valid (signed, unexpired); the demo shop endpoint
// mints 5-minute tokens; test controls expire tokens and fail the endpoint.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { postChat, request, startTestServer } from './helpers.mjs';
import { closeAllSockets, connect, helloFrame } from './session-helpers.mjs';
import { mintToken, verifyToken, bearerToken, createTokenGate } from '../../tools/gateway/auth/access-tokens.mjs';

const SECRET = 'test-secret-of-the-shop-backend';
let server;
let open; // a server without requireToken: nothing changes there
let deployed; // requireToken without the demo: the shop's backend mints tokens, the gateway none
before(async () => {
  server = await startTestServer({ requireToken: { secret: SECRET }, demo: true });
  open = await startTestServer({ demo: true });
  deployed = await startTestServer({ requireToken: { secret: SECRET } });
});
after(async () => { closeAllSockets(); await server.close(); await open.close(); await deployed.close(); });
beforeEach(async () => { await request(server.url, { method: 'POST', path: '/__natter/reset' }); });

const control = (pathname, body = {}) => request(server.url, {
  method: 'POST', path: pathname, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
});

async function shopToken(base = server.url) {
  const res = await request(base, { path: '/shop/natter-token', headers: { Cookie: 'demo_shopper=ana' } });
  return { ...res, json: res.status === 200 ? JSON.parse(res.body) : null };
}

// Says hello with `auth` (omitted when undefined); resolves {welcome} or {close}.
async function helloWith(auth, base = server.url) {
  const socket = await connect(base);
  const frame = helloFrame();
  if (auth !== undefined) frame.auth = auth;
  socket.send(frame);
  return Promise.race([
    socket.waitFor((f) => f.type === 'welcome').then((welcome) => ({ welcome })),
    socket.waitClosed().then((close) => ({ close })),
  ]);
}

const expired = () => mintToken(SECRET, { sub: 'ana', ttlS: 300, now: Date.now() - 301_000 });
const forged = () => mintToken('another-secret-not-the-shops', { sub: 'ana' });

test('the demo shop endpoint mints a 5-minute token for the shopper, never cached', async () => {
  const res = await shopToken();
  assert.equal(res.status, 200);
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.equal(res.json.expires_in, 300);
  const checked = verifyToken(SECRET, res.json.token);
  assert.equal(checked.ok, true);
  assert.equal(checked.payload.sub, 'ana');
  assert.ok(Math.abs(checked.payload.exp - Date.now() - 300_000) < 5000);
  assert.equal((await shopToken(open.url)).status, 404, 'no mint endpoint without requireToken');
});

test('with a real secret and the demo off, no token endpoint exists: nobody can mint a token', async () => {
  const res = await shopToken(deployed.url);
  assert.equal(res.status, 404);
  assert.doesNotMatch(res.body, /token"/);
  const refused = await postChat(deployed.url, {});
  assert.equal(refused.status, 401, 'and chat still needs a token');
});

test('hello: a valid token is welcomed; missing, expired, forged or garbled ones are closed with 4003', async () => {
  const { json } = await shopToken();
  assert.ok((await helloWith(json.token)).welcome);
  for (const [auth, reason] of [[undefined, 'missing'], ['', 'missing'], [expired(), 'expired'], [forged(), 'bad_signature'], ['x.y.z', 'malformed']]) {
    const answer = await helloWith(auth);
    assert.equal(answer.close?.code, 4003, `${reason}: ${JSON.stringify(answer)}`);
    assert.equal(answer.close.reason, `unauthorized: token ${reason}`);
  }
  assert.ok(server.lines.some((l) => l.includes('hello refused: token expired')));
  assert.ok(!server.lines.some((l) => l.includes(json.token)), 'the server log never holds a token');
});

test('POST /api/chat: a valid Bearer token gets the reply; anything else is a 401 JSON error', async () => {
  const { json } = await shopToken();
  const ok = await postChat(server.url, { headers: { Authorization: `Bearer ${json.token}` } });
  assert.equal(ok.status, 200);
  assert.match(ok.body, /event: done/);
  for (const [headers, reason] of [[{}, 'missing'], [{ Authorization: `Bearer ${expired()}` }, 'expired'],
    [{ Authorization: `Bearer ${forged()}` }, 'bad_signature'], [{ Authorization: json.token }, 'missing']]) {
    const res = await postChat(server.url, { headers });
    assert.equal(res.status, 401, reason);
    assert.equal(res.headers['www-authenticate'], 'Bearer');
    assert.deepEqual(JSON.parse(res.body).error, { code: 'unauthorized', message: `A valid shop token is required (token ${reason}).` });
  }
});

test('without requireToken nothing is checked on either transport', async () => {
  assert.equal((await postChat(open.url)).status, 200);
  assert.ok((await helloWith(undefined, open.url)).welcome);
});

test('test controls: expire refuses every token minted so far; fail makes the endpoint answer an error', async () => {
  const before = (await shopToken()).json.token;
  assert.equal((await control('/__natter/tokens/expire')).status, 200);
  assert.equal((await helloWith(before)).close?.code, 4003);
  assert.equal((await postChat(server.url, { headers: { Authorization: `Bearer ${before}` } })).status, 401);
  const after = (await shopToken()).json.token;
  assert.ok((await helloWith(after)).welcome, 'a token minted after the cut works');

  assert.deepEqual(JSON.parse((await control('/__natter/tokens/fail', { count: 2, status: 500 })).body), { queued: 2 });
  assert.equal((await shopToken()).status, 500);
  assert.equal((await shopToken()).status, 500);
  assert.equal((await shopToken()).status, 200);
  assert.equal((await control('/__natter/tokens/fail', { status: 200 })).status, 400);
  assert.equal((await request(open.url, { method: 'POST', path: '/__natter/tokens/expire', body: '{}' })).status, 404);
});

test('tokens: the format checks itself', () => {
  let now = 1_000_000;
  const gate = createTokenGate({ secret: SECRET }, { now: () => now });
  const token = gate.mint('ana');
  assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  assert.equal(gate.verify(token).ok, true);
  now += 300_000;
  assert.deepEqual(gate.verify(token), { ok: false, reason: 'expired' });
  const [payload, sig] = gate.mint('ana').split('.');
  const tampered = Buffer.from(JSON.stringify({ sub: 'eve', iat: now, exp: now + 1e9 })).toString('base64url');
  assert.deepEqual(gate.verify(`${tampered}.${sig}`), { ok: false, reason: 'bad_signature' });
  assert.equal(gate.verify(`${payload}.${sig}`).ok, true);
  gate.expireAll();
  assert.deepEqual(gate.verify(`${payload}.${sig}`), { ok: false, reason: 'expired' });
  assert.equal(gate.verify(gate.mint('ana')).ok, true, 'minted in the same millisecond after the cut: valid');
  assert.equal(bearerToken('Bearer abc'), 'abc');
  assert.equal(bearerToken('bearer  abc '), 'abc');
  assert.equal(bearerToken('Basic abc'), '');
  assert.throws(() => createTokenGate({ secret: 'short' }), /at least 16/);
  assert.equal(createTokenGate(null), null);
});
