// A shopper's photos in the operator console (docs/deploying.md, "Operator
// console"), in headless Chromium with a real gateway: a shopper uploads
// PNGs (POST /api/attachment) and sends a message naming them; staff open
// the conversation and see a thumbnail per photo, fetched with the staff
// credential and shown from a blob: URL, sized from the photo's width and
// height before it loads, with its alt text; the keyboard opens it whole
// and Escape closes it. A photo the gateway no longer holds (a second
// gateway keeping photos 2 s) shows a placeholder, not a broken image. A
// photo's URL is revoked once its conversation is closed. A photo sent while
// a person has the conversation shows in the held message for staff.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, startReferenceServer, openStorefront, recordCspViolations, cspViolations, eventually } from './harness.mjs';
import { closeAllSockets, joinSession } from '../server/session-helpers.mjs';
import { conversationKeyFor, request } from '../server/helpers.mjs';
import { upload } from '../server/attachment-helpers.mjs';
import { randomUUID } from 'node:crypto';
import { png } from '../server/attachment-helpers.mjs';
import { assertAxeClean } from './axe.mjs';
import { shopperSends, photoExpired } from './shopper-photos.mjs';

const STAFF_TOKEN = 'staff-token-for-the-photos-0123456789';
const UNTRUSTED = '<img src=x onerror="window.__pwned=1"> the left stick drifts';
const SHORT_TTL_MS = 2000;
let stack;
let expiring; // a second gateway that keeps photos SHORT_TTL_MS
let withPhotos; // {conversation, wide, tall}
let plain; // a conversation without photos
let gone; // {conversation, photo} on `expiring`, its photo expired

before(async () => {
  stack = await startStack({ server: { staffToken: STAFF_TOKEN } });
  await recordCspViolations(stack.context);
  expiring = await startReferenceServer({ staffToken: STAFF_TOKEN, limits: { runTtlMs: SHORT_TTL_MS } });
  const sent = await shopperSends(stack.server.url, UNTRUSTED, [png(640, 480), png(300, 600)]);
  withPhotos = { conversation: sent.conversation, wide: sent.attachments[0], tall: sent.attachments[1] };
  plain = await shopperSends(stack.server.url, 'no photo here', []);
  const old = await shopperSends(expiring.server.url, 'this one broke', [png(64, 48)]);
  gone = { conversation: old.conversation, photo: old.attachments[0] };
  await photoExpired(expiring.server.url, STAFF_TOKEN, gone.conversation, gone.photo, SHORT_TTL_MS + 5000);
});
after(async () => { closeAllSockets(); await stack?.close(); await expiring?.server.close(); });

async function openConversation(baseUrl, conversation) {
  const c = await openStorefront(stack, { path: new URL('/staff/console', baseUrl).href });
  const photoRequests = [];
  c.page.on('request', (r) => { if (r.url().includes('/attachments/')) photoRequests.push(r.headerValue('authorization')); });
  await c.page.locator('#token:focus').waitFor();
  await c.page.keyboard.type(STAFF_TOKEN);
  await c.page.keyboard.press('Tab');
  await c.page.keyboard.type('Ana');
  await c.page.keyboard.press('Enter');
  await c.page.locator(`.conversations button[data-id="${conversation}"]`).click();
  return { ...c, photoRequests, line: c.page.locator('section.detail .transcript .line.shopper').first() };
}

// Presses Tab until `locator` has the focus.
async function tabTo(page, locator, max = 60) {
  for (let i = 0; i < max; i += 1) {
    if (await locator.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${locator}`);
}

test('a photo shows as a thumbnail of its shape, fetched with the staff credential; Enter opens it whole, Escape closes', async () => {
  const c = await openConversation(stack.server.url, withPhotos.conversation);
  const thumbs = c.line.locator('button.photo img');
  await eventually(async () => assert.equal(await thumbs.evaluateAll((all) => all.filter((i) => i.complete && i.naturalWidth > 0).length), 2));
  const shown = await thumbs.evaluateAll((all) => all.map((i) => ({
    alt: i.alt, src: i.src.slice(0, 5), natural: [i.naturalWidth, i.naturalHeight],
    box: [Math.round(i.getBoundingClientRect().width), Math.round(i.getBoundingClientRect().height)],
  })));
  assert.deepEqual(shown, [
    { alt: 'Photo from the shopper (png, 640×480)', src: 'blob:', natural: [640, 480], box: [160, 120] },
    { alt: 'Photo from the shopper (png, 300×600)', src: 'blob:', natural: [300, 600], box: [60, 120] },
  ]);
  assert.deepEqual(await Promise.all(c.photoRequests.slice(0, 2)), [`Bearer ${STAFF_TOKEN}`, `Bearer ${STAFF_TOKEN}`], 'each photo fetched with the credential');
  assert.ok((await c.line.locator('.text').innerText()).includes('<img src=x'), 'the shopper\'s markup stays text');
  assert.equal(await c.page.evaluate(() => window.__pwned), undefined);

  const first = c.line.locator('button.photo').first();
  await tabTo(c.page, first);
  await c.page.keyboard.press('Enter');
  const dialog = c.page.locator('dialog.photo-view[open]');
  await dialog.waitFor();
  const whole = dialog.locator('img');
  await eventually(async () => assert.equal(await whole.evaluate((i) => i.complete && i.naturalWidth), 640));
  assert.equal(await whole.getAttribute('alt'), 'Photo from the shopper (png, 640×480)');
  assert.equal(await dialog.getByRole('button', { name: 'Close' }).evaluate((b) => b === document.activeElement), true);
  await assertAxeClean(c.page, 'a photo opened whole', { include: [['body']] });
  await c.page.keyboard.press('Escape');
  await c.page.locator('dialog.photo-view').waitFor({ state: 'detached' }); // closed and gone from the page
  assert.equal(await first.evaluate((b) => b === document.activeElement), true, 'the focus is back on the thumbnail');
  assert.deepEqual(await cspViolations(c.page), []);
  await c.page.close();
});

test('a photo the gateway no longer holds shows "Photo no longer kept", not a broken image', async () => {
  const c = await openConversation(expiring.server.url, gone.conversation);
  const missing = c.line.locator('.photo-missing');
  await missing.waitFor();
  assert.equal(await missing.innerText(), 'Photo no longer kept (photos are kept 24 h)');
  assert.equal(await c.line.locator('img').count(), 0, 'no image, broken or not');
  assert.equal(c.photoRequests.length >= 1, true, 'the console did ask for it');
  assert.deepEqual(await cspViolations(c.page), []);
  await c.page.close();
});

test('opening another conversation revokes the photos\' blob: URLs', async () => {
  const c = await openConversation(stack.server.url, withPhotos.conversation);
  const thumbs = c.line.locator('button.photo img');
  await eventually(async () => assert.equal(await thumbs.evaluateAll((all) => all.filter((i) => i.naturalWidth > 0).length), 2));
  const urls = await thumbs.evaluateAll((all) => all.map((i) => i.src));
  // Loaded afresh as images (the console's policy allows blob: images, not blob: fetches): a revoked URL fails.
  const alive = (page) => page.evaluate((list) => Promise.all(list.map((u) => new Promise((resolve) => {
    const probe = new Image();
    probe.onload = () => resolve(true);
    probe.onerror = () => resolve(false);
    probe.src = u;
  }))), urls);
  assert.deepEqual(await alive(c.page), [true, true]);
  await c.page.locator(`.conversations button[data-id="${plain.conversation}"]`).click();
  await c.page.locator('section.detail .transcript .line.shopper .text', { hasText: 'no photo here' }).waitFor();
  assert.deepEqual(await alive(c.page), [false, false], 'revoked');
  assert.deepEqual(await cspViolations(c.page), []);
  await c.page.close();
});

test('a photo sent while a person has the conversation shows in the held message', async () => {
  const { socket, welcome } = await joinSession(stack.server.url);
  const conversation = welcome.session_id;
  const take = await request(stack.server.url, {
    method: 'POST', path: `/staff/conversations/${conversation}/take`,
    headers: { Authorization: `Bearer ${STAFF_TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Ana' }),
  });
  assert.equal(take.status, 200);
  const id = randomUUID();
  const up = await upload(stack.server.url, { query: { conversation_id: conversation, message_id: id, index: 0 }, key: conversationKeyFor(conversation), bytes: png(320, 240) });
  assert.equal(up.status, 201);
  socket.send({ type: 'msg', message_id: id, text: 'the box came dented', attachments: [up.json.attachment.id] });
  await socket.waitFor((f) => f.type === 'ack' && f.message_id === id);
  const c = await openConversation(stack.server.url, conversation);
  const held = c.page.locator('section.detail .entries .line.shopper', { hasText: 'the box came dented' });
  const thumb = held.locator('button.photo img');
  await eventually(async () => assert.equal(await thumb.evaluate((i) => i.complete && i.naturalWidth), 320));
  assert.equal(await thumb.getAttribute('alt'), 'Photo from the shopper (png, 320×240)');
  assert.deepEqual(await cspViolations(c.page), []);
  await c.page.close();
});
