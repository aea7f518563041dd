// Reconnect time of the live session, in headless Chromium: the live-session
// storefront (/demo/live.html, data-transport="session") with the session
// up, then a 2 s network cut emulated as the browser tests do it
// (tests/browser/session-network.test.mjs: CDP offline, plus the server's
// end of the socket dropped, since emulation only pauses an open socket),
// then the network back. Each trial is a fresh tab and a fresh session.
//
//   reconnect  network back (just before the CDP call that restores it,
//              so an upper bound) -> the status line reads "Connected"
//              again (the core's welcome on the new socket), seen by a
//              MutationObserver in the page.
// Both ends are epoch ms on the same machine clock (Node's Date.now() and
// the page's performance.timeOrigin + now()).
import { startProductionStack } from './production-stack.mjs';
import { openConnected, setNetwork, OFFLINE_TEXT } from '../../tests/browser/session-helpers.mjs';

const CUT_MS = 2000;

async function trial(stack) {
  const s = await openConnected(stack);
  const cdp = await stack.context.newCDPSession(s.page);
  await cdp.send('Network.enable');
  const cut = await setNetwork(s.page, cdp, false);
  await stack.killSessions();
  await s.waitForStatus(OFFLINE_TEXT);
  await new Promise((r) => setTimeout(r, Math.max(0, cut.at + CUT_MS - Date.now())));
  await s.recordStatus();
  const back = await setNetwork(s.page, cdp, true);
  await s.waitForStatus('Connected');
  const connected = (await s.statusHistory()).find((h) => h.state === 'connected');
  if (!connected) throw new Error('the status line never recorded "connected"');
  await cdp.detach();
  return { ms: connected.at - back.at, onlineEventFired: back.fired && cut.fired };
}

// Returns {reconnect: [ms, …], syntheticEvents: n} over `trials` trials;
// syntheticEvents counts trials where Chromium did not fire online/offline
// itself and the helper dispatched it (those figures include up to 1 s of
// waiting for the event, so the report says how many there were).
export async function measureReconnect({ trials, onTrial = () => {} }) {
  const stack = await startProductionStack();
  const out = { reconnect: [], syntheticEvents: 0 };
  try {
    for (let i = 0; i < trials; i += 1) {
      await stack.reset();
      const t = await trial(stack);
      out.reconnect.push(t.ms);
      if (!t.onlineEventFired) out.syntheticEvents += 1;
      onTrial(i + 1);
    }
  } finally {
    await stack.close();
  }
  return out;
}
