// A rolling restart under load loses, doubles and garbles nothing
// (docs/operating.md, "Deploys: the drain"), seen from Chromium: two
// production gateways (`main.mjs --gateway`) on one Redis behind HAProxy
// running the shipped examples/deploy/haproxy.cfg (checks on /readyz), a
// shop webhook agent streaming each reply word by word, and four shoppers
// (each a browser context of its own: its own visitor) on a shop page
// embedding the widget from a CDN (dist/ as static-files.mjs serves it:
// the production gateway serves no files), its endpoint the proxy. Every
// shopper asks, and while each reply streams instance A gets SIGTERM; A
// drains, exits 0 and is started again; once HAProxy has it back, every
// shopper asks again and B gets SIGTERM, and restarts. Each shopper then
// shows every answer whole and once, each question was sent to the shop's
// agent once, every message delivered, the widget Connected.
// tests/server/gateway-drain.test.mjs is one SIGTERM, one node client, on
// the wire.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, eventually } from './harness.mjs';
import { openConnected, sentIdOf, type } from './session-helpers.mjs';
import { startShopServer } from './shop-origin.mjs';
import { repoRoot } from '../node/load-core.mjs';
import { freePort, startRedis } from '../server/redis-helpers.mjs';
import { haproxyExample, startProductionGateway, startSlowShop } from '../server/production-gateway.mjs';
import { HAPROXY, startProxy } from '../../tools/proxy/proxies.mjs';
import { createStaticHandler } from '../../tools/gateway/static/static-files.mjs';

const skip = existsSync(HAPROXY) ? false : `${HAPROXY} is not installed`;
const SHOPPERS = 4;
const WORD_GAP_MS = 120; // a reply of 32 words takes about 4 s: each SIGTERM lands mid-reply
const NOTICE_MS = 1500; // above the example's `inter 1s fall 1`
// Each message's own words, so half of one answer and half of another shows.
const wordsFor = (id) => Array.from({ length: 32 }, (_, i) => `${String(id).slice(-6)}:${i + 1} `);
const expectedText = (id) => wordsFor(id).join('').trim();

let redis;
let agent;
let shopSite;
let proxy;
let cdn;
let dataDir; // the instances' SQLite records, out of the clone
let browser;
const gateways = []; // [A, B]: { url, port, child, out(), exited }
const shoppers = [];

// The widget's files from dist/, with the headers a release's CDN sends.
async function startCdn() {
  const files = createStaticHandler({ distDir: path.join(repoRoot, 'dist') });
  const server = http.createServer((req, res) => files(req, res, new URL(req.url, 'http://x').pathname));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}
const shopPage = (endpoint) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script async src="${cdn.origin}/natter.js" data-endpoint="${endpoint}" data-transport="session"></script>
</head><body><main><h1>Shop</h1></main></body></html>`;

const startGateway = (port) => startProductionGateway({
  port, redisUrl: redis.url, distDir: path.join(repoRoot, 'dist'), webhookUrl: agent.url, origins: shopSite.origin,
  env: { NATTER_DRAIN_NOTICE_MS: String(NOTICE_MS), NATTER_DATA: path.join(dataDir, String(port)) },
});
// Live sockets an instance has upgraded (its request log).
const upgrades = (g) => (g.out().match(/GET \/api\/session 101/g) ?? []).length;
// HAProxy's own word that server gwN is in rotation (again).
const upCount = (n) => (proxy.errorLog().match(new RegExp(`natter_gateways/gw${n} is UP`, 'g')) ?? []).length;

before(async () => {
  if (skip) return;
  dataDir = mkdtempSync(path.join(tmpdir(), 'natter-rolling-'));
  redis = await startRedis();
  agent = await startSlowShop({ wordsFor, gapMs: WORD_GAP_MS });
  cdn = await startCdn();
  const pages = {}; // filled once the proxy's origin is known
  shopSite = await startShopServer(pages);
  for (let i = 0; i < 2; i += 1) gateways.push(await startGateway(await freePort()));
  proxy = await startProxy('haproxy', haproxyExample(gateways.map((g) => g.port)));
  const endpoint = new URL(proxy.url).origin;
  pages['/shop.html'] = { html: shopPage(endpoint) };
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  for (let i = 0; i < SHOPPERS; i += 1) {
    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    const stack = { server: { url: proxy.url }, context, allowedOrigins: [endpoint, cdn.origin] };
    shoppers.push(await openConnected(stack, { path: shopSite.url('/shop.html') }));
  }
});

after(async () => {
  await browser?.close().catch(() => {});
  for (const g of gateways) if (g.child.exitCode === null) g.child.kill('SIGKILL');
  await proxy?.stop();
  await shopSite?.close();
  await cdn?.close();
  await agent?.close();
  await redis?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

// The reply events for `id` one page received, over all its sockets.
const eventsFor = (s, id) => s.sockets.flatMap((w) => w.received.filter((f) => f.type === 'event' && f.reply_to === id));
// Whether the socket that carried the first part of `id`'s reply closed
// before its end, and a later socket carried the rest: moved mid-reply.
function movedMidReply(s, id) {
  const carrying = s.sockets.filter((w) => w.received.some((f) => f.type === 'event' && f.reply_to === id));
  return carrying.length >= 2 && !carrying[0].received.some((f) => f.reply_to === id && f.event === 'done');
}

// Every shopper asks `round`; once each sees its reply streaming, `victim`
// gets SIGTERM, drains and exits 0, and is started again on its port until
// HAProxy has it back. Returns the message ids, one per shopper.
async function askThenRestart(round, victim) {
  const texts = shoppers.map((_, k) => `question ${round} from shopper ${k + 1}`);
  await Promise.all(shoppers.map((s, k) => type(s, texts[k])));
  const ids = shoppers.map((s, k) => sentIdOf(s, texts[k], null));
  await eventually(() => shoppers.forEach((s, k) => {
    const events = eventsFor(s, ids[k]);
    assert.ok(events.filter((e) => e.event === 'delta').length >= 2, `shopper ${k + 1}'s reply is streaming`);
    assert.ok(!events.some((e) => e.event === 'done'), `shopper ${k + 1}'s reply has not ended`);
  }), { timeout: 15_000 });
  const g = gateways[victim];
  const upBefore = upCount(victim + 1);
  g.child.kill('SIGTERM');
  const [code] = await g.exited;
  assert.equal(code, 0, `the drained instance exits 0:\n${g.out()}`);
  assert.match(g.out(), /drained in \d+ ms: every agent run here ended/);
  gateways[victim] = await startGateway(g.port);
  await eventually(() => assert.ok(upCount(victim + 1) > upBefore, 'HAProxy has the restarted instance back'), { timeout: 10_000 });
  return ids;
}

test('rolling restart of both instances with four shoppers mid-reply: every answer whole and once, the agent asked once each', { skip, timeout: 90_000 }, async () => {
  // A: the instance holding more of the shoppers' sockets (round robin
  // decides, with the pages' other requests in between).
  const a = upgrades(gateways[0]) >= upgrades(gateways[1]) ? 0 : 1;
  const first = await askThenRestart(1, a);
  const second = await askThenRestart(2, 1 - a);

  for (const [k, s] of shoppers.entries()) {
    const ids = [first[k], second[k]];
    await eventually(async () => assert.equal(await s.finishedReplies.count(), 2), { timeout: 20_000 });
    assert.equal(await s.agentBubbles.count(), 2, `shopper ${k + 1}: one answer per question`);
    const shown = await s.agentBubbles.locator('.bubble').allTextContents();
    assert.deepEqual(shown.map((t) => t.replace(/\s+/g, ' ').trim()), ids.map(expectedText), `shopper ${k + 1}: each answer whole`);
    assert.deepEqual(await s.userBubbles.evaluateAll((items) => items.map((li) => li.dataset.state)), ['sent', 'sent'],
      `shopper ${k + 1}: every message delivered`);
    for (const id of ids) {
      const seqs = eventsFor(s, id).map((e) => e.seq);
      assert.deepEqual(seqs, [...new Set(seqs)].sort((x, y) => x - y), `shopper ${k + 1}: each event of ${id} once, in order`);
      assert.equal(agent.calls.get(id), 1, `shopper ${k + 1}: the shop's agent asked once for ${id}`);
    }
    await s.waitForStatus('Connected', 15_000);
  }
  assert.equal(agent.calls.size, 2 * SHOPPERS, 'no other agent call');
  const moved = [first, second].map((ids) => shoppers.filter((s, k) => movedMidReply(s, ids[k])).length);
  assert.ok(moved[0] >= Math.ceil(SHOPPERS / 2), `A's drain moved its shoppers mid-reply: ${moved[0]}`);
  assert.equal(moved[1], SHOPPERS, 'B held every shopper by then: its drain moved them all mid-reply');
  for (const s of shoppers) s.assertClean();
});
