// What a shopper sees on the live session around a person from the shop
// and several conversations, drawn by each engine and compared with that
// engine's own references (tests/engines/reference/<engine>/, as
// stories/screens.mjs): the place in the queue when staff are online, the
// email form with a refused address when nobody is, and the conversation
// list after one exchange (its date blanked). English; the same states in
// Arabic and on a phone are Chromium's (tests/browser/screenshot-stories-live.test.mjs).
// NATTER_UPDATE_SCREENSHOTS=1 rewrites the references; look at each first.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { widgetOn } from '../widget.mjs';
import { shotOf } from '../region-shot.mjs';
import { checkShot } from '../../browser/region-shots.mjs';
import { LIVE_PAGE } from '../../browser/session-helpers.mjs';
import { STAFF_TOKEN } from './handoff.mjs';
import { CONVERSATIONS_PAGE } from './conversations.mjs';

const references = (engine) => fileURLToPath(new URL(`../reference/${engine}`, import.meta.url));

async function openLivePanel({ browser, stack }, pathname = LIVE_PAGE) {
  const w = widgetOn(await browser.open(new URL(pathname, stack.server.url).href));
  await w.openChat();
  await w.waitConnected(20_000);
  return w;
}

async function staffOnline(stack) {
  const res = await fetch(new URL('/staff/presence', stack.server.url), {
    method: 'POST', headers: { Authorization: `Bearer ${STAFF_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Ana' }),
  });
  assert.equal(res.status, 200);
}

// Hides what differs on every run without moving anything.
const blank = (w, selector) => w.page.evaluate((css) => {
  const root = document.querySelector('natter-widget').shadowRoot;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}, `${selector} { visibility: hidden !important; }`);

export const liveScreenStories = [
  {
    name: 'en: staff online: the shopper\'s place in the handoff queue',
    async run(env) {
      await staffOnline(env.stack);
      const w = await openLivePanel(env);
      await w.click('button.handoff-ask');
      await w.waitFor('li.notice', { text: 'in the queue' });
      checkShot('queue-en', await shotOf(w.page, 'li.notice'), { references: references(env.engine) });
      await w.assertClean();
    },
  },
  {
    name: 'en: nobody online: the handoff email form with a refused address',
    async run(env) {
      const w = await openLivePanel(env);
      await w.click('button.handoff-ask');
      await w.waitFor('.handoff-bar input[type="email"]', { visible: true });
      await w.focus('.handoff-bar input[type="email"]');
      await w.page.type('not an address');
      await w.page.press('Enter');
      await w.waitFor('#natter-email-error', { visible: true });
      checkShot('email-en', await shotOf(w.page, '.handoff-bar'), { references: references(env.engine) });
      await w.assertClean();
    },
  },
  {
    name: 'en: the conversation list after one exchange',
    async run(env) {
      const w = await openLivePanel(env, CONVERSATIONS_PAGE);
      await w.send('where is my order?');
      await w.finishedReplies();
      await w.waitFor('nav.conversations .conversation-title', { text: 'where is my order?' });
      assert.ok((await w.all('nav.conversations .conversation-when')).every((when) => when.length > 0), 'each entry says when');
      await blank(w, '.conversation-when'); // today's date and time
      checkShot('conversations-en', await shotOf(w.page, 'nav.conversations'), { references: references(env.engine) });
      await w.assertClean();
    },
  },
];
