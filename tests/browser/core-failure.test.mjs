// A core that fails (a trap inside the WASM: a bug, never bad input) is fed
// nothing more (shim/core-host.js). The first time, a fresh core boots from
// what the failed one persisted and resumes the session: the reply that was
// streaming when it failed is shown once, whole, and the agent ran once. A
// second failure on the same page stops the chat with a notice, the
// composer keeps its text but takes no more input, and the socket closes.
//
// The fault is planted from outside the product (./core-traps.mjs): an init
// script wraps the core module's exports so that natter_core_handle throws a
// RuntimeError, as a trap does, on the events that match.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, eventually } from './harness.mjs';
import { openLive, sentIdOf, assertServerRanOnce, type } from './session-helpers.mjs';
import { english } from './english.mjs';
import { plantCoreTraps, FIRST_DELTA } from './core-traps.mjs';

// A page whose CSP forbids compiling WebAssembly: the core runs in a frame
// from the widget's origin (shim/frame/), where the init script runs too.
const NO_WASM = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:";

let stack;
before(async () => {
  stack = await startStack({ server: { pageHeaders: { '/csp-no-wasm/': { 'Content-Security-Policy': NO_WASM } } } });
});
after(() => stack?.close());
beforeEach(() => stack.reset());

// window.__natterErrors: natter('on', 'error') payloads.
async function openWithTraps({ path } = {}) {
  const consoleErrors = [];
  const s = await openLive(stack, {
    path,
    onPage: async (page) => {
      await page.addInitScript(plantCoreTraps);
      page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    },
  });
  await s.openChat();
  await s.waitForStatus('Connected');
  await s.page.evaluate(() => {
    window.__natterErrors = [];
    natter('on', 'error', (e) => window.__natterErrors.push(e));
  });
  const arm = (match, times = 1) => s.page.evaluate(([m, n]) => Object.assign(window.__natterTrap, { match: m, times: n }), [match, times]);
  const errors = () => s.page.evaluate(() => window.__natterErrors.map(({ code, restarting, detail }) => ({ code, restarting, detail })));
  return { s, arm, errors, consoleErrors };
}

const helloFrames = (s) => s.sockets.map((w) => w.sent.find((f) => f.type === 'hello')).filter(Boolean);

test('a core that fails during a streamed reply is started again: the reply is shown once, whole, and the agent ran once', async () => {
  const { s, arm, errors, consoleErrors } = await openWithTraps();
  const question = 'do you have PS5 games?';
  await arm(FIRST_DELTA); // the first delta of the reply, inside its ws_frame
  await type(s, question);

  await eventually(async () => assert.deepEqual(await errors(), [
    { code: 'core_failed', restarting: true, detail: 'unreachable' },
  ]));
  // The new core resumed the same session on a new socket, and the reply
  // came in whole from what the server replays.
  await s.waitForStatus('Connected');
  const hellos = helloFrames(s);
  assert.equal(hellos.length, 2, 'one more socket, for the new core');
  assert.equal(hellos[1].session_id, hellos[0].session_id, 'the same session, resumed');
  const agent = s.widget.locator('li.msg.agent');
  await eventually(async () => {
    const replies = await agent.allTextContents();
    assert.equal(replies.length, 1, `one agent reply: ${JSON.stringify(replies)}`);
    assert.match(replies[0], /PS5/);
  });
  const users = await s.widget.locator('li.msg.user').allTextContents();
  assert.equal(users.length, 1, `the question drawn once, from what the failed core persisted: ${JSON.stringify(users)}`);
  assert.ok(users[0].includes(question), users[0]);
  await assertServerRanOnce(stack, sentIdOf(s, question));

  // Still a working chat: the next message goes out and is answered.
  await type(s, 'can I trade in my old console?');
  await eventually(async () => assert.equal(await agent.count(), 2));
  assert.equal(await s.widget.locator('li.notice[data-code="core_failed"]').count(), 0, 'no notice for a restart that worked');
  assert.ok(consoleErrors.length >= 1 && consoleErrors.every((t) => t.startsWith('[natter] core failed on ws_frame')), JSON.stringify(consoleErrors));
});

test('a core that fails again on the same page stops the chat: a notice, the composer keeps its text and takes no input, the socket closes', async () => {
  const { s, arm, errors, consoleErrors } = await openWithTraps();
  const text = 'is this in stock?';
  await arm('"type":"enter_pressed"', 2);
  await type(s, text);
  await eventually(async () => assert.equal((await errors()).length, 1));
  await s.waitForStatus('Connected'); // the restarted core
  assert.equal(await s.textarea.inputValue(), text, 'the text the failed turn held is still in the composer');
  await s.textarea.press('Enter');

  await eventually(async () => assert.deepEqual(await errors(), [
    { code: 'core_failed', restarting: true, detail: 'unreachable' },
    { code: 'core_failed', restarting: false, detail: 'unreachable' },
  ]));
  const notice = s.widget.locator('li.notice[data-code="core_failed"]');
  await eventually(async () => assert.equal(await notice.textContent(), english['notice.coreFailed']));
  assert.equal(await s.textarea.inputValue(), text, 'nothing typed is lost');
  assert.equal(await s.textarea.evaluate((t) => t.readOnly), true);
  assert.equal(await s.widget.locator('button.send').isDisabled(), true);
  await eventually(() => assert.ok(s.sockets.every((w) => w.closed), 'every socket closed'));
  await eventually(async () => assert.deepEqual((await stack.stats()).ws_connections_open, {}, 'the server saw them close'));
  assert.deepEqual(s.msgsSent(), [], 'no message went out from a failed turn');
  assert.equal(consoleErrors.filter((t) => t.startsWith('[natter] core failed on enter_pressed')).length, 2, JSON.stringify(consoleErrors));
});

test('a core in the frame (a page without wasm-unsafe-eval) that fails is started again in a new frame; the old frame is removed', async () => {
  const { s, errors } = await openWithTraps({ path: '/csp-no-wasm/demo/live.html' });
  const frames = s.widget.locator('iframe');
  assert.equal(await frames.count(), 1, 'the core frame');
  const coreFrame = () => s.page.frames().find((f) => /natter\.frame\.[0-9a-f]+\.html$/.test(f.url()) && !f.isDetached());
  // The trap is armed in the frame: its core is the one that fails.
  await coreFrame().evaluate(() => Object.assign(window.__natterTrap, { match: '"type":"enter_pressed"', times: 1 }));
  const text = 'is this in stock?';
  await type(s, text);
  await eventually(async () => assert.deepEqual(await errors(), [
    { code: 'core_failed', restarting: true, detail: 'unreachable' },
  ]));
  await s.waitForStatus('Connected'); // the new core, in a new frame
  assert.equal(await frames.count(), 1, 'the failed core\'s frame is gone; one frame is left');
  assert.equal(await s.textarea.inputValue(), text, 'the text the failed turn held is still in the composer');
  await s.textarea.press('Enter');
  await s.finishedReplies.first().waitFor();
  assert.equal(await s.userBubbles.count(), 1, 'sent once, by the new core');
  await assertServerRanOnce(stack, sentIdOf(s, text));
});

test('a core in the frame that fails again stops the chat and takes its frame with it: no frame left, a notice, the text kept', async () => {
  const { s, errors } = await openWithTraps({ path: '/csp-no-wasm/demo/live.html' });
  const frames = s.widget.locator('iframe');
  const coreFrame = () => s.page.frames().find((f) => /natter\.frame\.[0-9a-f]+\.html$/.test(f.url()) && !f.isDetached());
  const armFrame = () => coreFrame().evaluate(() => Object.assign(window.__natterTrap, { match: '"type":"enter_pressed"', times: 1 }));
  await armFrame();
  const text = 'is this in stock?';
  await type(s, text);
  await eventually(async () => assert.equal((await errors()).length, 1));
  await s.waitForStatus('Connected'); // the new core, in a new frame
  await armFrame(); // the new frame's core fails too
  await s.textarea.press('Enter');

  await eventually(async () => assert.deepEqual(await errors(), [
    { code: 'core_failed', restarting: true, detail: 'unreachable' },
    { code: 'core_failed', restarting: false, detail: 'unreachable' },
  ]));
  await eventually(async () => assert.equal(await frames.count(), 0, 'the failed core\'s frame is removed'));
  const notice = s.widget.locator('li.notice[data-code="core_failed"]');
  await eventually(async () => assert.equal(await notice.textContent(), english['notice.coreFailed']));
  assert.equal(await s.textarea.inputValue(), text, 'nothing typed is lost');
  assert.equal(await s.textarea.evaluate((t) => t.readOnly), true);
  await eventually(() => assert.ok(s.sockets.every((w) => w.closed), 'every socket closed'));
  assert.deepEqual(s.msgsSent(), [], 'no message went out from a failed turn');
});
