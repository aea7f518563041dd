// Several conversations (data-conversations="multiple", the storefront's
// /demo/conversations.html), one definition for every engine: the shopper
// asks in A, starts B and asks there, goes back to A; each shows only its
// own transcript, each runs on its own session (one socket at a time, A's
// session again on the way back), the agent ran once per message, and a
// reload keeps the list. Observed at the server (open sessions, agent runs,
// msg frames) and on the screen.
import assert from 'node:assert/strict';
import { widgetOn, eventually } from '../widget.mjs';

export const CONVERSATIONS_PAGE = '/demo/conversations.html';

const ASK_A = 'where is my order?';
const ASK_B = 'do you sell gift cards?';

// Also read by stories/core-failure.mjs, which runs on the same page.
export const userBubbles = (w) => w.all('li.msg.user .bubble');
export const replies = (w) => w.all('li.msg.agent[aria-busy="false"] .bubble');
export const titles = (w) => w.all('nav.conversations button.conversation .conversation-title');
const currentId = (w) => w.all('nav.conversations button.conversation[aria-current="true"]', (el) => el.dataset.id);

// The one session with a live socket at the server, once there is exactly one.
export async function theOpenSession(stack) {
  return eventually(async () => {
    const open = Object.keys((await stack.stats()).ws_connections_open);
    assert.equal(open.length, 1, `one open session at the server: ${JSON.stringify(open)}`);
    return open[0];
  }, { timeout: 15_000 });
}

async function askAndWait(w, text) {
  await w.send(text);
  await w.waitFor('li.msg.user[data-state="sent"]');
  await w.finishedReplies();
}

export const conversationStories = [
  {
    name: 'A, then B, then back to A: each keeps its transcript and its own session, the agent ran once per message, a reload keeps the list',
    async run({ browser, stack }) {
      const page = await browser.open(new URL(CONVERSATIONS_PAGE, stack.server.url).href);
      const w = widgetOn(page);
      await w.openChat();
      await w.waitFor('nav.conversations button.conversation-new', { visible: true });
      await w.waitConnected(20_000);
      const sessionA = await theOpenSession(stack);

      await askAndWait(w, ASK_A);
      const replyA = await replies(w);
      assert.equal(replyA.length, 1, 'one reply in A');
      const [idA] = await currentId(w);
      assert.ok(idA, 'A is the current conversation in the list');
      await eventually(async () => assert.deepEqual(await titles(w), [ASK_A]));

      // B: an empty transcript on a session of its own; A's socket closed.
      await w.click('nav.conversations button.conversation-new');
      await eventually(async () => assert.equal((await titles(w)).length, 2, 'two conversations listed'));
      await eventually(async () => assert.deepEqual(await userBubbles(w), [], 'B starts empty'));
      await w.waitConnected(20_000);
      const sessionB = await theOpenSession(stack);
      assert.notEqual(sessionB, sessionA, 'B is its own session');
      await askAndWait(w, ASK_B);
      assert.deepEqual(await userBubbles(w), [ASK_B], "only B's message in B");
      assert.equal((await replies(w)).length, 1, 'one reply in B');

      // Back to A: its transcript only, on A's session again.
      await w.click(`nav.conversations button.conversation[data-id="${idA}"]`);
      await eventually(async () => assert.deepEqual(await userBubbles(w), [ASK_A], "A's transcript"));
      await w.waitConnected(20_000);
      assert.equal(await theOpenSession(stack), sessionA, 'A resumed its own session');
      assert.deepEqual(await replies(w), replyA, "A's reply as it was");
      assert.deepEqual(await currentId(w), [idA]);

      const stats = await stack.stats();
      assert.deepEqual(Object.values(stats.agent_runs), [1, 1], `the agent ran once per message: ${JSON.stringify(stats.agent_runs)}`);
      assert.deepEqual(Object.values(stats.requests), [1, 1], `one msg frame per message: ${JSON.stringify(stats.requests)}`);

      // A reload keeps the list and the current conversation, and runs nothing again.
      await page.reload();
      await w.openChat();
      await w.waitConnected(20_000);
      await eventually(async () => assert.deepEqual((await titles(w)).sort(), [ASK_A, ASK_B].sort()));
      assert.deepEqual(await currentId(w), [idA]);
      await eventually(async () => assert.deepEqual(await userBubbles(w), [ASK_A]));
      assert.deepEqual(Object.values((await stack.stats()).agent_runs), [1, 1], 'nothing ran again');
      await w.assertClean();
    },
  },
];
