// A voice call from a shopper whose network lets WebRTC through a TURN
// relay only (a corporate firewall, a strict NAT): the engine is started
// relay-only (Firefox: media.peerconnection.ice.relay_only; Chromium: no
// UDP of its own), a throwaway coturn on loopback takes TCP only, and the
// gateway mints TURN REST credentials for it. The call climbs to the relay
// over TCP, the greeting plays, the gateway hears the microphone on the data
// channel and not on the WebSocket.
// tests/browser/voice-rtc-turn.test.mjs covers Chromium's other relay paths
// (TLS, UDP, a restart, the relay gone); this story is the same promise in
// every engine with WebRTC. In the three-HTTPS-origins tier (deploy.mjs) the
// tier's own gateway, behind HAProxy on the agent's origin, mints the
// credentials for the tier's relay (`stack.turn`), and the page is the
// shop's; elsewhere the story starts a relay and a gateway of its own.
import assert from 'node:assert/strict';
import { widgetOn, eventually } from '../widget.mjs';
import { LIVE_PAGE } from '../../browser/session-helpers.mjs';
import { startReferenceServer } from '../../browser/harness.mjs';
import { startCoturn } from '../../browser/coturn.mjs';

const SECRET = 'engines-turn-secret';

// A throwaway TCP-only coturn, and the gateway's rtc option that mints
// credentials for it (the deployment tier's gateway takes the same).
export const startRelay = () => startCoturn({ secret: SECRET, tcpOnly: true });
export const relayConfig = (turn) => ({ turn: { urls: turn.urls, secret: SECRET, ttlS: 600 } });

export const voiceRelayStories = [{
  name: 'relay only: the call runs through TURN over TCP on credentials the gateway minted, with audio both ways',
  skip: (env) => !env.browser.can.relayOnly && 'this engine has no WebRTC to restrict (Debian\'s WebKitGTK: no RTCPeerConnection)',
  async run({ launch, stack }) {
    const own = !stack?.turn;
    const turn = own ? await startRelay() : null;
    const gateway = own ? await startReferenceServer({ rtc: relayConfig(turn) }) : stack;
    const browser = await launch({ relayOnly: true });
    try {
      const page = await browser.open(new URL(LIVE_PAGE, gateway.server.url).href);
      if (!own) assert.equal(await page.evaluate(() => location.origin), stack.origins.shop, 'the shop\'s page, as deployed');
      const w = widgetOn(page);
      await w.openChat();
      await w.waitConnected();
      const sessionId = await page.evaluate(() => JSON.parse(sessionStorage.getItem('natter.session')).session_id);
      await w.click('button[aria-label="Start a voice call"]');
      const route = await eventually(async () => {
        const r = await page.evaluate(() => window.natter('debug').voice_route);
        assert.equal(r.rung, 'turn_tcp', `the call on the relay, over TCP: ${JSON.stringify(r)}`);
        return r;
      }, { timeout: 25_000 });
      console.log(`# voice route, relay only: ${JSON.stringify(route)}`);
      await w.waitFor('.voice[data-state="listening"]', { timeout: 25_000 }); // the greeting came and played out

      const { calls } = await gateway.control('/__natter/voice/calls');
      const call = calls.find((c) => c.session_id === sessionId);
      assert.ok(call?.greeted, `the gateway greeted: ${JSON.stringify(call)}`);
      // Both ways on the data channel, so through the relay: the microphone's
      // frames reach the gateway there, and the agent's reach the page there
      // (the greeting starts on the WebSocket while the relay is set up, so
      // only its rest, or a later reply, travels the channel).
      const before = (await gateway.stats()).voice;
      await eventually(async () => {
        const now = (await gateway.stats()).voice;
        assert.ok(now.frames_received_rtc - before.frames_received_rtc >= 50, `microphone frames over the relay: ${JSON.stringify(now)}`);
        assert.ok(now.frames_sent_rtc >= 1, `agent frames over the relay: ${JSON.stringify(now)}`);
        const r = await page.evaluate(() => window.natter('debug').voice_route);
        assert.ok(r.rung === 'turn_tcp' && r.received >= 1, `the page received agent frames on the channel: ${JSON.stringify(r)}`);
      }, { timeout: 15_000, every: 250 });
      const after = (await gateway.control('/__natter/voice/calls')).calls.find((c) => c.session_id === sessionId);
      assert.equal(after.bad_packets, 0, 'every packet decoded');

      await w.click('button.voice-end');
      await w.waitFor('.voice[data-state="off"]');
      await w.assertClean();
    } finally {
      await browser.close();
      if (own) {
        await gateway.server.close();
        await turn.stop();
      }
    }
  },
}];
