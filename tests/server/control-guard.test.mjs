// Test controls refuse everything but a local test tool (tools/gateway/testing/control-guard.mjs):
// a cross-site page's plain-text POST, a request a reverse proxy forwarded,
// a DNS-rebound host name. Each refused attempt must change nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { postChat, request, startTestServer, stats } from './helpers.mjs';
import { NGINX, startProxy } from '../../tools/proxy/proxies.mjs';
import { CONTROL_HEADER } from '../../tools/gateway/testing/control-guard.mjs';

let server;
before(async () => { server = await startTestServer(); });
after(async () => { await server.close(); });

// What a cross-site page can send without a preflight: a text/plain POST.
const plainPost = (path, headers = {}) => request(server.url, {
  method: 'POST', path, body: '{"chat":[{"action":"status","status":500}]}',
  headers: { 'Content-Type': 'text/plain', [CONTROL_HEADER]: null, ...headers },
});

// One chat request is counted; a reset would forget it.
async function counted() {
  await request(server.url, { method: 'POST', path: '/__natter/reset' });
  assert.equal((await postChat(server.url, {})).status, 200);
  assert.equal((await stats(server.url)).total_requests, 1);
}

test('a POST without the control header is refused and changes nothing', async () => {
  await counted();
  const res = await plainPost('/__natter/reset');
  assert.equal(res.status, 403);
  assert.equal(JSON.parse(res.body).error.code, 'control_header_required');
  assert.equal((await plainPost('/__natter/faults')).status, 403);
  assert.equal((await stats(server.url)).total_requests, 1, 'not reset');
  assert.equal((await postChat(server.url, {})).status, 200, 'no fault was queued');
});

test('cross-site, forwarded or rebound requests find no controls, even with the header', async () => {
  await counted();
  const port = new URL(server.url).port;
  const attempts = [
    { Origin: 'https://evil.example' },
    { 'Sec-Fetch-Site': 'cross-site' },
    { 'Sec-Fetch-Site': 'same-site' },
    { 'X-Forwarded-For': '203.0.113.9' },
    { Forwarded: 'for=203.0.113.9' },
    { 'X-Real-IP': '203.0.113.9' },
    { Via: '1.1 proxy' },
    { Host: `evil.example:${port}` },
    { Host: `127.0.0.1:${Number(port) + 1}` }, // a proxy on this machine passing its own Host on
  ];
  for (const headers of attempts) {
    const res = await plainPost('/__natter/reset', { [CONTROL_HEADER]: '1', ...headers });
    assert.equal(res.status, 404, JSON.stringify(headers));
    const read = await request(server.url, { path: '/__natter/stats', headers });
    assert.equal(read.status, 404, `GET ${JSON.stringify(headers)}`);
  }
  assert.equal((await stats(server.url)).total_requests, 1, 'never reset');
});

test('a local tool is served: its own origin, a top-level navigation, or no browser at all', async () => {
  const origin = server.url.replace(/\/$/, '');
  for (const headers of [{}, { Origin: origin, 'Sec-Fetch-Site': 'same-origin' }, { 'Sec-Fetch-Site': 'none' }]) {
    assert.equal((await request(server.url, { method: 'POST', path: '/__natter/reset', headers })).status, 200);
  }
  assert.equal((await request(server.url, { path: '/__natter/stats', headers: { [CONTROL_HEADER]: null } })).status, 200);
});

test('through a same-host reverse proxy (tools/proxy/nginx-good) the controls are absent',
  { skip: existsSync(NGINX) ? false : `${NGINX} is not installed` }, async () => {
    await counted();
    const proxy = await startProxy('nginx-good', { upstreamPort: server.port });
    try {
      const res = await request(proxy.url, { method: 'POST', path: '/__natter/reset' });
      assert.equal(res.status, 404);
      assert.equal((await request(proxy.url, { path: '/__natter/stats' })).status, 404);
      assert.equal((await postChat(proxy.url, {})).status, 200, 'the chat still passes the proxy');
    } finally { await proxy.stop(); }
    assert.equal((await stats(server.url)).total_requests, 2, 'never reset');
  });
