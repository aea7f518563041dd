// Shared by the session-*.test.mjs suites: the live-session storefront
// (/demo/live.html, data-transport="session") with every WebSocket the page
// opens and every frame on it recorded as Chromium saw them, and the status
// line's history recorded in the page as it changes (so a state that lasts
// a few ms is not missed). Observes the network and the screen, never the
// widget's own counters.
import assert from 'node:assert/strict';
import { openStorefront, eventually } from './harness.mjs';

export const LIVE_PAGE = '/demo/live.html';

// The JSON frames of one type the page sent / received, over all its sockets.
export const sentOf = (s, type) => s.sockets.flatMap((w) => w.sent.filter((f) => f.type === type));
export const receivedOf = (s, type) => s.sockets.flatMap((w) => w.received.filter((f) => f.type === type));
export const OFFLINE_TEXT = "You're offline — messages will send when you're back.";
export const QUEUED_TEXT = "Queued — will send when you're back online.";
export const DIAGNOSIS_503 = 'The chat service is temporarily unavailable (HTTP 503).';

// `onPage(page)` runs before the navigation (init scripts, listeners).
export async function openLive(stack, { onPage: extra, path = LIVE_PAGE } = {}) {
  const sockets = []; // {url, sent: [frame], received: [frame], closed}
  const onPage = async (page) => { if (extra) await extra(page); page.on('websocket', (ws) => {
    const entry = { url: ws.url(), sent: [], received: [], closed: false };
    sockets.push(entry);
    const parse = (payload) => {
      if (typeof payload !== 'string') return { binary: payload.length }; // a voice packet
      try { return JSON.parse(payload); } catch { return { raw: payload }; }
    };
    ws.on('framesent', (f) => entry.sent.push(parse(f.payload)));
    ws.on('framereceived', (f) => entry.received.push(parse(f.payload)));
    ws.on('close', () => { entry.closed = true; });
  }); };
  const s = await openStorefront(stack, { path, onPage });
  Object.assign(s, {
    sockets,
    status: s.widget.locator('.status-text'),
    diagnosis: s.widget.locator('.status-diagnosis'),
    retryNow: s.widget.getByRole('button', { name: 'Retry now' }),
    deliveryLines: s.widget.locator('li.msg.user .delivery-text'),
    // Every `msg` frame the page put on the wire, in order.
    msgsSent: () => sockets.flatMap((w) => w.sent.filter((f) => f.type === 'msg')),
    // Waits until the status line is shown and reads `text` (exactly). One
    // read per poll: a locator's "contains" match and a later read could see
    // two different statuses.
    waitForStatus: (text, timeout = 10_000) => eventually(async () => {
      const now = await s.widget.locator('.status').evaluate((box) => ({ hidden: box.hidden, text: box.querySelector('.status-text').textContent }));
      assert.deepEqual(now, { hidden: false, text }, `the status line reads ${JSON.stringify(text)}`);
    }, { timeout }),
    // The status line's states and texts since recordStatus() was called,
    // each with `at`: when it was seen (epoch ms, the page's clock).
    async recordStatus() {
      await s.page.evaluate(() => {
        const box = document.querySelector('natter-widget').shadowRoot.querySelector('.status');
        const seen = (window.__statusHistory = []);
        const note = () => {
          const entry = { state: box.getAttribute('data-state'), text: box.querySelector('.status-text').textContent };
          const last = seen.at(-1);
          if (!last || last.state !== entry.state || last.text !== entry.text) {
            seen.push({ ...entry, at: performance.timeOrigin + performance.now() });
          }
        };
        note();
        new MutationObserver(note).observe(box, { subtree: true, childList: true, characterData: true, attributes: true });
      });
    },
    statusHistory: () => s.page.evaluate(() => window.__statusHistory),
  });
  return s;
}

// Opens the chat and waits until the session is up.
export async function openConnected(stack, options) {
  const s = await openLive(stack, options);
  await s.openChat();
  await s.waitForStatus('Connected');
  return s;
}

const conditions = (offline) => ({ offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

// Switches Chromium's network emulation (cdp: a CDP session of `page` with
// Network enabled), and makes sure the page got the matching online/offline
// event (dispatches it when emulation did not). Chromium pauses an open
// WebSocket rather than dropping it: a real cut also needs the server's end
// dropped (stack.killSessions()). Returns {at: epoch ms just before the
// switch, fired: whether Chromium fired the event itself}.
export async function setNetwork(page, cdp, online) {
  await page.evaluate(() => {
    window.__netEvents ??= [];
    if (!window.__netListening) {
      window.__netListening = true;
      addEventListener('online', () => window.__netEvents.push('online'));
      addEventListener('offline', () => window.__netEvents.push('offline'));
    }
  });
  const at = Date.now();
  await cdp.send('Network.emulateNetworkConditions', conditions(!online));
  const name = online ? 'online' : 'offline';
  const fired = await page.waitForFunction((n) => window.__netEvents.at(-1) === n, name, { timeout: 1000 })
    .then(() => true, () => false);
  if (!fired) await page.evaluate((n) => dispatchEvent(new Event(n)), name);
  return { at, fired };
}

// Sends `text` with Enter.
export async function type(s, text) {
  await s.textarea.fill(text);
  await s.textarea.press('Enter');
}

// The message id the page sent `text` with (exactly one msg frame for it
// across all sockets unless `times` says otherwise).
// `times`: how many msg frames carried it (null: any number, one id).
export function sentIdOf(s, text, times = 1) {
  const msgs = s.msgsSent().filter((m) => m.text === text);
  const ids = [...new Set(msgs.map((m) => m.message_id))];
  assert.equal(ids.length, 1, `one message id on the wire for ${JSON.stringify(text)}: ${JSON.stringify(ids)}`);
  if (times !== null) assert.equal(msgs.length, times, `msg frames for ${JSON.stringify(text)}`);
  return ids[0];
}

// The server ran the agent once for `id` and saw `requests` msg frames for it.
export async function assertServerRanOnce(stack, id, { requests = 1 } = {}) {
  const stats = await eventually(async () => {
    const st = await stack.stats();
    assert.equal(st.agent_runs[id], 1, `one agent run for ${id}: ${JSON.stringify(st.agent_runs)}`);
    return st;
  });
  assert.deepEqual(stats.agent_runs, { [id]: 1 }, 'no other agent run');
  assert.equal(stats.requests[id], requests, `requests for ${id}`);
  return stats;
}

// What Chromium itself logs when an upgrade to /api/session is refused with
// `status` and the diagnosis probe gets the same answer; tests that cause
// that list these as expected.
export function refusedUpgradeLogs(stack, status, reason) {
  const ws = stack.server.url.replace(/^http/, 'ws').replace(/\/$/, '') + '/api/session';
  return [
    { text: `WebSocket connection to '${ws}' failed: Error during WebSocket handshake: Unexpected response code: ${status}` },
    { text: `Failed to load resource: the server responded with a status of ${status} (${reason})`, url: '/api/session' },
  ];
}

// The 2 s network cut story: the network goes down and the socket drops, the
// shopper sends `text` (queued, nothing on the wire), the network comes back
// and the message is sent and answered. Returns the status state history,
// checked to pass through offline and end connected.
export async function cutTwoSecondsThenSend(stack, s, cdp, text) {
  const cutAt = Date.now();
  await setNetwork(s.page, cdp, false);
  await stack.killSessions(); // a real cut drops the socket (emulation only pauses it)
  await s.waitForStatus(OFFLINE_TEXT);
  await type(s, text);
  await s.widget.locator('li.msg.user .delivery-text', { hasText: QUEUED_TEXT }).waitFor();
  assert.equal(s.msgsSent().length, 0, 'nothing on the wire while offline');

  // The cut lasts 2 s (the scenario, not an assertion).
  await new Promise((r) => setTimeout(r, Math.max(0, cutAt + 2000 - Date.now())));
  await setNetwork(s.page, cdp, true);
  await s.waitForStatus('Connected');
  await s.widget.locator('li.msg.user[data-state="sent"]').waitFor();
  await s.finishedReplies.first().waitFor();

  const history = (await s.statusHistory()).map((h) => h.state);
  assert.ok(history.indexOf('offline') > 0, `passed through offline: ${history}`);
  assert.equal(history.at(-1), 'connected', `back to connected: ${history}`);
  return history;
}
