// Voice over WebRTC through a TURN relay reached over UDP (the first
// relayed rung): a throwaway coturn on loopback listening on UDP, the
// gateway minting TURN REST credentials for it. The direct path must be
// unreachable while UDP to the relay is not, as behind a firewall that lets
// only the relay through: the page's peer connections are made relay-only
// (iceTransportPolicy "relay", set by this test's init script, not by the
// widget). The call runs on `turn_udp`, with audio both ways on the data
// channel, and Chromium's own stats say the relay was reached over UDP. The
// shop's page is on its own origin under the strict CSP (shop-origin.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStack, eventually, recordCspViolations, cspViolations } from './harness.mjs';
import { openConnected, receivedOf } from './session-helpers.mjs';
import { speechWav, micArgs, voiceUi, gatewayCall, assertAudioBothWaysOnTheChannel } from './voice-audio.mjs';
import { startCoturn } from './coturn.mjs';
import { keepPeerConnections, selectedLocalCandidate } from './rtc-peers.mjs';
import { startShopServer, shopPages } from './shop-origin.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'natter-voice-turn-udp-'));
const shopperWav = speechWav(dir, 'shopper', 'Hello, do you have wireless headsets?', { leadSeconds: 4, tailSeconds: 3 });
const SECRET = 'turn-udp-test-secret';

let stack;
let turn;
let shop; // the shop's own origin, embedding the widget from stack's
before(async () => {
  turn = await startCoturn({ secret: SECRET, tcpOnly: false });
  stack = await startStack({
    extraArgs: micArgs(shopperWav),
    server: { rtc: { turn: { urls: turn.urls, secret: SECRET, ttlS: 600 } } },
  });
  shop = await startShopServer(shopPages(new URL(stack.server.url).origin));
  await recordCspViolations(stack.context);
});
after(async () => {
  await stack?.close();
  await turn?.stop();
  await shop?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('embedded from the shop\'s origin under a strict CSP, with only the relay reachable the call runs through TURN over UDP, audio both ways', async () => {
  const s = await openConnected(stack, { path: shop.url('/strict.html'), onPage: (page) => keepPeerConnections(page, { relayOnly: true }) });
  const ui = voiceUi(s);
  const clickedAt = Date.now();
  await ui.start.click();
  await ui.waitForRung('turn_udp');
  console.log(`# turn_udp ${Date.now() - clickedAt} ms after the click`);
  const config = receivedOf(s, 'voice.rtc_config')[0];
  assert.deepEqual(config.ice_servers[0].urls, turn.urls);
  assert.match(turn.urls[0], /\?transport=udp$/);
  assert.ok(!JSON.stringify(config).includes(SECRET), 'the secret never reaches the page');
  const local = await selectedLocalCandidate(s.page);
  assert.deepEqual([local?.candidateType, local?.relayProtocol], ['relay', 'udp'], JSON.stringify(local));
  await ui.waitFor('listening', 20_000); // the greeting came through the relay
  await eventually(async () => assert.ok((await gatewayCall(stack, s))?.segments_heard >= 1, 'heard through the relay'),
    { timeout: 20_000 });
  await assertAudioBothWaysOnTheChannel(s.page, stack, 'relay over UDP', 'turn_udp');
  await ui.end.click();
  await ui.waitFor('off');
  assert.deepEqual(await cspViolations(s.page), []);
  s.assertClean();
});
