// X-Forwarded-For names the client for the per-address budgets only when
// the socket's peer is a trusted proxy (NATTER_TRUSTED_PROXIES,
// config/client-address.mjs): then two shoppers behind one proxy are two
// clients, and one shopper is one client whatever it writes in the header
// itself. From anyone else the header is ignored: a client cannot mint a
// fresh budget per request by writing a new address there.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { clientAddress, trustedProxies } from '../../tools/gateway/config/client-address.mjs';
import { MAX_MISSES } from '../../tools/gateway/continue/continue-links.mjs';
import { postChat, request, startTestServer } from './helpers.mjs';
import { attempt, closeAllSockets } from './session-helpers.mjs';

const fakeReq = (peer, xff) => ({ socket: { remoteAddress: peer }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } });

test('the client is the rightmost hop that is no trusted proxy, and only when the peer is one', () => {
  const proxies = trustedProxies(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);
  assert.equal(clientAddress(fakeReq('127.0.0.1', '198.51.100.7'), proxies), '198.51.100.7');
  assert.equal(clientAddress(fakeReq('::ffff:127.0.0.1', '198.51.100.7'), proxies), '198.51.100.7');
  // what the client wrote itself (left of the proxy's own entry) is not believed
  assert.equal(clientAddress(fakeReq('127.0.0.1', '203.0.113.9, 198.51.100.7'), proxies), '198.51.100.7');
  // a chain of trusted proxies is walked through
  assert.equal(clientAddress(fakeReq('127.0.0.1', '198.51.100.7, 10.1.2.3'), proxies), '198.51.100.7');
  assert.equal(clientAddress(fakeReq('10.9.9.9', '2001:db8::1, fd00::5'), proxies), '2001:db8::1');
  // every hop trusted: the leftmost is the client
  assert.equal(clientAddress(fakeReq('127.0.0.1', '10.0.0.1, 10.0.0.2'), proxies), '10.0.0.1');
  // a peer that is no trusted proxy: its header is ignored
  assert.equal(clientAddress(fakeReq('192.0.2.1', '198.51.100.7'), proxies), '192.0.2.1');
  // nothing forwarded, or garbage: the nearest trusted hop stands in
  assert.equal(clientAddress(fakeReq('127.0.0.1'), proxies), '127.0.0.1');
  assert.equal(clientAddress(fakeReq('127.0.0.1', 'nonsense, 10.0.0.4'), proxies), '10.0.0.4');
  // no trusted proxies at all: always the peer
  assert.equal(clientAddress(fakeReq('127.0.0.1', '198.51.100.7'), trustedProxies([])), '127.0.0.1');
});

const servers = [];
after(async () => {
  closeAllSockets();
  await Promise.all(servers.map((s) => s.close()));
});

async function gateway(trusted) {
  const server = await startTestServer({
    trustedProxies: trusted ? ['127.0.0.1'] : [], limits: { chatPerAddress: 1 }, bounds: { maxSocketsPerAddress: 1 },
  });
  servers.push(server);
  return server;
}

const chatFrom = (server, address, conversation) => postChat(server.url, { conversation, headers: { 'X-Forwarded-For': address } });

test('POST /api/chat: behind a trusted proxy the budget is per forwarded address; otherwise per peer', async () => {
  const trusted = await gateway(true);
  assert.equal((await chatFrom(trusted, '198.51.100.1', 'c1')).status, 200);
  assert.equal((await chatFrom(trusted, '198.51.100.2', 'c2')).status, 200, 'another shopper behind the proxy');
  assert.equal((await chatFrom(trusted, '203.0.113.5, 198.51.100.1', 'c3')).status, 429, 'the first shopper again, whatever it writes');

  const untrusted = await gateway(false);
  assert.equal((await chatFrom(untrusted, '198.51.100.1', 'c1')).status, 200);
  assert.equal((await chatFrom(untrusted, '198.51.100.2', 'c2')).status, 429, 'a written address buys no fresh budget');
});

const sessionUrl = (server) => `${server.url.replace('http', 'ws')}api/session`;
const socketFrom = (server, address) => attempt(sessionUrl(server), { headers: { 'X-Forwarded-For': address } });

test('the live session\'s sockets per address: per forwarded address behind a trusted proxy; otherwise per peer', async () => {
  const trusted = await gateway(true);
  const a = await socketFrom(trusted, '198.51.100.1');
  const b = await socketFrom(trusted, '198.51.100.2');
  assert.ok(a.socket && b.socket);
  const again = await socketFrom(trusted, '198.51.100.1');
  assert.deepEqual(await again.socket.waitClosed(), { code: 1013, reason: 'try again later: address' });
  assert.equal(b.socket.ws.readyState, 1, 'the other shopper\'s socket stays open');

  const untrusted = await gateway(false);
  const c = await socketFrom(untrusted, '198.51.100.1');
  assert.ok(c.socket);
  const d = await socketFrom(untrusted, '198.51.100.2');
  assert.deepEqual(await d.socket.waitClosed(), { code: 1013, reason: 'try again later: address' });
});

const guess = (server, address) => request(server.url, {
  method: 'POST', path: '/api/continue', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address },
  body: JSON.stringify({ code: '22222222' }),
});

test('typed continue codes: the missed-guess budget is per forwarded address behind a trusted proxy; otherwise per peer', async () => {
  const trusted = await gateway(true);
  for (let i = 0; i < MAX_MISSES; i += 1) assert.equal((await guess(trusted, '198.51.100.1')).status, 404);
  assert.equal((await guess(trusted, '198.51.100.1')).status, 429);
  assert.equal((await guess(trusted, '198.51.100.2')).status, 404, 'another shopper still tries its code');

  const untrusted = await gateway(false);
  for (let i = 0; i < MAX_MISSES; i += 1) assert.equal((await guess(untrusted, `198.51.100.${i + 1}`)).status, 404);
  assert.equal((await guess(untrusted, '198.51.100.200')).status, 429, 'written addresses buy no fresh guesses');
});
