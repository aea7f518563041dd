// Live-session stories (the storefront's /demo/live.html), one definition
// for every engine: the session survives the server dropping the socket,
// and a message queued during an outage survives a page reload and is
// delivered once with the id it was queued with. Observed at the server
// (its counters and agent runs) and on the screen, not on the wire.
import assert from 'node:assert/strict';
import { widgetOn, eventually } from '../widget.mjs';
import { LIVE_PAGE, QUEUED_TEXT, DIAGNOSIS_503 } from '../../browser/session-helpers.mjs';

const liveUrl = (stack) => new URL(LIVE_PAGE, stack.server.url).href;
const statusText = (w) => w.page.evaluate(() => document.querySelector('natter-widget').shadowRoot.querySelector('.status-text')?.textContent);
const storedSession = (w) => w.page.evaluate(() => JSON.parse(sessionStorage.getItem('natter.session')));
const openSockets = async (stack) => Object.keys((await stack.stats()).ws_connections_open).length;
const refuse503 = { action: 'refuse_upgrade', status: 503 };
// What an engine logs itself when an upgrade is refused (not the widget).
const REFUSED_UPGRADE = /WebSocket|websocket|ws:\/\//;

export const sessionStories = [
  {
    name: 'the server drops the socket: the widget reconnects and the next message is answered once',
    async run({ browser, stack }) {
      const w = widgetOn(await browser.open(liveUrl(stack)));
      await w.openChat();
      await w.waitConnected();
      // The status line's states from before the drop: the first retry comes
      // within 250 ms, so 'Reconnecting' can be on screen for less than one
      // poll of a loaded WebDriver (WebKitGTK's clean-clone runs saw only
      // 'Connected' 10 s on, with everything fetched and nothing logged).
      await w.page.evaluate(() => {
        const root = document.querySelector('natter-widget').shadowRoot;
        const status = root.querySelector('.status');
        const seen = (window.__statusStates = [status.getAttribute('data-state')]);
        new MutationObserver(() => {
          const st = status.getAttribute('data-state');
          if (seen.at(-1) !== st) seen.push(st);
        }).observe(status, { attributes: true, attributeFilter: ['data-state'] });
      });
      await stack.killSessions();
      await eventually(async () => {
        const seen = await w.page.evaluate(() => window.__statusStates);
        assert.ok(seen.includes('reconnecting'), `the widget noticed the drop (status states: ${JSON.stringify(seen)})`);
      }, { timeout: 10_000 });
      await w.waitConnected();
      await eventually(async () => assert.equal(await openSockets(stack), 1, 'one live session on the server'));
      await w.send('do you have PS5 games?');
      await w.finishedReplies();
      assert.deepEqual(Object.values((await stack.stats()).agent_runs), [1], 'the agent ran once');
      await w.assertClean();
    },
  },
  {
    name: 'a reload during an outage restores the queued message and delivers it once, same id',
    async run({ browser, stack }) {
      const page = await browser.open(liveUrl(stack));
      const w = widgetOn(page);
      await w.openChat();
      await w.waitConnected();
      // The outage: the crash drops the socket, the next upgrade hangs (this
      // page), the two after it are refused (the reloaded page), then it ends.
      await stack.sessionFaults({ action: 'stall_upgrade' }, refuse503, refuse503);
      await stack.killSessions();
      await eventually(async () => assert.notEqual(await statusText(w), 'Connected'), { timeout: 10_000 });
      await w.send('do you have PS5 games?');
      await w.waitFor('li.msg.user .delivery-text', { text: QUEUED_TEXT });
      const queued = await storedSession(w);
      assert.equal(queued.outbox.length, 1);
      const queuedId = queued.outbox[0].id ?? queued.outbox[0].message_id;
      assert.ok(queuedId, 'the outbox entry has an id');
      assert.deepEqual((await stack.stats()).agent_runs, {}, 'nothing reached the agent before the reload');

      await page.reload();
      await w.openChat();
      await w.waitFor('li.msg.user[data-state="sent"]', { timeout: 20_000 });
      await w.finishedReplies();
      const stats = await eventually(async () => {
        const st = await stack.stats();
        const bubbles = await w.all('li.msg', (n) => `${n.className} ${n.dataset.state}: ${n.textContent}`);
        assert.deepEqual(st.agent_runs, { [queuedId]: 1 }, `the agent ran once, for the queued id; on screen: ${JSON.stringify(bubbles)}`);
        return st;
      });
      assert.equal(stats.requests[queuedId], 1, 'one msg frame for it');
      const bubbles = await w.all('li.msg.user', (n) => `${n.dataset.state}: ${n.textContent}`);
      assert.equal(bubbles.length, 1, `one bubble after the reload: ${JSON.stringify(bubbles)}`);
      assert.equal(await w.count('li.msg.agent'), 1, 'one reply');
      await eventually(async () => assert.deepEqual((await storedSession(w)).outbox, [], 'the outbox emptied'));
      await w.assertClean([REFUSED_UPGRADE, `[natter] connection problem: ${DIAGNOSIS_503}`,
        /Failed to load resource: the server responded with a status of 503/]);
    },
  },
];
