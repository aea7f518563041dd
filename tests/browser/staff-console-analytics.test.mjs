// The console's Analytics page (docs/record.md, "Analytics"), in headless
// Chromium: three conversations are recorded (two answered by the
// assistant alone, one handed to a person, a thumb up and a thumb down);
// staff sign in and, with the keyboard only, open Analytics: the figures
// of the last 30 days as the staff API computes them (conversations, the
// share answered by the assistant alone and handed to a person, answers
// rated helpful), conversations per day as a table; a range with nothing
// in it and a range the wrong way round say so. German and Arabic (right
// to left) labels; axe-clean; no policy violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, openStorefront, recordCspViolations, cspViolations } from './harness.mjs';
import { assertAxeClean } from './axe.mjs';
import { joinSession, msg, closeAllSockets } from '../server/session-helpers.mjs';
import { conversationKeyFor, request } from '../server/helpers.mjs';

const STAFF_TOKEN = 'staff-token-for-the-analytics-0123456789';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-analytics-'));
let stack;

const call = (method, urlPath, body, headers = {}) => request(stack.server.url, {
  method, path: urlPath, headers: { 'Content-Type': 'application/json', ...headers },
  body: body === undefined ? undefined : JSON.stringify(body),
});
const staff = (method, urlPath, body) => call(method, urlPath, body, { Authorization: `Bearer ${STAFF_TOKEN}` });

// One conversation: the shopper asks, the assistant answers; its answer's id.
async function asked(session, question) {
  const { socket } = await joinSession(stack.server.url, { session, features: ['handoff'] });
  socket.send(msg(`${session}-q`, question));
  const start = await socket.waitFor((f) => f.reply_to === `${session}-q` && f.event === 'start');
  await socket.waitFor((f) => f.reply_to === `${session}-q` && f.event === 'done');
  return { socket, answerId: start.data.reply_id };
}

before(async () => {
  stack = await startStack({ server: { staffToken: STAFF_TOKEN, record: { setting: { kind: 'sqlite', file: path.join(dir, 'r.sqlite') } } } });
  await recordCspViolations(stack.context);
  await staff('POST', '/staff/presence', { name: 'Ana' });
  const one = await asked('an-1', 'do you have PS5 games?');
  await asked('an-2', 'headset under 50');
  const three = await asked('an-3', 'can I trade in my Xbox?');
  three.socket.send({ type: 'handoff.request' });
  await three.socket.waitFor((f) => f.event === 'control' && f.data.state === 'waiting');
  await staff('POST', '/staff/conversations/an-3/take', { name: 'Ana' });
  await staff('POST', '/staff/conversations/an-3/reply', { name: 'Ana', message_id: 'an-3-s', text: 'Yes, bring it in.' });
  await staff('POST', '/staff/conversations/an-3/hand-back', { name: 'Ana' });
  assert.equal((await call('POST', '/api/feedback', { conversation_id: 'an-1', conversation_key: conversationKeyFor('an-1'), kind: 'thumb', answer_id: one.answerId, rating: 1 })).status, 202);
  assert.equal((await call('POST', '/api/feedback', { conversation_id: 'an-3', conversation_key: conversationKeyFor('an-3'), kind: 'thumb', answer_id: three.answerId, rating: -1 })).status, 202);
  closeAllSockets();
  // The record is written behind the replies: wait until it holds all of it.
  for (let i = 0; i < 200; i += 1) {
    const a = JSON.parse((await staff('GET', '/staff/record/analytics')).body).analytics;
    if (a.conversations === 3 && a.handedToPerson === 1 && a.thumbs.up + a.thumbs.down === 2) break;
    await new Promise((r) => setTimeout(r, 50));
  }
});
after(async () => { await stack?.close(); fs.rmSync(dir, { recursive: true, force: true }); });

// Signs in with the keyboard and opens Analytics with Tab and Enter.
async function openAnalytics(lang, name) {
  const c = await openStorefront(stack, { path: `/staff/console?lang=${lang}` });
  await c.page.locator('#token:focus').waitFor();
  await c.page.keyboard.type(STAFF_TOKEN);
  await c.page.keyboard.press('Tab');
  await c.page.keyboard.type('Ben');
  await c.page.keyboard.press('Enter');
  const button = c.page.getByRole('button', { name });
  await button.waitFor();
  for (let i = 0; i < 10 && !(await button.evaluate((el) => el === document.activeElement)); i += 1) await c.page.keyboard.press('Tab');
  assert.ok(await button.evaluate((el) => el === document.activeElement && el.matches(':focus-visible')), 'Tab reaches the button, visibly');
  await c.page.keyboard.press('Enter');
  assert.equal(await button.getAttribute('aria-pressed'), 'true');
  return c;
}

// The summary as {term: value}.
const summary = (page) => page.locator('.analytics-view dl.summary').evaluate((dl) => Object.fromEntries(
  [...dl.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));

test('Analytics: the last 30 days\' figures from the record, per day as a table; empty and reversed ranges say so', async () => {
  const c = await openAnalytics('en', 'Analytics');
  const view = c.page.locator('.analytics-view');
  await view.getByRole('heading', { name: 'Analytics' }).waitFor();
  await view.getByRole('status').filter({ hasText: /^Conversations started from .+ until .+$/ }).waitFor();
  const figures = await summary(c.page);
  assert.equal(figures.Conversations, '3');
  assert.equal(figures['Answered by the assistant alone'], '2 (67%)');
  assert.equal(figures['Handed to a person'], '1 (33%)');
  assert.equal(figures['Not answered'], '0 (0%)');
  assert.equal(figures['Answers rated helpful'], '1 of 2 (50%)');
  assert.match(figures['Wait for a person (median / 90th percentile)'], /^\d+:\d\d \/ \d+:\d\d$/);
  const table = view.getByRole('table', { name: 'Conversations per day' });
  const rows = await table.locator('tbody tr').allInnerTexts();
  assert.equal(rows.length, 1, 'one day');
  assert.match(rows[0], /\s3$/);
  await assertAxeClean(c.page, 'the Analytics page', { include: [['body']] });

  // A range of days before any conversation; then a range the wrong way round.
  await view.getByLabel('From').fill('2020-01-01');
  await view.getByLabel('Until').fill('2020-01-31');
  await view.getByRole('button', { name: 'Show' }).focus();
  await c.page.keyboard.press('Enter');
  await view.getByText('No conversations started in this range.').waitFor();
  assert.equal((await summary(c.page)).Conversations, '0');
  await view.getByLabel('From').fill('2020-02-01');
  await c.page.keyboard.press('Enter'); // submits the form from the field
  await view.getByRole('status').filter({ hasText: 'The first day must not be after the last.' }).waitFor();
  assert.equal(await view.locator('dl.summary').count(), 0, 'no figures for a reversed range');
  assert.deepEqual(await cspViolations(c.page), []);
  await c.page.close();
});

test('Analytics speaks German, and Arabic right to left', async () => {
  const de = await openAnalytics('de', 'Auswertung');
  await de.page.getByRole('heading', { name: 'Auswertung' }).waitFor();
  await de.page.getByRole('table', { name: 'Unterhaltungen pro Tag' }).waitFor();
  assert.equal((await summary(de.page)).Unterhaltungen, '3');
  await de.page.close();
  const ar = await openAnalytics('ar', 'التحليلات');
  await ar.page.getByRole('table', { name: 'المحادثات في اليوم' }).waitFor();
  assert.equal(await ar.page.evaluate(() => document.documentElement.dir), 'rtl');
  assert.ok('المحادثات' in await summary(ar.page));
  await ar.page.close();
});
