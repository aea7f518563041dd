// The console's History (docs/record.md): in headless Chromium, staff
// sign in, open History, search the record by text, and read a past
// conversation in full after its session is gone: the messages as the
// shopper saw them (bold as bold, an http(s) link as a link, never raw
// Markdown, never markup from the text, no javascript: link), the handoff
// and the note in time order; a shopper's photo as a thumbnail fetched
// with the staff credential. German labels with ?lang=de. With the record
// on, a lead recorded from a live conversation says "Lead recorded." and is
// kept; one recorded from a past conversation in History, by keyboard
// alone, is listed with it at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, openStorefront, recordCspViolations, cspViolations } from './harness.mjs';
import { connect, helloFrame, msg, closeAllSockets } from '../server/session-helpers.mjs';
import { eventually, request } from '../server/helpers.mjs';
import { png } from '../server/attachment-helpers.mjs';
import { shopperSends } from './shopper-photos.mjs';

const STAFF_TOKEN = 'staff-token-for-the-history-0123456789';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-history-'));
let stack;
let withPhoto; // {conversation, attachments}: a past conversation with one photo

const staff = (method, urlPath, body) => request(stack.server.url, {
  method, path: urlPath, headers: { Authorization: `Bearer ${STAFF_TOKEN}`, 'Content-Type': 'application/json' },
  body: body === undefined ? undefined : JSON.stringify(body),
});

before(async () => {
  stack = await startStack({ server: { staffToken: STAFF_TOKEN, resumeWindowMs: 300, record: { setting: { kind: 'sqlite', file: path.join(dir, 'r.sqlite') } } } });
  await recordCspViolations(stack.context);
  // A past conversation: the shopper asks, asks for a person, Ana takes over and answers in Markdown, leaves a note, hands back.
  await staff('POST', '/staff/presence', { name: 'Ana' });
  const socket = await connect(stack.server.url);
  socket.send({ ...helloFrame({ session: 'history-1' }), features: ['handoff'] });
  await socket.waitFor((f) => f.type === 'welcome');
  socket.send(msg('hm-1', 'Do you have the Pixel <b>trade-in</b>?'));
  await socket.waitFor((f) => f.reply_to === 'hm-1' && f.event === 'done');
  socket.send({ type: 'handoff.request' });
  await socket.waitFor((f) => f.event === 'control' && f.data.state === 'waiting');
  await staff('POST', '/staff/conversations/history-1/take', { name: 'Ana' });
  await staff('POST', '/staff/conversations/history-1/reply', {
    name: 'Ana', message_id: 'hs-1', text: 'Yes, **3** left.\n- [see it](https://shop.test/p/ps5)\n- [not a link](javascript:alert(1))',
  });
  await staff('POST', '/staff/conversations/history-1/notes', { name: 'Ana', text: 'asked about trade-in' });
  await staff('POST', '/staff/conversations/history-1/hand-back', { name: 'Ana' });
  closeAllSockets();
  for (let i = 0; i < 100 && (await staff('GET', '/staff/conversations/history-1')).status !== 404; i += 1) await new Promise((r) => setTimeout(r, 50));
  withPhoto = await shopperSends(stack.server.url, 'the box arrived dented', [png(640, 480)]);
  closeAllSockets();
});
after(async () => { await stack?.close(); fs.rmSync(dir, { recursive: true, force: true }); });

async function signIn(page, lang = '') {
  await page.goto(new URL(`/staff/console${lang}`, stack.server.url).href);
  await page.locator('#token').fill(STAFF_TOKEN);
  await page.locator('#name').fill('Ben');
  await page.keyboard.press('Enter');
  await page.locator('header button.secondary').first().waitFor();
}

test('History: search the record, read a past conversation in full, as the shopper saw it', async () => {
  const c = await openStorefront(stack, { path: '/staff/console' });
  await signIn(c.page);
  await c.page.getByRole('button', { name: 'History' }).click();
  await c.page.locator('#history-q').fill('PIXEL <B>TRADE-IN'); // the assistant's answers elsewhere name trade-ins too
  await c.page.getByRole('button', { name: 'Search' }).click();
  const item = c.page.locator('.history-item');
  await c.page.getByText('1 conversations').waitFor();
  assert.equal(await item.count(), 1);
  assert.match(await item.innerText(), /Handled by Ana/);
  await item.click();
  const detail = c.page.locator('.history-view .detail');
  await detail.locator('ol.history').waitFor();
  const lines = await detail.locator('ol.history > li').allInnerTexts();
  assert.match(lines[0], /Shopper/);
  assert.ok(lines[0].includes('Do you have the Pixel <b>trade-in</b>?'), 'the shopper\'s markup is shown as text');
  assert.ok(lines.some((l) => /Asked for a person/.test(l)) && lines.some((l) => /Ana took over/.test(l)));
  assert.ok(lines.some((l) => /asked about trade-in/.test(l)), 'the note');
  assert.ok(lines.some((l) => /Ana handed back to the assistant/.test(l)));
  const staffLine = detail.locator('li.staff');
  assert.equal(await staffLine.locator('strong').innerText(), '3');
  assert.equal(await staffLine.locator('a').count(), 1, 'only the http(s) link is a link');
  assert.equal(await staffLine.locator('a').getAttribute('href'), 'https://shop.test/p/ps5');
  assert.doesNotMatch(await staffLine.innerText(), /\*\*|\]\(/, 'no raw Markdown');
  assert.ok((await staffLine.innerText()).includes('not a link'));
  assert.equal(await c.page.evaluate(() => document.querySelectorAll('.history-view b').length), 0, 'no markup from the text');
  assert.deepEqual(await cspViolations(c.page), []);
  await c.page.close();
});

test('History shows a past turn\'s photo as a thumbnail of its shape, fetched with the staff credential', async () => {
  const c = await openStorefront(stack, { path: '/staff/console' });
  const photoAuth = [];
  c.page.on('request', (r) => { if (r.url().includes('/attachments/')) photoAuth.push(r.headerValue('authorization')); });
  await signIn(c.page);
  await c.page.getByRole('button', { name: 'History' }).click();
  await c.page.locator('#history-q').fill('dented');
  await c.page.getByRole('button', { name: 'Search' }).click();
  await c.page.getByText('1 conversations').waitFor();
  await c.page.locator('.history-item').click();
  const thumb = c.page.locator('.history-view .detail li.shopper ul.photos img');
  await thumb.waitFor();
  assert.equal(await thumb.getAttribute('alt'), 'Photo from the shopper (png, 640×480)');
  assert.deepEqual([await thumb.getAttribute('width'), await thumb.getAttribute('height')], ['160', '120']);
  await c.page.waitForFunction((el) => el.complete && el.naturalWidth === 640 && el.src.startsWith('blob:'), await thumb.elementHandle());
  assert.deepEqual(await Promise.all(photoAuth), [`Bearer ${STAFF_TOKEN}`]); // headerValue() answers promises
  assert.equal(withPhoto.attachments.length, 1);
  assert.deepEqual(await cspViolations(c.page), []);
  await c.page.close();
});

test('History speaks German with ?lang=de and says when nothing matches', async () => {
  const c = await openStorefront(stack, { path: '/staff/console?lang=de' });
  await signIn(c.page, '?lang=de');
  await c.page.getByRole('button', { name: 'Verlauf' }).click();
  await c.page.locator('#history-q').fill('nothing like this');
  await c.page.getByRole('button', { name: 'Suchen' }).click();
  await c.page.getByText('Keine Unterhaltung passt.').waitFor();
  await c.page.close();
});

test('with the record on, a lead from a live conversation says "Lead recorded.", clears its note and is kept', async () => {
  const socket = await connect(stack.server.url);
  socket.send(helloFrame({ session: 'lead-live-1' }));
  await socket.waitFor((f) => f.type === 'welcome');
  socket.send(msg('lm-1', 'I want to trade in my PS4'));
  await socket.waitFor((f) => f.reply_to === 'lm-1' && f.event === 'done');
  const c = await openStorefront(stack, { path: '/staff/console' });
  await signIn(c.page);
  await c.page.locator('.conversations button[data-id="lead-live-1"]').click();
  const detail = c.page.locator('section.detail');
  await detail.getByLabel('Lead', { exact: true }).selectOption('trade_in');
  await detail.getByLabel('Note (optional)').fill('PS4 Pro, call after 5 pm');
  await detail.getByRole('button', { name: 'Record lead' }).click();
  await detail.getByRole('status').filter({ hasText: 'Lead recorded.' }).waitFor();
  assert.equal(await detail.getByLabel('Note (optional)').inputValue(), '', 'cleared once recorded');
  const leads = await eventually(async () => { // the record's writer batches
    const res = await staff('GET', '/staff/record/conversations/lead-live-1');
    return res.status === 200 && JSON.parse(res.body).conversation.leads.length > 0 && JSON.parse(res.body).conversation.leads;
  }, 10_000, 'the recorded lead');
  assert.deepEqual(leads.map((l) => [l.kind, l.source, l.data]), [['trade_in', 'staff', { note: 'PS4 Pro, call after 5 pm', by: 'Ben' }]]);
  c.assertClean();
  closeAllSockets();
  await c.page.close();
});

test('History records a lead on a past conversation by keyboard: listed with it at once, its note cleared', async () => {
  assert.equal((await staff('GET', '/staff/conversations/history-1')).status, 404, 'the session is gone');
  const c = await openStorefront(stack, { path: '/staff/console' });
  await signIn(c.page);
  await c.page.getByRole('button', { name: 'History' }).click();
  await c.page.locator('#history-q').fill('PIXEL <B>TRADE-IN');
  await c.page.keyboard.press('Enter');
  await c.page.getByText('1 conversations').waitFor();
  await c.page.locator('.history-item').focus();
  await c.page.keyboard.press('Enter');
  const detail = c.page.locator('.history-view .detail');
  await detail.locator('ol.history').waitFor();
  const leadLines = detail.locator('ol.history > li', { hasText: 'Lead: Trade-in: wants a quote for the Pixel' });
  assert.equal(await leadLines.count(), 0);
  await detail.getByLabel('Lead', { exact: true }).focus();
  await c.page.keyboard.type('T'); // a closed <select> jumps to the first option starting with T: Trade-in
  assert.equal(await detail.getByLabel('Lead', { exact: true }).inputValue(), 'trade_in');
  await c.page.keyboard.press('Tab');
  await c.page.keyboard.type('wants a quote for the Pixel');
  await c.page.keyboard.press('Enter');
  await detail.getByRole('status').filter({ hasText: 'Lead recorded.' }).waitFor();
  assert.equal(await leadLines.count(), 1, 'listed with the conversation');
  assert.equal(await detail.getByLabel('Note (optional)').inputValue(), '', 'cleared once recorded');
  const { conversation } = JSON.parse((await staff('GET', '/staff/record/conversations/history-1')).body);
  assert.deepEqual(conversation.leads.map((l) => [l.kind, l.source, l.data]), [['trade_in', 'staff', { note: 'wants a quote for the Pixel', by: 'Ben' }]]);
  c.assertClean();
  await c.page.close();
});
