// A deploy garbles no reply (docs/operating.md, "Deploys: the drain"): two
// production gateways (`main.mjs --gateway`, as `npm run gateway` starts
// them) share a real Redis behind a real HAProxy running the shipped
// examples/deploy/haproxy.cfg (health checks on /readyz). A shopper's reply
// streams from the shop's webhook when its instance gets SIGTERM: /readyz
// turns 503 at once, a new socket to it is closed 1001 `going away:
// draining`, the shopper's socket is closed 1001 `going away`, its resuming
// hello lands on the other instance, which streams the rest of the SAME
// reply; the shopper sees one whole answer, the webhook is asked once, and
// the drained instance exits 0.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRedis, freePort } from './redis-helpers.mjs';
import { startProxy } from '../../tools/proxy/proxies.mjs';
import { attempt, closeAllSockets, helloFrame, msg, sessionUrl, sleep } from './session-helpers.mjs';
import { eventually, request } from './helpers.mjs';
import { haproxyExample, startProductionGateway, startSlowShop } from './production-gateway.mjs';

const SHOP = 'https://shop.example';
const WORDS = Array.from({ length: 24 }, (_, i) => `w${i + 1} `);
const WORD_GAP_MS = 200; // the whole reply takes about 5 s: the drain happens in the middle of it
const NOTICE_MS = 1500; // above the example's `inter 1s fall 1`

// The shop's webhook: streams WORDS, one every WORD_GAP_MS, and counts the
// calls per message (Idempotency-Key).
let shop;
before(async () => { shop = await startSlowShop({ wordsFor: () => WORDS, gapMs: WORD_GAP_MS }); });
after(() => shop.close());

const startGateway = (port, redisUrl, distDir) => startProductionGateway({
  port, redisUrl, distDir, webhookUrl: shop.url, origins: SHOP, env: { NATTER_DRAIN_NOTICE_MS: String(NOTICE_MS) },
});

// Opens a session through `baseUrl` with `hello` (the widget's Origin), as
// the widget does after a 1001: again at once while closed 1001 (an instance
// still draining). Resolves { socket, welcome, tries }.
async function helloThrough(baseUrl, hello) {
  for (let tries = 1; ; tries += 1) {
    const result = await attempt(sessionUrl(baseUrl), { headers: { Origin: SHOP } });
    assert.ok(result.socket, `upgrade refused: ${result.status ?? result.error}`);
    result.socket.send(helloFrame(hello));
    const welcome = await Promise.race([
      result.socket.waitFor((f) => f.type === 'welcome', 5000),
      result.socket.waitClosed(5000).then((closed) => ({ closed })),
    ]);
    if (!welcome.closed) return { socket: result.socket, welcome, tries };
    assert.equal(welcome.closed.code, 1001, `closed ${welcome.closed.code} ${welcome.closed.reason}`);
    if (tries >= 10) throw new Error('still refused after 10 tries');
    await sleep(100);
  }
}

const opened = (gw) => (gw.out().match(/GET \/api\/session 101/g) ?? []).length;

test('SIGTERM mid-reply behind HAProxy: one whole answer, one agent run, exit 0', { timeout: 90_000 }, async () => {
  const redis = await startRedis();
  const distDir = mkdtempSync(path.join(os.tmpdir(), 'natter-drain-dist-'));
  writeFileSync(path.join(distDir, 'manifest.json'), JSON.stringify({ build: 'drain-test' }));
  const gateways = [];
  let proxy = null;
  try {
    for (let i = 0; i < 2; i += 1) gateways.push(await startGateway(await freePort(), redis.url, distDir));
    proxy = await startProxy('haproxy', haproxyExample(gateways.map((g) => g.port)));

    const sessionId = 'drain-session-1';
    const first = await helloThrough(proxy.url, { session: sessionId });
    const [a, b] = opened(gateways[0]) === 1 ? gateways : [gateways[1], gateways[0]];
    assert.equal(opened(a), 1, 'the first socket reached one instance');
    first.socket.send(msg('drain-m1', 'what do you have?'));
    await first.socket.waitFor((f) => f.type === 'ack' && f.message_id === 'drain-m1');
    await first.socket.waitFor((f) => f.type === 'event' && f.event === 'delta', 5000);

    const termAt = Date.now();
    a.child.kill('SIGTERM');
    // Out of the rotation at once, and a new socket is told to go elsewhere.
    await eventually(async () => (await request(a.url, { path: '/readyz' })).status === 503, 1000);
    const direct = await attempt(sessionUrl(a.url), { headers: { Origin: SHOP } });
    assert.ok(direct.socket, 'the draining instance still completes the upgrade');
    assert.deepEqual(await direct.socket.waitClosed(), { code: 1001, reason: 'going away: draining' });

    const closed = await first.socket.waitClosed(NOTICE_MS + 5000);
    assert.deepEqual(closed, { code: 1001, reason: 'going away' });
    const seen = first.socket.events('drain-m1');
    assert.ok(!seen.some((e) => e.event === 'done'), 'the reply was still streaming when the session moved');

    const second = await helloThrough(proxy.url, { session: sessionId, token: first.welcome.resume_token, last: first.socket.lastSeq });
    assert.equal(second.welcome.resumed, true);
    assert.ok(opened(b) >= 1, 'the resumed session is on the other instance');
    const end = await second.socket.replyEnd('drain-m1', 20_000);
    assert.equal(end.event, 'done');

    const all = [...seen, ...second.socket.events('drain-m1')];
    const seqs = all.map((e) => e.seq);
    assert.deepEqual(seqs, [...new Set(seqs)].sort((x, y) => x - y), 'each event once, in order');
    assert.equal(all.filter((e) => e.event === 'delta').map((e) => e.data.text).join(''), WORDS.join(''), 'one whole answer');
    assert.ok(second.socket.events('drain-m1').some((e) => e.event === 'delta'), 'the rest of the reply came from the other instance');
    assert.equal(shop.calls.get('drain-m1'), 1, 'the shop\'s agent was asked once');

    const [code] = await a.exited;
    assert.equal(code, 0);
    assert.ok(Date.now() - termAt < 20_000, 'within the drain deadline');
    assert.match(a.out(), /drained in \d+ ms: every agent run here ended/);
  } finally {
    closeAllSockets();
    for (const g of gateways) if (g.child.exitCode === null) g.child.kill('SIGKILL');
    await proxy?.stop();
    await redis.stop();
    rmSync(distDir, { recursive: true, force: true });
  }
});
