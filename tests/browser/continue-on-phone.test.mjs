// "Continue on your phone" (docs/protocol.md, "Continue on another
// device") in headless Chromium, with two browsers: the laptop (the shop's
// page under the strict CSP, every violation recorded) and the phone (a
// browser of its own, so nothing of the laptop's storage is shared). The
// laptop shows a QR code and a typed code; the phone opens the link (the
// secret in the fragment, which the widget strips) and shows the same
// transcript under its own credential; the link is refused when reused or
// expired (a short TTL through the test control, the core's own expiry
// shown first: no sleeping); the laptop's Revoke ends the phone's session.
// A link is redeemed only once the shopper taps Continue here on the phone:
// Not now never contacts the redeem endpoint (a link anyone could send must
// not pull the phone into the sender's conversation).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startStack, recordCspViolations, cspViolations, eventually, CHROMIUM_ARGS } from './harness.mjs';
import { openLive, type } from './session-helpers.mjs';
import { assertAxeClean } from './axe.mjs';

const STRICT = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' ws: wss:";
const PAGE = '/csp/demo/live.html';
let stack;
let phoneBrowser;
let phone; // the phone's context: its own storage, a phone's viewport

before(async () => {
  stack = await startStack({ server: { pageHeaders: { '/csp/': { 'Content-Security-Policy': STRICT } } } });
  await recordCspViolations(stack.context);
  phoneBrowser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
});
after(async () => { await phoneBrowser?.close(); await stack?.close(); });
beforeEach(async () => {
  await stack.reset();
  await phone?.close();
  phone = await phoneBrowser.newContext({ viewport: { width: 390, height: 780 }, hasTouch: true });
  phone.setDefaultTimeout(10_000);
  await recordCspViolations(phone);
});

const offerButton = (s) => s.widget.getByRole('button', { name: 'Continue on your phone' });
const notice = (s, text) => s.widget.locator('li.notice', { hasText: text });
const offered = (s) => s.sockets.flatMap((w) => w.received.filter((f) => f.type === 'continue.offered'));
const welcomes = (s) => s.sockets.flatMap((w) => w.received.filter((f) => f.type === 'welcome'));
const hellos = (s) => s.sockets.flatMap((w) => w.sent.filter((f) => f.type === 'hello'));
const onPhone = (url) => openLive({ ...stack, context: phone }, { path: url });
const redeems = (s) => s.requests.filter((u) => new URL(u).pathname.endsWith('/api/continue'));
// The prompt a page opened with a continue link shows before anything is redeemed.
async function answerPrompt(s, button) {
  const prompt = s.widget.locator('.continue-text[role=status]', { hasText: 'Continue the chat you started on another device?' });
  await prompt.waitFor();
  assert.deepEqual(redeems(s), [], 'nothing redeemed before the shopper answers');
  await s.widget.locator(button).click();
}

// The laptop, connected, with one answered question and a link on screen.
async function laptopWithLink() {
  const laptop = await openLive(stack, { path: PAGE });
  await laptop.openChat();
  await laptop.waitForStatus('Connected');
  await type(laptop, 'do you have PS5 games?');
  await laptop.finishedReplies.first().waitFor();
  await laptop.widget.locator('.card-save').first().click(); // saved here: it goes with the link
  await laptop.widget.locator('.card-save[aria-pressed="true"]').waitFor();
  await offerButton(laptop).click();
  await laptop.widget.locator('.continue-qr svg path').waitFor();
  const link = offered(laptop).at(-1);
  return { laptop, link };
}

test('the phone opens the link: same transcript under its own credential; reused -> refused; revoke ends the phone\'s session', async () => {
  const { laptop, link } = await laptopWithLink();
  const conversation = await laptop.page.evaluate(() => window.natter('debug').conversation_id);
  assert.equal(await laptop.widget.locator('.continue-code').textContent(), `${link.code.slice(0, 4)}-${link.code.slice(4)}`);
  const qr = laptop.widget.locator('.continue-qr svg');
  assert.equal(await qr.getAttribute('role'), 'img');
  assert.match(await qr.locator('path').getAttribute('d'), /^M\d+ \d+h1v1h-1z/);
  assert.deepEqual(await cspViolations(laptop.page), [], 'the QR code is drawn under the strict CSP');
  await assertAxeClean(laptop.page, 'the continue sheet with its QR code');

  // The phone: the shop's same page, the secret in the fragment only.
  const url = `${PAGE}#natter-continue=${link.secret}`;
  const mobile = await onPhone(url);
  await mobile.widget.locator('.continue-yes').waitFor();
  assert.equal(await mobile.page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.className ?? ''),
    'continue-yes', 'the prompt has the focus');
  await assertAxeClean(mobile.page, 'the continue prompt');
  await answerPrompt(mobile, '.continue-yes');
  await mobile.waitForStatus('Connected');
  assert.equal(await mobile.page.evaluate(() => location.hash), '', 'the secret left the address bar');
  assert.ok(!mobile.requests.some((r) => r.includes(link.secret)), 'the secret never went into a URL');
  await notice(mobile, "You're continuing the chat from your other device.").waitFor();
  await mobile.widget.locator('li.msg.user .bubble', { hasText: 'do you have PS5 games?' }).waitFor();
  assert.equal(await mobile.finishedReplies.first().locator('.bubble').innerText(),
    await laptop.finishedReplies.first().locator('.bubble').innerText(), 'the same transcript');
  const pressed = (s) => s.widget.locator('.card-save').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-pressed')));
  assert.deepEqual(await pressed(mobile), await pressed(laptop), 'what the laptop saved shows saved on the phone');
  assert.equal((await pressed(mobile))[0], 'true');
  assert.equal(hellos(mobile).at(-1).session_id, conversation);
  assert.notEqual(hellos(mobile).at(-1).resume_token, welcomes(laptop).at(-1).resume_token, 'its own credential');
  assert.equal(welcomes(mobile).at(-1).device, 'second');

  // The laptop is told, and offered Revoke.
  await laptop.widget.locator('.elsewhere', { hasText: 'Continued on another device — not you?' }).waitFor();
  await laptop.waitForStatus('Continued on another device.');
  await assertAxeClean(laptop.page, 'continued elsewhere, with Revoke');

  await type(mobile, 'and Xbox games?');
  await mobile.finishedReplies.nth(1).waitFor();

  // The same link again (another tab of the phone): refused, said so.
  const again = await onPhone(url);
  await answerPrompt(again, '.continue-yes');
  await notice(again, 'This code was already used. Ask the other device for a new one.').waitFor();
  await again.page.close();

  // Revoke: the laptop takes the chat back; the phone's session ends, its credential dead.
  await laptop.widget.getByRole('button', { name: 'Revoke' }).click();
  await laptop.waitForStatus('Connected');
  assert.equal(hellos(laptop).at(-1).revoke, true);
  await mobile.waitForStatus('This chat was ended from the device it started on.');
  await notice(laptop, 'The other device can no longer see this chat.').waitFor();
  const ended = mobile.sockets.at(-1);
  assert.ok(ended.closed);
  await mobile.page.reload();
  await mobile.openChat();
  await mobile.waitForStatus('Connected');
  assert.notEqual(welcomes(mobile).at(-1).session_id, conversation, 'the revoked credential proves nothing');

  await type(laptop, 'still there?');
  await laptop.finishedReplies.nth(2).waitFor(); // the laptop keeps going (its second reply came on the phone)
  assert.deepEqual(await cspViolations(laptop.page), []);
  laptop.assertClean();
});

test('an expired link is refused; the typed code of a new one continues the chat on the phone', async () => {
  await stack.control('/__natter/continue/ttl', { ms: 1500 });
  const { laptop, link } = await laptopWithLink();
  await laptop.widget.locator('.continue-text', { hasText: 'This code has expired.' }).waitFor(); // the core's own timer
  const mobile = await onPhone(`${PAGE}#natter-continue=${link.secret}`);
  await answerPrompt(mobile, '.continue-yes');
  await notice(mobile, 'This code has expired. Ask the other device for a new one.').waitFor();
  await mobile.waitForStatus('Connected'); // its own session goes on
  const conversation = await laptop.page.evaluate(() => window.natter('debug').conversation_id);
  assert.notEqual(welcomes(mobile).at(-1).session_id, conversation);

  await stack.control('/__natter/continue/ttl', { ms: null });
  await laptop.widget.getByRole('button', { name: 'New code' }).click();
  await laptop.widget.locator('.continue-qr svg').waitFor();
  const code = offered(laptop).at(-1).code;
  await offerButton(mobile).click();
  const field = mobile.widget.getByLabel('Code from another device');
  await field.fill(`${code.slice(0, 4).toLowerCase()}-${code.slice(4)}`);
  await mobile.widget.getByRole('button', { name: 'Continue here' }).click();
  await notice(mobile, "You're continuing the chat from your other device.").waitFor();
  await eventually(() => assert.equal(welcomes(mobile).at(-1).session_id, conversation));
  await mobile.widget.locator('li.msg.user .bubble', { hasText: 'do you have PS5 games?' }).waitFor();
});

test('a page opened with someone else\'s link and Not now: the redeem endpoint is never contacted, the phone starts its own chat', async () => {
  const { laptop, link } = await laptopWithLink(); // the sender's conversation
  const conversation = await laptop.page.evaluate(() => window.natter('debug').conversation_id);
  const mobile = await onPhone(`${PAGE}#natter-continue=${link.secret}`);
  await answerPrompt(mobile, '.continue-no');
  await mobile.waitForStatus('Connected');
  assert.equal(await mobile.widget.locator('.continue').isHidden(), true, 'the prompt is gone');
  assert.notEqual(welcomes(mobile).at(-1).session_id, conversation, 'its own conversation, not the sender\'s');
  assert.equal(await mobile.page.evaluate(() => location.hash), '');
  const stored = await mobile.page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
  assert.ok(!stored.includes(link.secret), 'the secret was never stored');
  await mobile.page.reload();
  await mobile.openChat();
  await mobile.waitForStatus('Connected');
  assert.deepEqual(redeems(mobile), [], 'never redeemed, before or after a reload');
  assert.equal(await mobile.widget.locator('.continue-yes').count() === 0
    || await mobile.widget.locator('.continue-yes').isHidden(), true, 'no prompt after the reload');
  await laptop.widget.locator('.continue-code').waitFor(); // the sender's link is still unused on its screen
  assert.equal(laptop.sockets.at(-1).closed, false, 'the sender was never replaced');
});
