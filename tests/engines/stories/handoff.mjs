// A person from the shop steps in (docs/protocol.md "Handoff to a person"),
// one definition for every engine, on the live session: staff take the
// conversation over through the staff API; the shopper sees who joined; a
// message to the person is delivered and not answered by the AI (the
// agent's run counter); the staff reply shows its author; after the hand
// back five stars ask how the help was (shot per engine) and the assistant
// answers again. Observed at the server and on screen.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { widgetOn, eventually } from '../widget.mjs';
import { shotOf } from '../region-shot.mjs';
import { checkShot } from '../../browser/region-shots.mjs';
import { LIVE_PAGE } from '../../browser/session-helpers.mjs';

const references = (engine) => fileURLToPath(new URL(`../reference/${engine}`, import.meta.url));

export const STAFF_TOKEN = 'engines-staff-token-0123456789abcdef';

async function staff(stack, pathname, body) {
  const res = await fetch(new URL(pathname, stack.server.url), {
    method: 'POST',
    headers: { Authorization: `Bearer ${STAFF_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, `${pathname}: ${res.status} ${await res.text()}`);
}

// The agent's runs for this conversation: a stray run of an earlier story
// (a voice turn still being transcribed at the reset, a retry from a closing
// tab) is another conversation's and must not count; all runs are printed.
async function runs(stack, conversation) {
  const stats = await stack.stats();
  return { n: stats.agent_runs_by_conversation[conversation] ?? 0, all: JSON.stringify(stats.agent_runs) };
}

export const handoffStories = [
  {
    name: 'staff take over and answer with their name; the AI stays silent until handed back',
    async run({ browser, stack, engine }) {
      const w = widgetOn(await browser.open(new URL(LIVE_PAGE, stack.server.url).href));
      await w.openChat();
      await w.waitConnected();
      const conversation = await w.page.evaluate(() => window.natter('debug').conversation_id);
      const at = `/staff/conversations/${encodeURIComponent(conversation)}`;

      await staff(stack, `${at}/take`, { name: 'Ana' });
      await w.waitFor('li.notice', { text: 'Ana from the shop joined the chat.' });
      await w.send('is the PS5 in stock?');
      await w.waitFor('li.msg.user[data-state="sent"]');
      await staff(stack, `${at}/reply`, { name: 'Ana', message_id: 'engine-m-1', text: 'Yes, **3** left.' });
      await w.waitFor('li.msg.agent.staff .bubble', { text: 'Yes, 3 left.' });
      assert.deepEqual(await w.all('li.msg.agent.staff .author'), ['Ana from the shop']);
      const held = await runs(stack, conversation);
      assert.equal(held.n, 0, `the AI never ran for the message to the person (runs: ${held.all})`);

      await staff(stack, `${at}/hand-back`, { name: 'Ana' });
      const handedBack = 'li.notice[data-code="handoff_left"]';
      await w.waitFor(`${handedBack} .rating button.star`, { visible: true });
      assert.equal(await w.count(`${handedBack} .rating button.star[aria-pressed="false"]`), 5, 'five stars, none chosen');
      checkShot('rating-en-handed-back', await shotOf(w.page, handedBack), { references: references(engine) });
      await w.send('any Switch games?');
      await eventually(async () => assert.equal((await runs(stack, conversation)).n, 1, 'the assistant answers again'), { timeout: 15_000 });
      await eventually(async () => assert.equal(await w.count('li.msg.agent:not(.staff)[aria-busy="false"]'), 1));
      await w.assertClean();
    },
  },
];
