// Screenshot story of the operator console's History (a past conversation
// read from the record), English and Arabic (?lang=), desktop and phone,
// Chromium. The staff API's answers are fixed (a conversation of
// 2026-11-02: the shopper's question with a photo, the assistant's answer
// in Markdown, a handoff to Ana, her reply, a note, a thumbs-down, a lead)
// and so is the photo, so the shot does not change with the day it is
// taken on. Region, compared relative to its own area (region-shots.mjs):
//   console-history-<lang>-<size>  the opened conversation
// References: tests/browser/reference/; NATTER_UPDATE_SCREENSHOTS=1 rewrites
// them. docs/theming.md, "Screenshot tests".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './harness.mjs';
import { SIZES, LANGS, storyStack, signInToConsole } from './story-helpers.mjs';
import { checkRegion } from './region-shots.mjs';
import { png } from '../server/attachment-helpers.mjs';

const STAFF_TOKEN = 'staff-token-for-the-stories-0123456789';
const ID = '5f1c2a9e-7d41-4c3b-9a20-6b8e1f0d3c77';
const T0 = Date.UTC(2026, 10, 2, 10, 15);
const PHOTO = { id: 'att_4f2a9c1e7b3d5a8f6e0c2b14', type: 'image/png', width: 640, height: 480 };
// A sky over a field with a red disc.
const PHOTO_BYTES = png(640, 480, { pixel: (x, y) => ((x - 320) ** 2 + (y - 200) ** 2 < 90 ** 2 ? [200, 30, 30] : y < 300 ? [120, 180, 230] : [60, 140, 60]) });
const at = (minutes) => T0 + minutes * 60_000;
const CONVERSATION = {
  id: ID, visitorId: 'v-7', startedAt: at(0), lastAt: at(9), locale: 'en', page: null,
  visitor: { id: 'u-7', name: 'Sam Doe', verified: true },
  turns: [
    { id: 'm1', at: at(0), role: 'shopper', channel: 'text', text: 'The controller came with a cracked case, see the photo', context: { page: { title: 'DualSense controller', path: '/p/dualsense' } }, attachments: [{ ...PHOTO, size: PHOTO_BYTES.length }] },
    { id: 'r1', at: at(1), role: 'assistant', channel: 'text', text: 'Sorry about that! A damaged item can be **returned within 30 days**. I can ask a colleague to arrange it.' },
    { id: 's1', at: at(4), role: 'staff', channel: 'text', author: 'Ana', text: 'Hi Sam, a replacement ships today. [Track it here](https://shop.example/orders/1042).' },
  ],
  handoffs: [
    { id: 'h1', at: at(2), event: 'requested', by: 'shopper' },
    { id: 'h2', at: at(3), event: 'taken', by: 'Ana' },
  ],
  notes: [{ id: 'n1', at: at(5), author: 'Ana', text: 'Replacement order 1042, courier pickup of the damaged one' }],
  emails: [],
  leads: [{ id: 'l1', at: at(6), kind: 'callback', source: 'staff', data: null }],
  feedback: [{ id: 'f1', at: at(2), kind: 'thumb', answerId: 'r1', rating: -1, reason: 'I wanted a person' }],
};
const LISTED = { id: ID, visitorId: 'v-7', startedAt: at(0), lastAt: at(9), turns: 3, firstText: CONVERSATION.turns[0].text, handledBy: 'Ana', rating: null, leads: 1 };

let stack;
before(async () => { stack = await startStack(storyStack({ staffToken: STAFF_TOKEN })); });
after(() => stack?.close());

for (const lang of LANGS) {
  for (const [size, viewport] of Object.entries(SIZES)) {
    test(`${lang} ${size}: staff read a past conversation with a photo in History`, async () => {
      const page = await stack.context.newPage();
      await page.setViewportSize(viewport);
      await page.emulateMedia({ reducedMotion: 'reduce' });
      await page.route(/\/staff\/record\/conversations(\?|$)/, (route) =>
        route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ conversations: [LISTED] }) }));
      await page.route(`**/staff/record/conversations/${ID}`, (route) =>
        route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ conversation: CONVERSATION }) }));
      const photoAsked = [];
      await page.route(`**/staff/conversations/${ID}/attachments/${PHOTO.id}`, (route) => {
        photoAsked.push(route.request().headers().authorization);
        return route.fulfill({ status: 200, contentType: 'image/png', body: PHOTO_BYTES });
      });
      await signInToConsole(stack, page, lang, STAFF_TOKEN);
      await page.locator('button[data-view="history"]').click();
      await page.locator(`.history-item[data-id="${ID}"]`).click();
      const detail = page.locator('.history-view .detail');
      await page.waitForFunction(() => document.querySelector('.history-view .detail ul.photos img')?.naturalWidth > 0);
      assert.deepEqual(photoAsked, [`Bearer ${STAFF_TOKEN}`]);
      await page.evaluate(() => { document.activeElement?.blur(); return document.fonts.ready; });
      await checkRegion(`console-history-${lang}-${size}`, detail);
      await page.close();
    });
  }
}
