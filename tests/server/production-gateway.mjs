// What the drain stories share (docs/operating.md, "Deploys: the drain"):
// the shop's webhook agent, streaming slowly so a SIGTERM lands mid-reply;
// a production gateway process (`main.mjs --gateway`, as `npm run gateway`
// starts it); and the shipped examples/deploy/haproxy.cfg as a proxies.mjs
// template. Used by tests/server/gateway-drain.test.mjs (one node client)
// and tests/browser/rolling-restart.test.mjs (Chromium shoppers).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const here = path.dirname(fileURLToPath(import.meta.url));
const mainPath = path.join(here, '../../tools/gateway/main.mjs');
const exampleHaproxy = path.join(here, '../../examples/deploy/haproxy.cfg');
export const WEBHOOK_SECRET = 'whsec_drain_0123456789abcdef';

// The shop's webhook agent: answers each message (Idempotency-Key: its id)
// with `wordsFor(key)`, one SSE delta every `gapMs`, and counts the calls
// per message. Resolves { url, calls: Map(key -> n), close() }.
export async function startSlowShop({ wordsFor, gapMs }) {
  const calls = new Map();
  const server = http.createServer((req, res) => {
    const key = req.headers['idempotency-key'];
    calls.set(key, (calls.get(key) ?? 0) + 1);
    req.resume();
    req.on('end', async () => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      for (const text of wordsFor(key)) {
        if (res.destroyed) return;
        res.write(`event: delta\ndata: ${JSON.stringify({ text })}\n\n`);
        await sleep(gapMs);
      }
      res.end('event: done\ndata: {}\n\n');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/natter`, calls,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NATTER_') && name !== 'PORT'));
}

// One `npm run gateway` process on `port`, its agent the webhook at
// `webhookUrl`, its state in Redis. `env`: more settings. Resolves
// { url, port, child, out(), exited } once it listens.
export async function startProductionGateway({ port, redisUrl, distDir, webhookUrl, origins, env = {} }) {
  const child = spawn(process.execPath, [mainPath, '--gateway'], {
    env: {
      ...cleanEnv(), PORT: String(port), NATTER_STORE: 'redis', NATTER_REDIS_URL: redisUrl, NATTER_AGENT: 'webhook',
      NATTER_WEBHOOK_URL: webhookUrl, NATTER_WEBHOOK_SECRET: WEBHOOK_SECRET, NATTER_ALLOWED_ORIGINS: origins,
      NATTER_VOICE_STT: 'off', NATTER_DIST_DIR: distDir, ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c) => { out += c; });
  child.stderr.setEncoding('utf8').on('data', (c) => { out += c; });
  const exited = once(child, 'exit');
  while (!/Natter gateway: http/.test(out)) {
    const [chunk] = await Promise.race([once(child.stdout, 'data'), exited.then(() => [null])]);
    if (chunk === null) throw new Error(`gateway exited: ${out}`);
  }
  return { url: `http://127.0.0.1:${port}/`, port, child, out: () => out, exited };
}

// The shipped HAProxy example with its TLS listener and its servers swapped
// for loopback ones (gw1, gw2, … on `ports`); every other line (checks on
// /readyz, timeouts) as shipped. Pass as startProxy('haproxy', {templateText, values}).
export function haproxyExample(ports) {
  const text = readFileSync(exampleHaproxy, 'utf8');
  assert.match(text, /option httpchk GET \/readyz/);
  const templateText = text.replace(/^\s*bind .*$/m, '  bind {{LISTEN}}')
    .replace(/^\s*server .*\n/gm, '')
    .replace(/(default-server .*\n)/, '$1{{SERVERS}}\n');
  return { templateText, values: { SERVERS: ports.map((port, i) => `  server gw${i + 1} 127.0.0.1:${port}`).join('\n') } };
}
