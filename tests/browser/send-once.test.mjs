// A shopper who hits Enter or Send more than once (a double-tap, an
// impatient hammer, a key held down, a key and a click in the same tick)
// still sends their message exactly once: one bubble, one POST /api/chat on
// the wire, one agent run on the server, one reply; every extra press is
// refused with the console line "[natter] send blocked: already sending".
//
// The first request is held 300 ms on the server (fault delay_ms), so every
// extra press lands while the message is certainly still in flight. The
// five Enters and five clicks are real input (trusted events: a blocked Enter
// the widget failed to cancel would type a newline), one round trip to the
// browser each; on a loaded machine five took longer than the server's hold,
// so those two tests hold the POST in the browser too until all five landed.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './harness.mjs';
import { composerReady as openComposer, inputsSeen, assertSentOnce as sentOnce } from './send-once-helpers.mjs';

let stack;
const composerReady = () => openComposer(stack);
const assertSentOnce = (s, options) => sentOnce(stack, s, options);

before(async () => { stack = await startStack(); });
after(() => stack?.close());
beforeEach(async () => {
  await stack.reset();
  await stack.faults({ action: 'delay_ms', ms: 300 });
});

// Holds every POST /api/chat of the page in the browser until the returned
// release() is called: the message stays in flight for as long as the
// presses take, however slowly the machine delivers them.
async function holdChatPosts(s) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await s.page.route('**/api/chat', async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

test('five rapid Enters send the message once', async () => {
  const s = await composerReady();
  const release = await holdChatPosts(s);
  for (let i = 0; i < 5; i += 1) await s.page.keyboard.press('Enter');

  const enters = await inputsSeen(s);
  release(); // all five landed while the first was in flight
  assert.equal(enters.length, 5, 'the page got five Enter keydowns');
  await assertSentOnce(s, { blockedLines: 4 });
});

test('five rapid clicks on Send send the message once', async () => {
  const s = await composerReady();
  const release = await holdChatPosts(s);
  const box = await s.sendButton.boundingBox();
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  for (let i = 0; i < 5; i += 1) await s.page.mouse.click(x, y);

  const clicks = await inputsSeen(s);
  release(); // all five landed while the first was in flight
  assert.equal(clicks.filter((i) => i.kind === 'click').length, 5, 'the Send button got five clicks');
  await assertSentOnce(s, { blockedLines: 4 });
});

test('Enter held for two seconds with key repeat sends the message once and types no newline', async () => {
  const s = await composerReady();
  // Playwright sends keydown with repeat=true when down() is called for a
  // key already held; about 30 repeats a second, like a desktop OS. At least
  // 60 of them, however long a loaded machine takes to deliver each: a loop
  // bounded by time alone got fewer than the 30 checked below.
  await s.page.keyboard.down('Enter');
  const start = Date.now();
  for (let repeats = 0; repeats < 60 || Date.now() - start < 2000; repeats += 1) {
    await s.page.waitForTimeout(33); // the auto-repeat rate, not a wait for a condition
    await s.page.keyboard.down('Enter');
  }
  await s.page.keyboard.up('Enter');

  const enters = await inputsSeen(s);
  assert.equal(enters[0].repeat, false, 'the first keydown is not a repeat');
  assert.ok(enters.length >= 30, `the key repeated (${enters.length} keydowns)`);
  assert.ok(enters.slice(1).every((e) => e.repeat), 'every later keydown has repeat=true');
  assert.ok(enters.at(-1).at - enters[0].at >= 1900, 'the key was held for about two seconds');
  await assertSentOnce(s, {}); // repeats after the reply finished find an empty composer
});

for (const order of [['enter', 'click'], ['click', 'enter']]) {
  test(`${order.join(' and ')} in the same tick send the message once`, async () => {
    const s = await composerReady();
    await s.page.evaluate((steps) => {
      const root = document.querySelector('natter-widget').shadowRoot;
      const textarea = root.querySelector('textarea');
      const press = () => textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
      const click = () => root.querySelector('button.send').click();
      for (const step of steps) (step === 'enter' ? press : click)();
    }, order);

    const inputs = await inputsSeen(s);
    assert.deepEqual(inputs.map((i) => i.kind), order);
    await assertSentOnce(s, { blockedLines: 1 });
  });
}
