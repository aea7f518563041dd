// Chromium shoppers on two gateway instances on one Redis behind HAProxy
// (round robin, no stickiness): the widget keeps its promises wherever its
// requests land. Its own redis-server, gateways (child processes, so one can
// be SIGKILLed), proxy and browser; all stopped after.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, openStorefront, eventually } from './harness.mjs';
import { openConnected, type, sentIdOf } from './session-helpers.mjs';
import { repoRoot } from '../node/load-core.mjs';
import { startGatewayProcess, startRedis } from '../server/redis-helpers.mjs';
import { HAPROXY, startProxy } from '../../tools/proxy/proxies.mjs';

const skip = existsSync(HAPROXY) ? false : `${HAPROXY} is not installed`;
const TEXT = 'do you have PS5 games?';

let redis;
let gateways = [];
let proxy;
let context;
let userDataDir;
let stack;

async function control(url, pathname, body) {
  const res = await fetch(url.replace(/\/$/, '') + pathname, {
    method: body === undefined ? 'GET' : 'POST', headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}
const alive = (g) => g.child.exitCode === null && g.child.signalCode === null;

before(async () => {
  if (skip) return;
  redis = await startRedis();
  const options = {
    redisUrl: redis.url, distDir: path.join(repoRoot, 'dist'), webDir: path.join(repoRoot, 'web'),
    tokenDelayMs: 40, leaseMs: 1000,
  };
  for (const name of ['gw-a', 'gw-b']) {
    const g = await startGatewayProcess({ ...options, instance: name });
    gateways.push(Object.assign(g, { options: { ...options, instance: name } }));
  }
  proxy = await startProxy('haproxy', { upstreamPorts: gateways.map((g) => g.port) });
  userDataDir = mkdtempSync(path.join(tmpdir(), 'natter-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
  });
  context.setDefaultTimeout(15_000);
  stack = {
    server: { url: proxy.url }, context,
    // Both instances' counters, added up (a killed instance's are gone).
    async stats() {
      const all = await Promise.all(gateways.filter(alive).map((g) => control(g.url, '/__natter/stats')));
      const sum = (field) => {
        const out = {};
        for (const s of all) for (const [k, n] of Object.entries(s[field])) out[k] = (out[k] ?? 0) + n;
        return out;
      };
      return { agent_runs: sum('agent_runs'), requests: sum('requests'), per: all };
    },
  };
});

after(async () => {
  await context?.close().catch(() => {});
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await proxy?.stop();
  for (const g of gateways) await g.kill();
  await redis?.stop();
});

test('HTTP: the instance that took a message dies; the retry lands on the other and the agent runs at most once', { skip }, async () => {
  for (const g of gateways) await control(g.url, '/__natter/faults', { chat: [{ action: 'reset_before_response' }] });
  const s = await openStorefront(stack);
  await s.openChat();
  await type(s, TEXT);
  await eventually(() => assert.ok(s.chatRequests.length >= 1));
  const key = s.chatRequests[0].key;
  // The instance that took the first request (and started the run) dies
  // before the widget's retry: the retry can only land on the other one.
  const seen = await Promise.all(gateways.map(async (g) => (await control(g.url, '/__natter/stats')).requests[key] ?? 0));
  const index = seen.findIndex((n) => n > 0);
  const [victim, survivor] = [gateways[index], gateways[1 - index]];
  await victim.kill();
  await s.finishedReplies.first().waitFor({ timeout: 30_000 });
  assert.equal(await s.agentBubbles.count(), 1, 'one reply bubble');
  assert.deepEqual([...new Set(s.chatRequests.map((r) => r.key))], [key], 'every retry with the same id');
  const after = await control(survivor.url, '/__natter/stats');
  assert.ok(after.requests[key] >= 1, 'the retry reached the other instance');
  assert.ok((after.agent_runs[key] ?? 0) <= 1, 'it ran the agent at most once: a takeover of the dead run, or a replay');
  await s.page.close();
  const again = await startGatewayProcess({ ...victim.options, port: victim.port }); // both again, for the next test
  gateways[index] = Object.assign(again, { options: victim.options });
});

test('live session: the instance streaming the reply is SIGKILLed; one complete reply, agent once', { skip }, async () => {
  const reference = await openStorefront(stack);
  await reference.openChat();
  await type(reference, TEXT);
  await reference.finishedReplies.first().waitFor({ timeout: 20_000 });
  const expected = await reference.finishedReplies.first().innerText();
  await reference.page.close();

  const s = await openConnected(stack);
  await type(s, TEXT);
  await eventually(() => assert.ok(s.sockets.at(-1).received.filter((f) => f.event === 'delta').length >= 3));
  const id = sentIdOf(s, TEXT);
  const holders = await Promise.all(gateways.map(async (g) => Boolean((await control(g.url, '/__natter/stats')).ws_connections_open[
    s.sockets.at(-1).sent[0].session_id])));
  const victim = gateways[holders.indexOf(true)];
  await victim.kill();
  await s.finishedReplies.first().waitFor({ timeout: 30_000 });
  assert.equal(await s.agentBubbles.count(), 1, 'no duplicate bubble');
  assert.equal(await s.finishedReplies.first().innerText(), expected, 'no missing or doubled text');
  const welcomes = s.sockets.flatMap((w) => w.received.filter((f) => f.type === 'welcome'));
  assert.equal(welcomes.at(-1).resumed, true, 'resumed on the other instance');
  const stats = await stack.stats();
  assert.equal(stats.agent_runs[id], 1, 'the survivor took the run over once (the dead instance\'s count is gone)');
  await s.page.close();
});
