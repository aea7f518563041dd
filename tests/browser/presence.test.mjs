// The shopper's side of a person from the shop (docs/protocol.md,
// "Presence: typing, receipts, email"), in headless Chromium with two
// browser contexts: the shopper on the live storefront, and shop staff in
// the operator console (/staff/console) of another context. The shopper asks
// with the panel's "Talk to a person" button (hidden while waiting and while
// a person has the chat); nobody online: told, an accessible email form,
// the address checked, sent once and shown to staff, the shopper thanked;
// staff typing shown as "Ana is typing…" and gone on its own, and when the
// reply lands; each message "Delivered", then "Read by Ana" once staff
// opened the conversation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, openStorefront, startStack } from './harness.mjs';
import { openLive, type } from './session-helpers.mjs';
import { assertAxeClean } from './axe.mjs';

const STAFF_TOKEN = 'staff-token-for-presence-0123456789';
let stack;
let operator; // the console's own browser context (own storage, own cookies)
let operatorDir;

before(async () => {
  stack = await startStack({ server: { staffToken: STAFF_TOKEN } });
  operatorDir = mkdtempSync(path.join(tmpdir(), 'natter-operator-'));
  operator = await chromium.launchPersistentContext(operatorDir, { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  operator.setDefaultTimeout(10_000);
});
after(async () => {
  await operator?.close().catch(() => {});
  if (operatorDir) rmSync(operatorDir, { recursive: true, force: true });
  await stack?.close();
});

// Staff sign in to the console in the operator's context and open `conversation`.
async function openConsole(conversation) {
  await Promise.all(operator.pages().map((p) => p.close()));
  const c = await openStorefront({ ...stack, context: operator }, { path: '/staff/console' });
  await c.page.getByLabel('Access token').fill(STAFF_TOKEN);
  await c.page.getByLabel('Your name, as shoppers will see it').fill('Ana');
  await c.page.getByRole('button', { name: 'Sign in' }).click();
  await c.page.locator(`.conversations button[data-id="${conversation}"]`).click();
  return { ...c, detail: c.page.locator('section.detail') };
}

const notices = (s) => s.widget.locator('li.notice');
const askButton = (s) => s.widget.getByRole('button', { name: 'Talk to a person' });
const sentOfType = (s, type) => s.sockets.flatMap((w) => w.sent.filter((f) => f.type === type));

test('nobody online: the shopper is told, leaves a checked email once, is thanked, and staff see it', async () => {
  await stack.reset(); // nobody from the shop has been online
  const s = await openLive(stack);
  await s.openChat();
  await s.waitForStatus('Connected');
  const conversation = await s.page.evaluate(() => window.natter('debug').conversation_id);

  await askButton(s).click();
  await notices(s).filter({ hasText: 'Nobody from the shop is available right now.' }).waitFor();
  const field = s.widget.getByLabel('Your email');
  await field.waitFor();
  assert.ok(await field.evaluate((el) => el === el.getRootNode().activeElement), 'the form takes the focus');
  assert.match(await field.getAttribute('aria-describedby'), /natter-email-prompt/);

  await field.fill('not an address');
  await field.press('Enter');
  await s.widget.locator('#natter-email-error', { hasText: 'Enter an email address such as name@example.com.' }).waitFor();
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  assert.equal(sentOfType(s, 'handoff.email').length, 0, 'refused in the widget');
  await assertAxeClean(s.page, 'the email form with a refused address');

  await field.fill('ana@example.com');
  await s.widget.getByRole('button', { name: 'Send email' }).click();
  await s.widget.getByRole('status').filter({ hasText: 'Thanks! The shop will reply to ana@example.com.' }).waitFor();
  assert.equal(sentOfType(s, 'handoff.email').length, 1, 'sent once');
  assert.ok(await askButton(s).isVisible(), 'the shopper may ask again later');

  const c = await openConsole(conversation);
  await c.detail.locator('li', { hasText: 'The shopper left an email: ana@example.com' }).waitFor();
  s.assertClean();
});

test('talk to a person: asked once, hidden while waiting and with the person; typing shown then gone; delivered then read; back after the hand back', async () => {
  await stack.reset();
  const s = await openLive(stack);
  await s.openChat();
  await s.waitForStatus('Connected');
  const conversation = await s.page.evaluate(() => window.natter('debug').conversation_id);
  await type(s, 'hello, anyone there?');
  const first = s.widget.locator('li.msg.user').first();
  await first.locator('.delivery-text', { hasText: 'Delivered' }).waitFor();
  assert.equal(await first.getAttribute('data-receipt'), 'delivered');
  await s.finishedReplies.first().waitFor();

  const c = await openConsole(conversation); // staff are online now
  await askButton(s).click();
  await notices(s).filter({ hasText: 'You are number 1 in the queue for a person from the shop.' }).waitFor();
  assert.equal(await askButton(s).isVisible(), false, 'hidden while waiting');
  assert.equal(sentOfType(s, 'handoff.request').length, 1);

  await c.detail.getByRole('button', { name: 'Take over' }).click();
  await notices(s).filter({ hasText: 'Ana from the shop joined the chat.' }).waitFor();
  assert.equal(await askButton(s).isVisible(), false, 'hidden while a person has the chat');

  // Read: the console has the conversation open, so its next refresh reads it.
  await type(s, 'is the PS5 in stock?');
  const second = s.widget.locator('li.msg.user').nth(1);
  await second.locator('.delivery-text', { hasText: 'Read by Ana' }).waitFor();
  assert.equal(await second.getAttribute('data-receipt'), 'read');
  assert.equal(await first.locator('.delivery-text').textContent(), 'Read by Ana', 'every earlier message too');

  // Typing: shown while staff type, then gone on its own (nothing was sent).
  const typing = s.widget.locator('p.typing');
  const reply = c.detail.getByLabel('Reply to the shopper');
  await reply.pressSequentially('Let me check');
  await typing.filter({ hasText: 'Ana is typing…' }).waitFor();
  assert.equal(await typing.getAttribute('role'), 'status');
  await assertAxeClean(s.page, 'receipts and staff typing');
  await typing.filter({ hasText: 'Ana is typing…' }).waitFor({ state: 'detached', timeout: 30_000 }); // the core's expiry
  assert.equal(await s.widget.locator('li.msg.agent.staff').count(), 0, 'no message arrived: it expired');

  // Typing again, then the reply lands: the line goes with it.
  await reply.pressSequentially(', yes: 3 left.');
  await typing.filter({ hasText: 'Ana is typing…' }).waitFor();
  await c.detail.getByRole('button', { name: 'Send reply' }).click();
  await s.widget.locator('li.msg.agent.staff .bubble', { hasText: 'Let me check, yes: 3 left.' }).waitFor();
  assert.equal(await typing.textContent(), '', 'cleared by the message');

  await c.detail.getByRole('button', { name: 'Hand back to the assistant' }).click();
  await notices(s).filter({ hasText: 'Ana left the chat. The assistant is back.' }).waitFor();
  await askButton(s).waitFor();
  s.assertClean();
});
