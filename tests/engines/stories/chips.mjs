// Reply chips, one definition for every engine: the demo agent's trade-in
// answer offers chips and a link button; a chip reached by keyboard sends
// its text once as a new message, the chips go away and the draft stays.
// `env`: { browser, stack } (run-engine.mjs).
import assert from 'node:assert/strict';
import { widgetOn, eventually } from '../widget.mjs';

const TRADE_IN = 'can I trade in my old console?';

export const chipStories = [
  {
    name: 'a reply chip pressed from the keyboard sends its text once, and the chips go away',
    async run({ browser, stack }) {
      const page = await browser.open(stack.server.url);
      const w = widgetOn(page);
      await w.openChat();
      await w.send(TRADE_IN);
      await w.waitFor('.suggestions[role="group"] button.chip', { visible: true });
      assert.deepEqual(await w.all('.suggestions button.chip'), ['PS5 games', 'Controllers under 50']);
      assert.deepEqual(await w.all('.suggestions a.chip-link', (el) => el.getAttribute('href')), ['https://shop.example/trade-in']);
      await w.focus('textarea');
      await page.type('my draft');
      await w.focus('.suggestions button.chip');
      await page.press('Enter');
      await eventually(async () => assert.equal(await w.count('li.msg.agent[aria-busy="false"]'), 2));
      assert.deepEqual(await w.all('li.msg.user .bubble'), [TRADE_IN, 'PS5 games']);
      assert.equal(await w.count('.suggestions'), 0, 'the chips went away');
      assert.equal(await w.value('textarea'), 'my draft', 'the draft stayed');
      const stats = await stack.stats();
      assert.deepEqual(Object.values(stats.agent_runs), [1, 1], 'one agent run per message');
      await w.assertClean();
    },
  },
];
