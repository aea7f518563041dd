// Screenshot story of the operator console's Analytics page (what shop
// staff see of the record's figures), English and Arabic (?lang=), desktop
// and phone, Chromium. The staff API's answer is a fixed week of figures
// (every figure present: waits, ratings, two kinds of lead, seven days), so
// the shot does not change with the day it is taken on. Region, compared
// relative to its own area (region-shots.mjs):
//   console-analytics-<lang>-<size>  the page: range, figures, per-day table
// References: tests/browser/reference/; NATTER_UPDATE_SCREENSHOTS=1 rewrites
// them. docs/theming.md, "Screenshot tests".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './harness.mjs';
import { SIZES, LANGS, storyStack, signInToConsole } from './story-helpers.mjs';
import { checkRegion } from './region-shots.mjs';

const STAFF_TOKEN = 'staff-token-for-the-stories-0123456789';
const DAYS = [5, 8, 3, 9, 6, 4, 7];
const WEEK = {
  from: '2026-11-01T00:00:00.000Z', to: '2026-11-08T00:00:00.000Z',
  conversations: 42,
  perDay: DAYS.map((count, i) => ({ day: `2026-11-0${i + 1}`, count })),
  answeredByAssistantAlone: 31, handedToPerson: 9, unanswered: 2,
  handoffWait: { count: 9, medianMs: 75_000, p90Ms: 190_000 },
  firstResponse: { count: 40, medianMs: 2_000, p90Ms: 6_000 },
  thumbs: { up: 18, down: 3 },
  ratings: { count: 6, average: 4.5 },
  voiceConversations: 5,
  voiceMinutes: 23.5,
  leads: { email: 3, trade_in: 2 },
};
let stack;
before(async () => { stack = await startStack(storyStack({ staffToken: STAFF_TOKEN })); });
after(() => stack?.close());

for (const lang of LANGS) {
  for (const [size, viewport] of Object.entries(SIZES)) {
    test(`${lang} ${size}: staff read a week of figures on the Analytics page`, async () => {
      const page = await stack.context.newPage();
      await page.setViewportSize(viewport);
      await page.emulateMedia({ reducedMotion: 'reduce' });
      const asked = [];
      await page.route(/\/staff\/record\/analytics/, (route) => {
        asked.push(new URL(route.request().url()).search);
        return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ analytics: WEEK }) });
      });
      await signInToConsole(stack, page, lang, STAFF_TOKEN);
      await page.locator('button[data-view="analytics"]').click();
      const view = page.locator('.analytics-view');
      await view.locator('#analytics-from').fill('2026-11-01');
      await view.locator('#analytics-to').fill('2026-11-07');
      await view.locator('form button[type="submit"]').click();
      await page.waitForFunction(() => document.querySelectorAll('.analytics-view tbody tr').length === 7);
      assert.equal(asked.at(-1), '?from=2026-11-01&to=2026-11-08', 'the last day is whole: `to` is the day after');
      await page.evaluate(() => { document.activeElement?.blur(); return document.fonts.ready; });
      await checkRegion(`console-analytics-${lang}-${size}`, view);
      await page.close();
    });
  }
}
