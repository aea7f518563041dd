// The operator console (docs/deploying.md, "Operator console"), in
// headless Chromium: shop staff sign in at /staff/console with the staff
// API's token, see a shopper's request for a person arrive, and, with the
// keyboard only, take the conversation over, answer (once, even when the
// answer's response is lost), leave a private note that never reaches the
// shopper, and hand back to the assistant. The shopper is a second tab of
// the same browser on the live storefront. Untrusted text stays text, the
// page runs under a strict policy without a violation, it holds no token,
// it is axe-clean, speaks en/de/ar, and does not exist without the token.
// With the record off a lead is refused with a clear message (never "Lead
// recorded."); past the credential's writes a minute a clear message too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, startReferenceServer, openStorefront, recordCspViolations, cspViolations } from './harness.mjs';
import { openLive, type } from './session-helpers.mjs';
import { assertAxeClean } from './axe.mjs';
import { STAFF_WRITES_PER_MINUTE } from '../../tools/gateway/staff/staff-api.mjs';

const STAFF_TOKEN = 'staff-token-for-the-console-0123456789';
const CONSOLE = '/staff/console';
const ASSETS = ['console.js', 'text.js', 'render.js', 'dom.js', 'markdown-text.js', 'staff-client.js', 'photos.js', 'console.css'];
const UNTRUSTED = '<img src=x onerror="window.__pwned=1">';
const CHROMIUM_401 = { text: 'Failed to load resource: the server responded with a status of 401 (Unauthorized)', url: '/staff/presence' };
const CHROMIUM_404_LEAD = { text: 'Failed to load resource: the server responded with a status of 404 (Not Found)', url: '/leads' };
let stack;

before(async () => {
  stack = await startStack({ server: { staffToken: STAFF_TOKEN } });
  await recordCspViolations(stack.context);
});
after(async () => { await stack?.close(); });

const openConsole = (query = '') => openStorefront(stack, { path: CONSOLE + query });

// Presses Tab until `locator` has the focus (at most `max` times), and
// checks that the focus is visible there.
async function tabTo(page, locator, max = 40) {
  await locator.waitFor();
  for (let i = 0; i < max; i += 1) {
    if (await locator.evaluate((el) => el === document.activeElement)) {
      assert.ok(await locator.evaluate((el) => el.matches(':focus-visible') && getComputedStyle(el).outlineStyle !== 'none'),
        'the focus is visible');
      return;
    }
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${locator}`);
}

// Signs in with the keyboard: the token field has the focus when the page opens.
async function signIn(c, token, name = 'Ana') {
  await c.page.locator('#token:focus').waitFor();
  await c.page.keyboard.type(token);
  await c.page.keyboard.press('Tab');
  await c.page.keyboard.type(name);
  await c.page.keyboard.press('Enter');
}

const notices = (s) => s.widget.locator('li.notice');

test('without NATTER_STAFF_TOKEN there is no console; with it the page is served under a strict policy and holds no token', async () => {
  const res = await fetch(new URL(CONSOLE, stack.server.url));
  assert.equal(res.status, 200);
  const csp = res.headers.get('content-security-policy');
  assert.match(csp, /default-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  for (const file of ['', ...ASSETS.map((a) => `/${a}`)]) {
    const source = await (await fetch(new URL(CONSOLE + file, stack.server.url))).text();
    assert.ok(!source.includes(STAFF_TOKEN), `no token in ${CONSOLE}${file}`);
  }
  const off = await startReferenceServer();
  try {
    for (const pathname of [CONSOLE, `${CONSOLE}/console.js`]) {
      assert.equal((await fetch(new URL(pathname, off.server.url))).status, 404, `${pathname} without a staff token`);
    }
  } finally { await off.server.close(); }
});

test('a wrong token: a clear error, no conversation shown, nothing kept', async () => {
  await stack.reset();
  const c = await openConsole();
  await signIn(c, 'not-the-staff-token-0123456789');
  await c.page.getByRole('alert').filter({ hasText: 'That access token was not accepted.' }).waitFor();
  assert.equal(await c.page.getByRole('heading', { name: 'Conversations' }).count(), 0, 'no list');
  assert.equal(await c.page.locator('.conversations').count(), 0);
  assert.equal(await c.page.evaluate(() => sessionStorage.getItem('natter.staff')), null, 'nothing kept');
  assert.deepEqual(await cspViolations(c.page), []);
  c.assertClean([CHROMIUM_401]);
});

test('staff see a request for a person arrive and, with the keyboard only, take over, answer once, note privately and hand back', async () => {
  await stack.reset();
  // The shopper, identified by the shop, asks the assistant (cards) and sends untrusted text.
  const s = await openLive(stack);
  await s.openChat();
  await s.waitForStatus('Connected');
  await s.page.evaluate(() => window.natter('identify', { id: 'u-7', name: 'Ben Shopper', email: 'ben@example.com' }));
  await type(s, 'do you have PS5 games?');
  await s.finishedReplies.nth(0).waitFor();
  await type(s, UNTRUSTED);
  await s.finishedReplies.nth(1).waitFor();
  const conversation = await s.page.evaluate(() => window.natter('debug').conversation_id);

  // Staff sign in (which marks them present) and see the conversation with the assistant.
  const c = await openConsole();
  await signIn(c, STAFF_TOKEN);
  const item = c.page.locator(`.conversations button[data-id="${conversation}"]`);
  await item.filter({ hasText: 'Assistant' }).waitFor();

  await s.page.evaluate(() => window.natter('handoff'));
  await notices(s).filter({ hasText: 'You are number 1 in the queue for a person from the shop.' }).waitFor();
  await item.filter({ hasText: /Waiting \d+:\d\d/ }).waitFor({ timeout: 5000 }); // the list polls itself
  assert.equal(await c.page.locator('.conversations button').first().getAttribute('data-id'), conversation, 'waiting first');
  await c.page.getByRole('status').filter({ hasText: `New conversation waiting for a person: ${conversation.slice(0, 8)}.` }).waitFor();

  // Open it: who the shopper is, the transcript with its cards, untrusted text as text.
  await tabTo(c.page, item);
  await c.page.keyboard.press('Enter');
  await c.page.locator('#detail-heading:focus').waitFor();
  const detail = c.page.locator('section.detail');
  await detail.locator('dd', { hasText: 'Ben Shopper · ben@example.com · #u-7' }).waitFor();
  await detail.locator('.transcript .line.shopper .text', { hasText: UNTRUSTED }).waitFor();
  // The assistant's answer as the shopper saw it (as History shows it): its
  // Markdown rendered (bold, a list of http(s) links), never the raw source.
  const answer = detail.locator('.transcript .line.agent').first();
  await answer.locator('strong', { hasText: 'PS5' }).waitFor();
  assert.doesNotMatch(await answer.innerText(), /\*\*|\]\(/, 'no raw Markdown in the live detail');
  const answerLinks = answer.locator('.text a');
  assert.ok(await answerLinks.count() > 0, 'the answer\'s product links');
  for (const href of await answerLinks.evaluateAll((as) => as.map((a) => a.getAttribute('href')))) assert.match(href, /^https?:\/\//);
  const link = detail.locator('.transcript .cards a').first();
  assert.match(await link.getAttribute('href'), /^https?:\/\//);
  assert.equal(await c.page.locator('img').count(), 0, 'the shopper\'s markup stayed text');
  assert.equal(await c.page.evaluate(() => window.__pwned), undefined);

  // Take over (Space), reply (Enter on Send).
  await tabTo(c.page, detail.getByRole('button', { name: 'Take over' }));
  await c.page.keyboard.press('Space');
  await notices(s).filter({ hasText: 'Ana from the shop joined the chat.' }).waitFor();
  await item.filter({ hasText: 'With Ana' }).waitFor();
  const reply = detail.getByLabel('Reply to the shopper');
  await tabTo(c.page, reply);
  await c.page.keyboard.type('Yes, **3** left.');
  await c.page.keyboard.press('Tab');
  await c.page.keyboard.press('Enter');
  const staffBubbles = s.widget.locator('li.msg.agent.staff');
  await staffBubbles.locator('.bubble', { hasText: 'Yes, 3 left.' }).waitFor();
  await detail.locator('.entries .line.staff strong', { hasText: '3' }).waitFor(); // the console shows it as the shopper does
  assert.equal(await staffBubbles.first().locator('.author').textContent(), 'Ana from the shop');

  // The answer to a reply is lost: Send again applies it once (the same message id).
  await c.page.route(/\/reply$/, async (route) => { await route.fetch(); await route.abort('connectionreset'); }, { times: 1 });
  await tabTo(c.page, reply);
  await c.page.keyboard.type('The blue one ships today.');
  await c.page.keyboard.press('Tab');
  await c.page.keyboard.press('Enter');
  await detail.getByRole('alert').filter({ hasText: 'The gateway could not be reached.' }).waitFor();
  await c.page.keyboard.press('Enter'); // the focus is still on Send
  await detail.getByRole('status').filter({ hasText: 'Reply sent.' }).waitFor();
  await staffBubbles.locator('.bubble', { hasText: 'The blue one ships today.' }).waitFor();
  const deltas = s.sockets.flatMap((w) => w.received)
    .filter((f) => f.event === 'delta' && f.data.text === 'The blue one ships today.');
  assert.equal(deltas.length, 1, 'applied once');
  assert.equal(await staffBubbles.count(), 2);

  // A private note: in the console, never on the shopper's socket.
  const NOTE = 'Upset about the delay; offer 10% (internal)';
  await tabTo(c.page, detail.getByLabel('Private note (never shown to the shopper)'));
  await c.page.keyboard.type(NOTE);
  await c.page.keyboard.press('Tab');
  await c.page.keyboard.press('Enter');
  await detail.locator('.entries .line.note', { hasText: NOTE }).waitFor();

  // A lead, with the keyboard: the kind chosen, a note. This gateway keeps
  // no record (NATTER_RECORD=off), so it says so instead of "Lead recorded."
  // and the note stays in the field (staff-console-history.test.mjs records one).
  await tabTo(c.page, detail.getByLabel('Lead', { exact: true }));
  await c.page.keyboard.press('ArrowDown'); // Callback -> Trade-in
  assert.equal(await detail.getByLabel('Lead', { exact: true }).inputValue(), 'trade_in');
  await c.page.keyboard.press('Tab');
  await c.page.keyboard.type('PS4 Pro, call after 5 pm');
  await c.page.keyboard.press('Enter');
  await detail.getByRole('alert').filter({ hasText: 'Leads are not kept here: this gateway keeps no record' }).waitFor();
  assert.equal(await detail.getByRole('status').filter({ hasText: 'Lead recorded.' }).count(), 0);
  assert.equal(await detail.getByLabel('Note (optional)').inputValue(), 'PS4 Pro, call after 5 pm', 'nothing lost');

  await assertAxeClean(c.page, 'signed-in console, a conversation taken over', { include: [['body']] });

  // Hand back: the shopper hears the assistant is back (events arrive in
  // order, so a note sent as an event would have arrived before this).
  await tabTo(c.page, detail.getByRole('button', { name: 'Hand back to the assistant' }));
  await c.page.keyboard.press('Enter');
  await notices(s).filter({ hasText: 'Ana left the chat. The assistant is back.' }).waitFor();
  const wire = JSON.stringify(s.sockets.map((w) => w.received));
  assert.ok(!wire.includes('offer 10%'), 'the note never reached the shopper');
  assert.ok(!wire.includes('call after 5 pm'), 'nor the lead');
  assert.equal(await s.widget.getByText(NOTE).count(), 0);

  // No token in the page, the URL or localStorage; no policy violation.
  assert.ok(!(await c.page.content()).includes(STAFF_TOKEN), 'no token in the page');
  assert.ok(!c.page.url().includes(STAFF_TOKEN));
  assert.equal(await c.page.evaluate(() => localStorage.length), 0);
  assert.deepEqual(await cspViolations(c.page), []);
  c.assertClean([{ text: 'Failed to load resource: net::ERR_CONNECTION_RESET' }, CHROMIUM_404_LEAD]);
  s.assertClean();
});

test('past its writes a minute, a credential is told so in the console and nothing is changed', async () => {
  await stack.reset();
  const s = await openLive(stack);
  await s.openChat();
  await s.waitForStatus('Connected');
  await type(s, 'hello');
  await s.finishedReplies.nth(0).waitFor();
  const conversation = await s.page.evaluate(() => window.natter('debug').conversation_id);
  const c = await openConsole();
  await signIn(c, STAFF_TOKEN);
  const item = c.page.locator(`.conversations button[data-id="${conversation}"]`);
  await item.click();
  const detail = c.page.locator('section.detail');
  // A script with the same token spends the minute's writes (staff-api.mjs).
  const note = (text) => fetch(new URL(`/staff/conversations/${conversation}/notes`, stack.server.url), {
    method: 'POST', headers: { Authorization: `Bearer ${STAFF_TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Bot', text }),
  });
  for (let i = 0; i < STAFF_WRITES_PER_MINUTE; i += 1) assert.equal((await note(`loop ${i}`)).status, 200);
  await detail.getByLabel('Private note (never shown to the shopper)').fill('Call back tomorrow');
  await detail.getByRole('button', { name: 'Add private note' }).click();
  await detail.getByRole('alert').filter({ hasText: 'Too many changes from this sign-in in the last minute.' }).waitFor();
  assert.equal(await detail.getByLabel('Private note (never shown to the shopper)').inputValue(), 'Call back tomorrow', 'nothing lost');
  const held = await (await fetch(new URL(`/staff/conversations/${conversation}`, stack.server.url), { headers: { Authorization: `Bearer ${STAFF_TOKEN}` } })).json();
  assert.deepEqual(held.entries.filter((e) => e.kind === 'note' && !e.text.startsWith('loop ')), [], 'nothing written');
  c.assertClean([{ text: 'Failed to load resource: the server responded with a status of 429 (Too Many Requests)', url: '/notes' }]);
  s.assertClean();
});

test('the console speaks the widget\'s languages: ?lang=de, ?lang=ar right to left, English otherwise', async () => {
  await stack.reset();
  const de = await openConsole('?lang=de');
  await de.page.getByRole('heading', { name: 'Anmelden' }).waitFor();
  assert.equal(await de.page.evaluate(() => document.documentElement.lang), 'de');
  const ar = await openConsole('?lang=ar');
  await ar.page.getByRole('heading', { name: 'تسجيل الدخول' }).waitFor();
  assert.deepEqual(await ar.page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]), ['ar', 'rtl']);
  await signIn(ar, STAFF_TOKEN, 'Ana');
  await ar.page.getByRole('heading', { name: 'المحادثات' }).waitFor();
  await assertAxeClean(ar.page, 'signed-in console in Arabic', { include: [['body']] });
  const en = await openConsole('?lang=xx');
  await en.page.getByRole('heading', { name: 'Sign in' }).waitFor();
  for (const c of [de, ar, en]) {
    assert.deepEqual(await cspViolations(c.page), []);
    c.assertClean();
  }
});
