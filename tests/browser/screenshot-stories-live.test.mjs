// Screenshot stories on the live session (data-transport="session"), as
// screenshot-stories.test.mjs: English and Arabic, desktop and phone,
// Chromium, one region each, compared relative to its own area
// (region-shots.mjs):
//   queue-<lang>-<size>         staff are online: the shopper asked for a person
//                               and reads their place in the queue
//   email-<lang>-<size>         nobody is online: the handoff bar's email form,
//                               with a refused address and its error
//   continue-<lang>-<size>      the continue-on-your-phone sheet (its QR code
//                               and one-time code blanked: new on every run),
//                               and its code form and Close button on their own
//   conversations-<lang>-<size> the conversation list after one exchange (its
//                               date blanked)
// References: tests/browser/reference/; NATTER_UPDATE_SCREENSHOTS=1 rewrites
// them. NATTER_DIST_DIR: story-helpers.mjs. docs/theming.md, "Screenshot tests".
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './harness.mjs';
import { SIZES, LANGS, storyStack, openPanel, still, send, blank } from './story-helpers.mjs';
import { checkRegion } from './region-shots.mjs';

const STAFF_TOKEN = 'staff-token-for-the-stories-0123456789';
const LIVE = { transport: 'session' };
let stack;
before(async () => { stack = await startStack(storyStack({ staffToken: STAFF_TOKEN })); });
after(() => stack?.close());
beforeEach(() => stack.reset());

async function staff(pathname, body) {
  const res = await fetch(new URL(pathname, stack.server.url), {
    method: 'POST', headers: { Authorization: `Bearer ${STAFF_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, `${pathname}: ${res.status}`);
}

const connected = (w) => w.widget.locator('.status[data-state="connected"]').waitFor({ state: 'attached' });
const askButton = (w) => w.widget.locator('button.handoff-ask');

for (const lang of LANGS) {
  for (const [size, viewport] of Object.entries(SIZES)) {
    test(`${lang} ${size}: staff online: the shopper's place in the handoff queue`, async () => {
      await staff('/staff/presence', { name: 'Ana' });
      const w = await openPanel(stack, lang, viewport, { data: LIVE });
      await connected(w);
      await askButton(w).click();
      const notice = w.widget.locator('li.notice').last();
      await notice.waitFor();
      await still(w);
      await checkRegion(`queue-${lang}-${size}`, notice);
    });

    test(`${lang} ${size}: nobody online: the handoff email form with a refused address`, async () => {
      const w = await openPanel(stack, lang, viewport, { data: LIVE });
      await connected(w);
      await askButton(w).click();
      const field = w.widget.locator('.handoff-bar input[type="email"]');
      await field.fill('not an address');
      await field.press('Enter');
      await w.widget.locator('#natter-email-error').waitFor({ state: 'visible' });
      await still(w);
      await checkRegion(`email-${lang}-${size}`, w.widget.locator('.handoff-bar'));
    });

    test(`${lang} ${size}: the continue-on-your-phone sheet`, async () => {
      const w = await openPanel(stack, lang, viewport, { data: LIVE });
      await connected(w);
      await send(w, 'do you have PS5 games?');
      await w.widget.locator('li.msg.agent[aria-busy="false"]').waitFor();
      await w.widget.locator('button.continue-open').click();
      await w.widget.locator('.continue-qr svg path').waitFor();
      const sheet = w.widget.locator('#natter-continue');
      // The QR code and the code are new on every run: checked here, blanked in the shot.
      assert.match(await sheet.locator('.continue-code').textContent(), /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      const qr = await sheet.locator('.continue-qr svg').boundingBox();
      assert.ok(qr.width >= 100 && qr.height >= 100, `the QR code is ${qr.width}×${qr.height}`);
      await blank(w, ['.continue-qr svg', '.continue-code']);
      await still(w);
      // The sheet (mostly its blank QR area), then its controls on their own,
      // so a missing button is a large share of its region.
      await checkRegion(`continue-${lang}-${size}`, sheet);
      await checkRegion(`continue-${lang}-${size}-enter`, sheet.locator('.continue-enter'));
      await checkRegion(`continue-${lang}-${size}-close`, sheet.locator('.continue-close'));
    });

    test(`${lang} ${size}: the conversation list after one exchange`, async () => {
      const w = await openPanel(stack, lang, viewport, { data: LIVE, init: { conversations: 'multiple' } });
      await connected(w);
      await send(w, 'where is my order?');
      await w.widget.locator('li.msg.agent[aria-busy="false"]').waitFor();
      const nav = w.widget.locator('nav.conversations');
      await nav.locator('.conversation-title', { hasText: 'where is my order?' }).waitFor();
      assert.ok((await nav.locator('.conversation-when').textContent()).length > 0, 'the entry says when');
      await blank(w, ['.conversation-when']); // today's date and time
      await still(w);
      await checkRegion(`conversations-${lang}-${size}`, nav);
    });
  }
}
