// What a shopper sees, drawn by each engine and compared with that engine's
// own references (tests/engines/reference/<engine>/; region-shots.mjs:
// relative to the region, a region of another size fails): a reply with
// product cards and a refused message with its Retry button, in English and
// in Arabic (right to left, demo/arabic.html); and on the demo product page
// (demo/astro-bot.html, English) the action confirm card the demo agent
// proposes, before and after Confirm. NATTER_UPDATE_SCREENSHOTS=1
// rewrites the references; look at each before committing it.
// `env`: { browser, stack } (run-engine.mjs).
import assert from 'node:assert/strict';
import path from 'node:path';
import { widgetOn } from '../widget.mjs';
import { shotOf } from '../region-shot.mjs';
import { checkShot } from '../../browser/region-shots.mjs';
import { repoRoot } from '../../node/load-core.mjs';

const PAGES = { en: '/', ar: '/demo/arabic.html' };
const referencesOf = (engine) => path.join(repoRoot, 'tests/engines/reference', engine);

async function openPanel({ browser, stack }, lang) {
  const page = await browser.open(new URL(PAGES[lang], stack.server.url).href);
  const w = widgetOn(page);
  await w.openChat();
  return w;
}

// The demo agent's add_to_cart proposal on the product page, confirmed by a
// pointer click: the card proposed (item, quantity, price, Confirm / Not
// now) and done (the page's result line), and the page's handler ran once.
const actionCard = {
  name: 'en: the action confirm card on the product page, proposed and done',
  async run({ browser, stack, engine }) {
    const page = await browser.open(new URL('/demo/astro-bot.html', stack.server.url).href);
    const w = widgetOn(page);
    const basket = () => page.evaluate(() => Number(document.querySelector('.basket .count').textContent));
    const before = await basket(); // the engine's localStorage: kept across stories
    await w.openChat();
    await w.send('add this to my basket');
    await w.waitFor('li.msg.agent[aria-busy="false"]');
    await w.waitFor('.action-card[data-state="proposed"] .action-confirm', { visible: true });
    const references = referencesOf(engine);
    checkShot('action-en-proposed', await shotOf(w.page, '.action-card'), { references });
    await w.click('.action-card .action-confirm');
    await w.waitFor('.action-card[data-state="done"]', { visible: true });
    checkShot('action-en-done', await shotOf(w.page, '.action-card'), { references });
    assert.equal(await basket(), before + 1, 'the page\'s handler ran once');
    await w.assertClean();
  },
};

export const screenStories = [actionCard, ...Object.entries(PAGES).flatMap(([lang]) => [
  {
    name: `${lang}: a reply with product cards`,
    async run(env) {
      const w = await openPanel(env, lang);
      await w.send('do you have PS5 games?');
      await w.waitFor('li.msg.agent[aria-busy="false"] .card', { visible: true });
      // The answer's thumbs come with their own chunk: in the shot, always.
      await w.waitFor('li.msg.agent .thumbs', { visible: true });
      const references = referencesOf(env.engine);
      checkShot(`cards-${lang}`, await shotOf(w.page, 'li.msg.agent'), { references });
      // Each card on its own too: against the whole reply, one card's
      // missing price is under the tolerance (0.67 % with all three gone).
      const cards = await w.count('li.msg.agent .card');
      for (let i = 0; i < cards; i += 1) checkShot(`cards-${lang}-${i + 1}`, await shotOf(w.page, 'li.msg.agent .card', i), { references });
      await w.assertClean();
    },
  },
  {
    name: `${lang}: a refused message with its Retry button`,
    before: (env) => env.stack.faults({ action: 'status', status: 413 }),
    async run(env) {
      const w = await openPanel(env, lang);
      await w.send('Hello');
      await w.waitFor('li.msg.user[data-state="failed"] button.retry', { visible: true });
      checkShot(`failed-${lang}`, await shotOf(w.page, 'li.msg.user[data-state="failed"]'), { references: referencesOf(env.engine) });
      // The browser's own line for the 413 and the widget's log of the failure.
      const problems = (await w.page.consoleLines()).filter((l) => ['error', 'warning'].includes(l.type));
      if (problems.length > 2) throw new Error(`unexpected console lines: ${JSON.stringify(problems)}`);
    },
  },
])];
