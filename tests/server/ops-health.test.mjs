// /healthz (the process lives) and /readyz (it can serve: store reachable,
// not draining), as a load balancer and a supervisor see them
// (docs/operating.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, request, startTestServer } from './helpers.mjs';
import { startRedis } from './redis-helpers.mjs';
import { createHealth } from '../../tools/gateway/ops/health.mjs';

test('/healthz is 200; /readyz is 200 until the gateway drains, then 503 draining', async () => {
  const server = await startTestServer();
  try {
    const health = await request(server.url, { path: '/healthz' });
    assert.equal(health.status, 200);
    assert.deepEqual(JSON.parse(health.body), { ok: true });
    const ready = await request(server.url, { path: '/readyz' });
    assert.equal(ready.status, 200, ready.body);
    assert.deepEqual(JSON.parse(ready.body), { ready: true, store: 'memory' });
    server.setDraining(true);
    const draining = await request(server.url, { path: '/readyz' });
    assert.equal(draining.status, 503);
    assert.deepEqual(JSON.parse(draining.body), { ready: false, reason: 'draining' });
    assert.equal((await request(server.url, { path: '/healthz' })).status, 200, 'a draining process is still alive');
    server.setDraining(false);
    assert.equal((await request(server.url, { path: '/readyz' })).status, 200);
    assert.equal((await request(server.url, { method: 'POST', path: '/readyz' })).status, 405);
    await new Promise((r) => setTimeout(r, 20)); // the request log line is written when the response closes
    const probes = server.lines.filter((l) => /^\[server\] \w+ \/(healthz|readyz) /.test(l));
    assert.deepEqual(probes.map((l) => l.replace(/ \d+ms$/, '')), ['[server] GET /readyz 503', '[server] POST /readyz 405'],
      'probes answered 200 are not logged; the others are');
  } finally {
    await server.close();
  }
});

test('on Redis, /readyz answers 503 store_unreachable within its timeout once Redis is gone, 200 when it is back', async () => {
  const redis = await startRedis();
  const server = await startTestServer({ redisUrl: redis.url, readyTimeoutMs: 500 });
  try {
    const ready = await request(server.url, { path: '/readyz' });
    assert.equal(ready.status, 200, ready.body);
    assert.equal(JSON.parse(ready.body).store, 'redis');
    await redis.stop();
    const started = Date.now();
    const gone = await request(server.url, { path: '/readyz' });
    assert.equal(gone.status, 503, gone.body);
    const body = JSON.parse(gone.body);
    assert.equal(body.ready, false);
    assert.match(body.reason, /^store_(unreachable|timeout)$/);
    assert.ok(Date.now() - started < 1500, `answered in ${Date.now() - started} ms`);
    assert.equal((await request(server.url, { path: '/healthz' })).status, 200, 'the process itself is fine');
    await redis.restartEmpty(); // the same port again: the gateway reconnects by itself
    await eventually(async () => (await request(server.url, { path: '/readyz' })).status === 200, 8000);
  } finally {
    await server.close();
    await redis.stop();
  }
});

test('a store that does not answer the ping makes /readyz 503 store_timeout after the timeout, not never', { timeout: 5000 }, async () => {
  const hung = { kind: 'redis', ping: () => new Promise(() => {}) }; // a Redis that accepts the connection and hangs
  const health = createHealth({ store: hung, timeoutMs: 100 });
  const started = Date.now();
  assert.deepEqual(await health.readiness(), { ready: false, reason: 'store_timeout', store: 'redis' });
  assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`);
});
