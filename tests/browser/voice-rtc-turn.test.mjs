// Voice over WebRTC through a TURN relay: Chromium with UDP
// blocked (--webrtc-ip-handling-policy=disable_non_proxied_udp: only relay
// candidates, the relay reached over TCP), a throwaway coturn on loopback
// with --no-udp, the gateway minting TURN REST credentials for it; a network
// change restarts ICE through the relay on freshly minted credentials. A
// second coturn offers TLS only (`turns:`, a self-signed certificate made at
// start, which Chromium accepts by its key: --ignore-certificate-errors-spki-list),
// behind a second gateway sharing the browser: the call runs on `turn_tls`,
// embedded from a shop's own origin under the strict CSP.
// Embedded from the shop's own origin under the strict CSP (the embedding
// issue's shape: the page on http://localhost:<port>, the widget and the
// gateway on http://127.0.0.1:<port>), the relayed call works the same.
// Then the relay gone too: the call stays on the WebSocket, and says why
// (embedded from the shop's origin as well).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStack, startReferenceServer, eventually, recordCspViolations, cspViolations } from './harness.mjs';
import { openConnected, receivedOf } from './session-helpers.mjs';
import { speechWav, micArgs, voiceUi, gatewayCall as gatewayCallOf, assertAudioBothWaysOnTheChannel } from './voice-audio.mjs';
import { startCoturn } from './coturn.mjs';
import { keepPeerConnections, selectedLocalCandidate } from './rtc-peers.mjs';
import { startShopServer, shopPages } from './shop-origin.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'natter-voice-turn-'));
const shopperWav = speechWav(dir, 'shopper', 'Hello, do you have wireless headsets?', { leadSeconds: 4, tailSeconds: 3 });
const SECRET = 'turn-test-secret';

let stack;
let turn;
let tlsTurn;
let tlsStack; // a second gateway (its TURN: TLS only) in the same browser
let shop; // the shop's own origin, embedding the widget from stack's
let tlsShop; // another, embedding it from tlsStack's
before(async () => {
  [turn, tlsTurn] = await Promise.all([startCoturn({ secret: SECRET, tcpOnly: true }), startCoturn({ secret: SECRET, tls: true })]);
  stack = await startStack({
    extraArgs: [...micArgs(shopperWav), '--webrtc-ip-handling-policy=disable_non_proxied_udp',
      `--ignore-certificate-errors-spki-list=${tlsTurn.spki}`],
    server: { rtc: { turn: { urls: turn.urls, secret: SECRET, ttlS: 600 } } },
  });
  const tlsGateway = await startReferenceServer({ rtc: { turn: { urls: tlsTurn.urls, secret: SECRET, ttlS: 600 } } });
  tlsStack = { ...tlsGateway, context: stack.context };
  [shop, tlsShop] = await Promise.all([stack, tlsStack].map((g) => startShopServer(shopPages(new URL(g.server.url).origin))));
  await recordCspViolations(stack.context);
});
after(async () => {
  await stack?.close(); await tlsStack?.server.close();
  await turn?.stop(); await tlsTurn?.stop(); await shop?.close(); await tlsShop?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => { await stack.reset(); await tlsStack.resetServer(); });

const gatewayCall = (s) => gatewayCallOf(stack, s);
const wsUp = (s) => s.sockets.reduce((n, w) => n + w.sent.filter((f) => f.binary !== undefined).length, 0);

test('with UDP blocked the call runs through the TURN relay over TCP, on credentials the gateway minted', async () => {
  const s = await openConnected(stack);
  const ui = voiceUi(s);
  await ui.start.click();
  await ui.waitForRung('turn_tcp');
  const config = receivedOf(s, 'voice.rtc_config')[0];
  assert.deepEqual(config.ice_servers[0].urls, turn.urls);
  assert.match(config.ice_servers[0].username, /^\d+:call-/);
  assert.ok(!JSON.stringify(config).includes(SECRET), 'the secret never reaches the page');
  await ui.waitFor('listening', 20_000); // the greeting came through the relay
  const up = wsUp(s);
  await eventually(async () => assert.ok((await gatewayCall(s))?.segments_heard >= 1, 'heard through the relay'), { timeout: 20_000 });
  assert.equal(wsUp(s), up, 'no microphone frame on the WebSocket while relayed');
  const voice = (await stack.stats()).voice;
  assert.ok(voice.frames_received_rtc > 100 && voice.frames_sent_rtc > 20, JSON.stringify(voice));
  assert.equal((await s.page.evaluate(() => window.natter('debug').voice_route)).rung, 'turn_tcp');
  await ui.end.click();
  await ui.waitFor('off');
  s.assertClean();
});

test('with UDP blocked and only TLS at the relay the call runs on turn_tls, audio both ways (embedded from the shop\'s origin, strict CSP)', async () => {
  const s = await openConnected(tlsStack, { path: tlsShop.url('/strict.html'), onPage: keepPeerConnections });
  assert.notEqual(new URL(s.page.url()).origin, new URL(tlsStack.server.url).origin, 'the shop\'s page, not the widget\'s origin');
  const ui = voiceUi(s);
  const clickedAt = Date.now();
  await ui.start.click();
  await ui.waitForRung('turn_tls');
  console.log(`# turn_tls ${Date.now() - clickedAt} ms after the click`);
  const config = receivedOf(s, 'voice.rtc_config')[0];
  assert.deepEqual(config.ice_servers[0].urls, tlsTurn.urls);
  assert.match(config.ice_servers[0].urls[0], /^turns:/);
  assert.ok(!JSON.stringify(config).includes(SECRET), 'the secret never reaches the page');
  const local = await selectedLocalCandidate(s.page);
  console.log(`# Chromium's selected local candidate: ${JSON.stringify(local)}`);
  assert.equal(local.candidateType, 'relay');
  assert.equal(local.relayProtocol, 'tls', 'Chromium reached the relay over TLS');
  await ui.waitFor('listening', 20_000); // the greeting came through the relay
  const up = wsUp(s);
  await eventually(async () => assert.ok((await gatewayCallOf(tlsStack, s))?.segments_heard >= 1, 'heard through the relay'),
    { timeout: 20_000 });
  assert.equal(wsUp(s), up, 'no microphone frame on the WebSocket while relayed');
  const voice = (await tlsStack.stats()).voice;
  assert.ok(voice.frames_received_rtc > 100 && voice.frames_sent_rtc > 20, JSON.stringify(voice));
  assert.equal((await s.page.evaluate(() => window.natter('debug').voice_route)).rung, 'turn_tls');
  assert.ok(!JSON.stringify(s.sockets.map((w) => w.received)).includes(SECRET), 'no frame to the page carries the secret');
  await ui.end.click();
  await ui.waitFor('off');
  assert.deepEqual(await cspViolations(s.page), []);
  s.assertClean();
});

test('a network change on a relayed call restarts ICE through the relay on fresh, valid credentials', async () => {
  const s = await openConnected(stack);
  const ui = voiceUi(s);
  await ui.start.click();
  await ui.waitForRung('turn_tcp');
  await ui.waitFor('listening', 20_000);
  await s.page.evaluate(() => window.dispatchEvent(new Event('online')));
  await eventually(() => assert.equal(receivedOf(s, 'voice.rtc_answer').length, 2, 'the restart was answered'), { timeout: 10_000 });
  await ui.waitForRung('turn_tcp', 10_000);
  const [first, fresh] = receivedOf(s, 'voice.rtc_config').map((c) => c.ice_servers[0]);
  assert.notEqual(fresh.username, first.username, 'the restart\'s credentials are new');
  assert.notEqual(fresh.credential, first.credential);
  const { createHmac } = await import('node:crypto');
  assert.equal(fresh.credential, createHmac('sha1', SECRET).update(fresh.username).digest('base64'));
  assert.ok(Number(fresh.username.split(':')[0]) > Date.now() / 1000, 'not expired');
  const voice = (await stack.stats()).voice;
  assert.equal(voice.rtc_restarts, 1);
  assert.equal(voice.rtc_offers, 1, 'the same leg: an ICE restart, not a new peer connection');
  const before = voice.frames_received_rtc;
  await eventually(async () => assert.ok((await stack.stats()).voice.frames_received_rtc - before > 50, 'frames through the relay again'),
    { timeout: 10_000 });
  assert.equal((await s.page.evaluate(() => window.natter('debug').voice_route)).rung, 'turn_tcp');
  assert.ok(!['off', 'ending'].includes(await ui.state()));
  s.assertClean();
});

test('embedded from the shop\'s own origin under a strict CSP, the relayed call runs on turn_tcp with audio both ways', async () => {
  const s = await openConnected(stack, { path: shop.url('/strict.html') });
  const ui = voiceUi(s);
  await ui.start.click();
  await ui.waitForRung('turn_tcp');
  await ui.waitFor('listening', 20_000); // the greeting came through the relay
  await eventually(async () => assert.ok((await gatewayCall(s))?.segments_heard >= 1, 'heard through the relay'), { timeout: 20_000 });
  await assertAudioBothWaysOnTheChannel(s.page, stack, 'cross-origin, strict CSP', 'turn_tcp');
  await ui.end.click();
  await ui.waitFor('off');
  assert.deepEqual(await cspViolations(s.page), []);
  s.assertClean();
});

test('with the relay unreachable too the call runs on the WebSocket and the ladder says why (embedded from the shop\'s origin)', async () => {
  await turn.stop();
  const s = await openConnected(stack, { path: shop.url('/strict.html') });
  const ui = voiceUi(s);
  const clickedAt = Date.now();
  await ui.start.click();
  await eventually(() => assert.ok(s.consoleLines.some((l) => l.startsWith('[natter] voice back on the WebSocket')),
    'the ladder gave WebRTC up'), { timeout: 15_000 });
  console.log(`# WebRTC given up ${Date.now() - clickedAt} ms after the click (bound: 6 s from voice.started); `
    + `${s.consoleLines.find((l) => l.startsWith('[natter] voice back on the WebSocket'))}`);
  await ui.waitFor('listening', 20_000);
  const heard = (await gatewayCall(s)).frames_received;
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok((await gatewayCall(s)).frames_received - heard > 30, 'the gateway hears the shopper on the WebSocket');
  assert.equal((await stack.stats()).voice.frames_received_rtc, 0);
  assert.ok(!['off', 'ending'].includes(await ui.state()));
  assert.deepEqual(await cspViolations(s.page), []);
  s.assertClean();
});
