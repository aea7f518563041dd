// Thumbs on an answer, in headless Chromium against the reference
// gateway with a SQLite record, over HTTP and the live session: a shopper
// thumbs a finished answer down, then up, from the keyboard; the buttons
// say which is pressed, the record holds one thumb on that answer (the
// assistant turn's id) with the last value. A post that fails keeps the choice with a note and a second press
// sends it. A thumb down's optional reason is kept. The composer stays
// usable throughout; axe-clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, eventually } from './harness.mjs';
import { assertAxeClean } from './axe.mjs';
import { openWidgetPage } from './widget-page.mjs';
import { LOCAL_NETWORK } from './story-helpers.mjs';
import { request } from '../server/helpers.mjs';

const STAFF_TOKEN = 'staff-token-for-the-thumbs-0123456789';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-thumbs-'));
let stack;
before(async () => {
  stack = await startStack({ extraArgs: LOCAL_NETWORK, server: { staffToken: STAFF_TOKEN, record: { setting: { kind: 'sqlite', file: path.join(dir, 'r.sqlite') } } } });
});
after(async () => { await stack?.close(); fs.rmSync(dir, { recursive: true, force: true }); });

const recorded = async (id) => JSON.parse((await request(stack.server.url, {
  path: `/staff/record/conversations/${id}`, headers: { Authorization: `Bearer ${STAFF_TOKEN}` },
})).body).conversation;

// Presses a thumb with the keyboard and waits for the gateway's answer to its post.
async function press(w, button) {
  await button.focus();
  const answered = w.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/feedback' && r.request().method() === 'POST');
  await w.page.keyboard.press('Enter');
  return answered;
}

for (const transport of ['http', 'session']) {
  test(`${transport}: thumbed down then up from the keyboard: the record holds one thumb on that answer, up`, async () => {
    const w = await openWidgetPage(stack, { data: { transport } });
    await w.openChat();
    await w.textarea.fill('do you have PS5 games?');
    await w.textarea.press('Enter');
    const answer = w.widget.locator('li.msg.agent[aria-busy="false"]');
    const group = answer.getByRole('group', { name: 'Was this answer helpful?' });
    await group.waitFor();
    const up = group.getByRole('button', { name: 'Helpful', exact: true });
    const down = group.getByRole('button', { name: 'Not helpful' });
    assert.deepEqual([await up.getAttribute('aria-pressed'), await down.getAttribute('aria-pressed')], ['false', 'false']);

    assert.equal((await press(w, down)).status(), 202);
    assert.deepEqual([await up.getAttribute('aria-pressed'), await down.getAttribute('aria-pressed')], ['false', 'true']);
    assert.equal((await press(w, up)).status(), 202);
    assert.deepEqual([await up.getAttribute('aria-pressed'), await down.getAttribute('aria-pressed')], ['true', 'false']);
    await assertAxeClean(w.page, 'an answer thumbed up');

    const id = await w.page.evaluate(() => sessionStorage.getItem('natter.conversation'));
    let kept;
    await eventually(async () => {
      kept = await recorded(id);
      assert.deepEqual(kept?.feedback.map((f) => [f.kind, f.rating]), [['thumb', 1]]);
    }, { timeout: 10000 });
    const answers = kept.turns.filter((turn) => turn.role === 'assistant');
    assert.equal(answers.length, 1);
    assert.equal(kept.feedback[0].answerId, answers[0].id, 'the thumb is on that answer');

    // The composer was never held up: a second question goes and is answered.
    await w.textarea.fill('headset under 50');
    await w.textarea.press('Enter');
    await eventually(async () => assert.equal(await w.widget.locator('.thumbs').count(), 2));
    assert.deepEqual(w.problems, []);
    await w.page.close();
  });
}

test('a post that fails keeps the choice and says so; pressing again sends it', async () => {
  const w = await openWidgetPage(stack, { lang: 'de' });
  await w.openChat();
  await w.textarea.fill('do you have PS5 games?');
  await w.textarea.press('Enter');
  const group = w.widget.getByRole('group', { name: 'War diese Antwort hilfreich?' });
  await group.waitFor();
  const down = group.getByRole('button', { name: 'Nicht hilfreich' });
  const origin = new URL(stack.server.url).origin;
  await w.page.route(`${origin}/api/feedback`, (route) => route.abort('connectionreset'), { times: 1 });
  await down.click();
  const note = group.locator('.thumbs-note');
  await eventually(async () => assert.equal(await note.textContent(), 'Nicht gesendet. Zum Wiederholen erneut drücken.'));
  assert.equal(await down.getAttribute('aria-pressed'), 'true', 'the choice is kept');
  const answered = w.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/feedback' && r.request().method() === 'POST');
  await down.click();
  assert.equal((await answered).status(), 202);
  assert.equal(await note.textContent(), '');
  const id = await w.page.evaluate(() => sessionStorage.getItem('natter.conversation'));
  await eventually(async () => assert.deepEqual((await recorded(id))?.feedback.map((f) => f.rating), [-1]), { timeout: 10000 });
  await w.page.close();
});

test('a thumb down with a reason typed after it: the record keeps the reason, sent once', async () => {
  const w = await openWidgetPage(stack);
  await w.openChat();
  await w.textarea.fill('headset under 50');
  await w.textarea.press('Enter');
  const answer = w.widget.locator('li.msg.agent[aria-busy="false"]');
  const down = answer.getByRole('button', { name: 'Not helpful' });
  const reason = answer.getByRole('textbox', { name: 'What was wrong? (optional)' });
  assert.equal(await reason.isVisible().catch(() => false), false, 'no reason asked before a thumb down');
  assert.equal((await press(w, down)).status(), 202);
  await reason.fill('the price is wrong');
  const sent = w.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/feedback' && r.request().method() === 'POST');
  await reason.press('Enter');
  const res = await sent;
  assert.equal(res.status(), 202);
  assert.equal(JSON.parse(res.request().postData()).reason, 'the price is wrong');
  const id = await w.page.evaluate(() => sessionStorage.getItem('natter.conversation'));
  await eventually(async () => assert.deepEqual((await recorded(id))?.feedback.map((f) => [f.rating, f.reason]), [[-1, 'the price is wrong']]),
    { timeout: 10000 });
  await assertAxeClean(w.page, 'a thumb down with its reason');
  assert.deepEqual(w.problems, []);
  await w.page.close();
});

test('live session: a reply a person from the shop wrote gets no thumbs, the assistant\'s keeps its own', async () => {
  const w = await openWidgetPage(stack, { data: { transport: 'session' } });
  await w.openChat();
  await w.textarea.fill('do you have PS5 games?');
  await w.textarea.press('Enter');
  await w.widget.getByRole('group', { name: 'Was this answer helpful?' }).waitFor();
  const id = await w.page.evaluate(() => sessionStorage.getItem('natter.conversation'));
  const staff = (pathname, body) => request(stack.server.url, {
    method: 'POST', path: pathname, body: JSON.stringify(body),
    headers: { Authorization: `Bearer ${STAFF_TOKEN}`, 'Content-Type': 'application/json' },
  });
  await staff('/staff/presence', { name: 'Ana' });
  await w.page.evaluate(() => window.natter('handoff'));
  await w.widget.locator('li.notice').first().waitFor();
  assert.equal((await staff(`/staff/conversations/${id}/take`, { name: 'Ana' })).status, 200);
  assert.equal((await staff(`/staff/conversations/${id}/reply`, { name: 'Ana', message_id: 'staff-1', text: 'Yes, 3 left.' })).status, 200);
  // Thumbs are drawn in the observer's microtask, before a page task can see the finished line.
  const byStaff = w.widget.locator('li.msg.agent.staff[aria-busy="false"]');
  await byStaff.waitFor();
  assert.equal(await byStaff.locator('.thumbs').count(), 0);
  assert.equal(await w.widget.locator('.thumbs').count(), 1, 'the assistant\'s answer keeps its pair');
  assert.deepEqual(w.problems, []);
  await w.page.close();
});
