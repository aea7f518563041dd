// The rating after a handoff (docs/protocol.md, "Feedback"), in headless
// Chromium against the reference gateway with a SQLite record, on the live
// session: a person from the shop takes the conversation, answers and hands
// it back; under "Ana left the chat. The assistant is back." five stars ask
// how it went. The shopper rates 4 from the keyboard, then changes it to 5:
// the record holds one rating for the conversation, 5. The stars never take
// the focus from the composer, a refused post says so and a press retries;
// axe-clean. Also the screenshot stories (English, Arabic).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, eventually } from './harness.mjs';
import { assertAxeClean } from './axe.mjs';
import { openWidgetPage } from './widget-page.mjs';
import { SIZES, LANGS, storyStack, openPanel, still } from './story-helpers.mjs';
import { checkRegion } from './region-shots.mjs';
import { request } from '../server/helpers.mjs';

const STAFF_TOKEN = 'staff-token-for-the-rating-0123456789';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-rating-'));
const record = { setting: { kind: 'sqlite', file: path.join(dir, 'r.sqlite') } };
let stack;
before(async () => {
  stack = await startStack(storyStack({ staffToken: STAFF_TOKEN, record }));
});
after(async () => { await stack?.close(); fs.rmSync(dir, { recursive: true, force: true }); });

const staff = (pathname, body) => request(stack.server.url, {
  method: body ? 'POST' : 'GET', path: pathname, body: body ? JSON.stringify(body) : undefined,
  headers: { Authorization: `Bearer ${STAFF_TOKEN}`, 'Content-Type': 'application/json' },
});
const QUESTION = { en: 'How was the help from our team?', ar: 'كيف كانت مساعدة فريقنا؟' };

// A conversation Ana took, answered and handed back; resolves its id and
// the handed-back notice.
async function handedBack(w, { question = 'do you have PS5 games?', lang = 'en' } = {}) {
  await w.textarea.fill(question);
  await w.textarea.press('Enter');
  await w.widget.locator('li.msg.agent[aria-busy="false"]').first().waitFor();
  const id = await w.page.evaluate(() => sessionStorage.getItem('natter.conversation'));
  await staff('/staff/presence', { name: 'Ana' });
  await w.page.evaluate(() => window.natter('handoff'));
  await w.widget.locator('li.notice').first().waitFor();
  assert.equal((await staff(`/staff/conversations/${id}/take`, { name: 'Ana' })).status, 200);
  assert.equal((await staff(`/staff/conversations/${id}/reply`, { name: 'Ana', message_id: `staff-${id}`, text: 'Yes, 3 left.' })).status, 200);
  assert.equal((await staff(`/staff/conversations/${id}/hand-back`, { name: 'Ana' })).status, 200);
  const notice = w.widget.locator('li.notice[data-code="handoff_left"]');
  await notice.getByRole('group', { name: QUESTION[lang] }).waitFor();
  return { id, notice };
}

const rating = async (id) => JSON.parse((await staff(`/staff/record/conversations/${id}`)).body).conversation?.feedback
  .filter((f) => f.kind === 'rating').map((f) => f.rating);
const feedbackPosted = (w) => w.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/feedback' && r.request().method() === 'POST');

test('after a handoff: rated 4 then 5 from the keyboard, the record keeps one rating, 5; the composer keeps the focus', async () => {
  const w = await openWidgetPage(stack, { data: { transport: 'session' } });
  await w.openChat();
  const { id, notice } = await handedBack(w);
  assert.equal(await notice.locator('.rating').count(), 1, 'one row under the notice');
  assert.equal(await w.widget.locator('.rating').count(), 1, 'and nowhere else');
  assert.ok(await w.textarea.evaluate((el) => el.getRootNode().activeElement === el), 'the composer kept the focus');

  const star = (n) => notice.getByRole('button', { name: `${n} of 5 stars` });
  await star(4).focus();
  let posted = feedbackPosted(w);
  await w.page.keyboard.press('Enter');
  assert.equal((await posted).status(), 202);
  assert.deepEqual(await Promise.all([1, 2, 3, 4, 5].map(async (n) => star(n).getAttribute('aria-pressed'))),
    ['false', 'false', 'false', 'true', 'false']);
  await notice.getByRole('status').filter({ hasText: 'Thank you!' }).waitFor();
  await eventually(async () => assert.deepEqual(await rating(id), [4]), { timeout: 10000 });

  await w.page.keyboard.press('Tab');
  assert.ok(await star(5).evaluate((el) => el.getRootNode().activeElement === el), 'Tab reaches the next star');
  posted = feedbackPosted(w);
  await w.page.keyboard.press('Enter');
  assert.equal((await posted).status(), 202);
  await eventually(async () => assert.deepEqual(await rating(id), [5]), { timeout: 10000 });
  await assertAxeClean(w.page, 'a handed-back conversation rated');
  assert.deepEqual(w.problems, []);
  await w.page.close();
});

test('a refused rating says so and keeps the stars; a press sends it again', async () => {
  const w = await openWidgetPage(stack, { data: { transport: 'session' } });
  await w.openChat();
  const { id, notice } = await handedBack(w, { question: 'headset under 50' });
  let refuse = true;
  await w.page.route('**/api/feedback', (route) => (refuse ? route.fulfill({ status: 503, body: '{}' }) : route.continue()));
  const three = notice.getByRole('button', { name: '3 of 5 stars' });
  await three.click();
  await notice.getByRole('status').filter({ hasText: 'Not sent. Press again to retry.' }).waitFor();
  assert.equal(await three.getAttribute('aria-pressed'), 'true', 'the choice stays');
  refuse = false;
  const posted = feedbackPosted(w);
  await three.click();
  assert.equal((await posted).status(), 202);
  await eventually(async () => assert.deepEqual(await rating(id), [3]), { timeout: 10000 });
  await notice.getByRole('status').filter({ hasText: 'Thank you!' }).waitFor();
  assert.deepEqual(w.problems.filter((p) => !/status of 503/.test(p)), [], 'nothing but the refused post');
  await w.page.close();
});

for (const lang of LANGS) {
  test(`${lang} desktop story: the stars under the handed-back notice, 4 chosen`, async () => {
    const w = await openPanel(stack, lang, SIZES.desktop, { data: { transport: 'session' } });
    const { notice } = await handedBack(w, { question: 'where is my order?', lang });
    const four = notice.locator('button.star').nth(3);
    const posted = feedbackPosted(w);
    await four.click();
    assert.equal((await posted).status(), 202);
    await still(w);
    await checkRegion(`handoff-rating-${lang}-desktop`, notice);
    assert.deepEqual(w.problems, []);
  });
}
