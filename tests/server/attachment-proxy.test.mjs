// A photo through nginx as shipped (tools/proxy/nginx-good.conf.tmpl, whose
// location blocks examples/deploy/nginx.conf copies): a 1.5 MiB upload
// reaches the gateway (nginx refuses bodies over 1 MiB by default), and one
// over the gateway's 2 MiB is the gateway's own 413 with CORS.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { startTestServer } from './helpers.mjs';
import { newKey, png, upload } from './attachment-helpers.mjs';
import { NGINX, startProxy } from '../../tools/proxy/proxies.mjs';

const closers = [];
after(async () => { for (const close of closers.reverse()) await close(); });

test('nginx-good passes a 1.5 MiB photo; over 2 MiB the gateway answers 413 itself', { skip: existsSync(NGINX) ? false : `${NGINX} is not installed` }, async () => {
  const server = await startTestServer({});
  closers.push(() => server.close());
  const proxy = await startProxy('nginx-good', { upstreamPort: server.port });
  closers.push(() => proxy.stop());
  const query = { conversation_id: randomUUID(), message_id: 'm1', index: 0 };
  const key = newKey();
  const big = await upload(proxy.url, { query, key, bytes: png(8, 8, { padTo: 1.5 * 1024 * 1024 }) });
  assert.equal(big.status, 201, JSON.stringify(big.json));
  const over = await upload(proxy.url, { query: { ...query, index: 1 }, key, bytes: png(8, 8, { padTo: 2.5 * 1024 * 1024 }) });
  assert.equal(over.status, 413);
  assert.equal(over.json?.error?.code, 'body_too_large', 'the gateway\'s answer, not nginx\'s page');
  assert.equal(over.headers['access-control-allow-origin'], '*');
});
