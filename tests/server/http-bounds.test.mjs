// Bounds of the gateway's HTTP side (docs/security-http.md): a body that
// trickles in is cut with 408 after bodyTimeoutMs while other shoppers are
// served, and an error is logged as one short line, never a stack per request.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { postChat, request, startTestServer } from './helpers.mjs';
import { errorLine } from '../../tools/gateway/http/http-util.mjs';
import { closeAllSockets, joinSession, sleep } from './session-helpers.mjs';
import { DEFAULT_LIMITS } from '../../tools/gateway/store/limits.mjs';

const servers = [];
after(async () => { closeAllSockets(); for (const s of servers) await s.close(); });

// Sends the headers of a 100-byte POST /api/chat, then one byte every
// 100 ms; resolves {status line, ms until the server answered or closed}.
function trickle(port) {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    const timer = setInterval(() => socket.write('{'), 100);
    const finish = () => { clearInterval(timer); resolve({ status: answer.split('\r\n')[0], ms: Date.now() - started }); };
    socket.on('data', (c) => { answer += c; });
    socket.on('close', finish);
    socket.on('error', () => {});
    socket.write('POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n'
      + 'Idempotency-Key: slow\r\nContent-Length: 100\r\n\r\n');
  });
}

test('a request body that trickles in is answered 408 and closed after bodyTimeoutMs; shoppers are served meanwhile', async () => {
  assert.equal(DEFAULT_LIMITS.bodyTimeoutMs, 10_000);
  const server = await startTestServer({ limits: { bodyTimeoutMs: 600 } });
  servers.push(server);
  const slow = [trickle(server.port), trickle(server.port)];
  const shopper = await postChat(server.url, {});
  assert.equal(shopper.status, 200, 'a shopper is served while the slow bodies trickle');
  for (const { status, ms } of await Promise.all(slow)) {
    assert.equal(status, 'HTTP/1.1 408 Request Timeout');
    assert.ok(ms >= 500 && ms < 5000, `cut after ${ms} ms`);
  }
  assert.ok(server.lines.some((l) => l.includes('did not arrive within 600 ms')));
});

test('an error is logged as one short line, without the stack', async () => {
  const server = await startTestServer({ distDir: 42 }); // a broken setting: serving a file throws
  servers.push(server);
  const res = await request(server.url, { path: '/natter.js?token=private' });
  assert.equal(res.status, 500);
  const logged = server.lines.filter((l) => l.includes('error handling'));
  assert.equal(logged.length, 1);
  assert.doesNotMatch(logged[0], /\n/);
  assert.ok(logged[0].length < 400, logged[0]);
  assert.doesNotMatch(logged[0], /private/, 'no query string (it may carry a token)');

  const deep = (n) => (n === 0 ? 0 : 1 + deep(n - 1));
  let overflow;
  try { deep(1e7); } catch (error) { overflow = error; }
  const line = errorLine(overflow);
  assert.match(line, /^RangeError: Maximum call stack size exceeded \(at /);
  assert.ok(line.length <= 300 && !line.includes('\n'));
  assert.ok(overflow.stack.split('\n').length > 5, 'the stack itself was long');
});

test('a deeply nested session frame is refused before anything walks it; nothing is logged; other sessions carry on', async () => {
  const server = await startTestServer();
  servers.push(server);
  const { socket } = await joinSession(server.url, { session: 'deep' });
  const other = await joinSession(server.url, { session: 'calm' });
  const depth = 10_000; // under the 64 KiB frame limit, deep enough for JSON.stringify to overflow
  socket.ws.send(`{"type":"continue.offer","saved":[${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}]}`);
  // The session's depth bound (tests/server/session-frame-depth.test.mjs) answers it; a
  // frame whose handling still throws would be logged as one line (errorLine, above).
  await socket.waitFor((f) => f.type === 'error' && f.reason === 'too_deep');
  assert.deepEqual(server.lines.filter((l) => l.includes('frame handling failed')), []);
  other.socket.send({ type: 'ping' });
  await other.socket.waitFor((f) => f.type === 'pong');
  await sleep(0);
});
