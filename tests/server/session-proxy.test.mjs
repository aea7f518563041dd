// The live session through real reverse proxies (tools/proxy/, docs/reverse-proxy.md):
// nginx configured right passes the upgrade; configured wrong, the upgrade
// fails and a plain GET shows the server's 426; with the server down, 502;
// an idle socket is cut at proxy_read_timeout (1006) unless pings flow.
// HAProxy likewise (503 when the server is down).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { request, startTestServer, stats } from './helpers.mjs';
import { attempt, closeAllSockets, joinSession, msg, sessionUrl, sleep } from './session-helpers.mjs';
import { HAPROXY, NGINX, freePort, startProxy } from '../../tools/proxy/proxies.mjs';

let server;
const proxies = [];
before(async () => { server = await startTestServer({ tokenDelayMs: 1 }); });
after(async () => {
  closeAllSockets();
  await Promise.all(proxies.map((p) => p.stop()));
  await server.close();
});

async function proxy(kind, options = {}) {
  const started = await startProxy(kind, { upstreamPort: server.port, ...options });
  proxies.push(started);
  return started;
}

const noNginx = existsSync(NGINX) ? false : `${NGINX} is not installed`;
const noHaproxy = existsSync(HAPROXY) ? false : `${HAPROXY} is not installed`;

test('nginx configured right: the session works through it, end to end', { skip: noNginx }, async () => {
  const good = await proxy('nginx-good');
  const { socket, welcome } = await joinSession(good.url, { session: 'px-good' });
  assert.equal(welcome.resumed, false);
  socket.send(msg('px-good-1', 'do you have PS5 games?'));
  const done = await socket.replyEnd('px-good-1');
  assert.equal(done.event, 'done');
  assert.deepEqual((await stats(server.url)).ws_connections_open, { 'px-good': 1 });
  socket.send({ type: 'ping', t: 5 });
  assert.equal((await socket.waitFor((f) => f.type === 'pong')).t, 5);
  assert.equal((await request(good.url, { path: '/api/session' })).status, 426, 'probe passes through');
  await socket.close();
});

test('nginx without Upgrade headers: the upgrade fails and the probe shows 426', { skip: noNginx }, async () => {
  const bad = await proxy('nginx-bad');
  const result = await attempt(sessionUrl(bad.url));
  assert.equal(result.socket, undefined);
  assert.equal(result.status, 426);
  const probe = await request(bad.url, { path: '/api/session' });
  assert.equal(probe.status, 426);
  assert.equal(JSON.parse(probe.body).error.code, 'upgrade_required');
  assert.equal((await request(bad.url, { path: '/__natter/stats' })).status, 200, 'plain HTTP still works');
});

test('nginx with the server down: the upgrade and the probe get 502', { skip: noNginx }, async () => {
  const down = await startProxy('nginx-good', { upstreamPort: await freePort() });
  proxies.push(down);
  const result = await attempt(sessionUrl(down.url));
  assert.equal(result.status, 502);
  assert.equal((await request(down.url, { path: '/api/session' })).status, 502);
  assert.match(down.errorLog(), /connect\(\) failed \(111: Connection refused\)/);
});

test('nginx cuts an idle session at proxy_read_timeout (1006); heartbeats keep it up', { skip: noNginx }, async () => {
  const short = await proxy('nginx-good', { readTimeout: '1s' });
  const idle = await joinSession(short.url, { session: 'px-idle' });
  const busy = await joinSession(short.url, { session: 'px-busy' });
  const pinger = setInterval(() => busy.socket.send({ type: 'ping', t: Date.now() }), 300);
  try {
    const started = Date.now();
    assert.equal((await idle.socket.waitClosed()).code, 1006);
    assert.ok(Date.now() - started >= 800, `cut after ${Date.now() - started}ms`);
    await sleep(500);
    assert.equal(busy.socket.ws.readyState, 1, 'the pinging session is still open');
  } finally {
    clearInterval(pinger);
  }
});

test('haproxy: the session works through it; with the server down, 503', { skip: noHaproxy }, async () => {
  const ha = await proxy('haproxy');
  const { socket } = await joinSession(ha.url, { session: 'px-ha' });
  socket.send(msg('px-ha-1', 'hi'));
  assert.equal((await socket.replyEnd('px-ha-1')).event, 'done');
  assert.equal((await request(ha.url, { path: '/api/session' })).status, 426);
  await socket.close();
  const down = await startProxy('haproxy', { upstreamPort: await freePort() });
  proxies.push(down);
  const refused = await attempt(sessionUrl(down.url), { handshakeTimeout: 10_000 }); // haproxy retries ~1 s apart
  assert.equal(refused.status, 503);
});
