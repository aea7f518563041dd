// A core that fails (a trap inside the WASM) while a reply streams, one
// definition for every engine: the widget starts a new core, which resumes
// the same session; the reply is shown once, whole, the agent ran once, and
// the chat goes on. The trap is planted from outside the product
// (../../browser/core-traps.mjs).
//
// On the several-conversations page: starting conversation B boots a new
// core, made after the trap was planted in every engine (WebKitGTK's driver
// runs init scripts only after load, when the first core may already exist).
import assert from 'node:assert/strict';
import { widgetOn, eventually } from '../widget.mjs';
import { CONVERSATIONS_PAGE, userBubbles, replies, titles, theOpenSession } from './conversations.mjs';
import { plantCoreTraps, FIRST_DELTA } from '../../browser/core-traps.mjs';

const ASK_A = 'where is my order?';
const ASK_B = 'do you have PS5 games?';
const NEXT = 'can I trade in my old console?';

// Sends `text` and waits until `count` replies are finished.
async function askAndWait(w, text, count) {
  await w.send(text);
  await eventually(async () => assert.equal((await replies(w)).length, count, `${count} finished replies`), { timeout: 15_000 });
}

export const coreFailureStories = [
  {
    name: 'the core fails while a reply streams: a new core resumes the session, the reply is shown once, whole, and the agent ran once',
    async run({ browser, stack }) {
      const page = await browser.open(new URL(CONVERSATIONS_PAGE, stack.server.url).href, { init: plantCoreTraps });
      const w = widgetOn(page);
      await w.openChat();
      await w.waitConnected(20_000);
      await askAndWait(w, ASK_A, 1);

      await w.click('nav.conversations button.conversation-new');
      await eventually(async () => assert.equal((await titles(w)).length, 2, 'two conversations listed'));
      await eventually(async () => assert.deepEqual(await userBubbles(w), [], 'B starts empty'));
      await w.waitConnected(20_000);
      const sessionB = await theOpenSession(stack);
      assert.ok((await page.evaluate(() => window.__natterTrap.cores)) >= 1, "B's core can trap");
      await page.evaluate((match) => {
        window.__natterErrors = [];
        window.natter('on', 'error', ({ code, restarting }) => window.__natterErrors.push({ code, restarting }));
        Object.assign(window.__natterTrap, { match, times: 1 });
      }, FIRST_DELTA);

      await w.send(ASK_B);
      await eventually(async () => assert.deepEqual(await page.evaluate(() => window.__natterErrors),
        [{ code: 'core_failed', restarting: true }]), { timeout: 15_000 });
      await w.waitConnected(20_000);
      assert.equal(await theOpenSession(stack), sessionB, "the new core resumed B's session");
      await eventually(async () => {
        const shown = await replies(w);
        assert.equal(shown.length, 1, `one reply: ${JSON.stringify(shown)}`);
        assert.match(shown[0], /PS5/);
      }, { timeout: 15_000 });
      assert.deepEqual(await userBubbles(w), [ASK_B], 'the question drawn once');
      assert.deepEqual(Object.values((await stack.stats()).agent_runs), [1, 1], 'the agent ran once per message');

      // Still a working chat.
      await askAndWait(w, NEXT, 2);
      assert.deepEqual(Object.values((await stack.stats()).agent_runs), [1, 1, 1]);
      assert.equal(await w.count('li.notice[data-code="core_failed"]'), 0, 'no notice for a restart that worked');
      await w.assertClean([/^\[natter\] core failed on ws_frame/]);
    },
  },
];
