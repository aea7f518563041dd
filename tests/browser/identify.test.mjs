// natter('identify'): a shop names the logged-in shopper before the chat is
// opened; the agent's reply addresses them, the shop's next page keeps the
// visitor without calling identify again, and the support dump says only
// that a visitor is set. A bad value prints one [natter] error naming the
// key, and the chat works as before.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, openStorefront, eventually } from './harness.mjs';
import { openLive, type, LIVE_PAGE } from './session-helpers.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack?.close());
beforeEach(() => stack.reset());

const ANA = { id: 'u-7', name: 'Ana', email: 'ana@example.com' };

// The shop's own snippet, run before the loader: the inline stub queues the
// call. `onlyOnFirstPage`: the shop identifies at login only.
function identifyOnLoad(visitor, { onlyOnFirstPage = false } = {}) {
  return (page) => page.addInitScript(({ visitor, onlyOnFirstPage }) => {
    if (onlyOnFirstPage && location.search.includes('page=2')) return;
    window.natter = window.natter || function () { (window.natter.q = window.natter.q || []).push(arguments); };
    window.natter('identify', visitor);
  }, { visitor, onlyOnFirstPage });
}

const replyTexts = (s) => s.finishedReplies.locator('.bubble').allTextContents();

test('identified before opening: the hello carries the visitor, the reply addresses Ana, the next page keeps it', async () => {
  const s = await openLive(stack, { onPage: identifyOnLoad(ANA, { onlyOnFirstPage: true }) });
  await s.openChat();
  await s.waitForStatus('Connected');
  const hello = s.sockets[0].sent.find((f) => f.type === 'hello');
  assert.deepEqual(hello.visitor, ANA);
  await type(s, 'hi');
  await s.finishedReplies.first().waitFor();
  assert.match((await replyTexts(s))[0], /^Hi Ana! /);

  const dump = await s.page.evaluate(() => window.natter('debug'));
  assert.equal(dump.identified, true);
  assert.equal(dump.visitor_id, 'u-7');
  assert.equal(JSON.stringify(dump).includes('ana@example.com'), false, 'the support dump never holds the email');
  assert.equal(JSON.stringify(dump).includes('Ana'), false, 'nor the name');

  await s.page.goto(new URL(LIVE_PAGE + '?page=2', stack.server.url).href);
  await s.openChat();
  await s.waitForStatus('Connected');
  assert.deepEqual(s.sockets.at(-1).sent.find((f) => f.type === 'hello').visitor, ANA, 'restored from the tab');
  await type(s, 'hello');
  await eventually(async () => assert.equal((await replyTexts(s)).length, 2), { timeout: 10_000 });
  assert.match((await replyTexts(s))[1], /^Hi Ana! /);
  assert.equal(s.sockets.flatMap((w) => w.sent).filter((f) => f.type === 'identify').length, 0,
    'the hellos said it all: no identify frame');
  s.assertClean();
});

test('identify while connected sends one identify frame; logout (null) forgets', async () => {
  const s = await openLive(stack);
  await s.openChat();
  await s.waitForStatus('Connected');
  await s.page.evaluate(() => window.natter('identify', { name: 'Ana' }));
  await s.page.evaluate(() => window.natter('identify', { name: 'Ana' })); // the same again: nothing new
  await eventually(() => assert.equal(s.sockets[0].sent.filter((f) => f.type === 'identify').length, 1));
  await type(s, 'hi');
  await s.finishedReplies.first().waitFor();
  assert.match((await replyTexts(s))[0], /^Hi Ana! /);
  await s.page.evaluate(() => window.natter('identify', null));
  const frames = () => s.sockets[0].sent.filter((f) => f.type === 'identify');
  await eventually(() => assert.deepEqual(frames().at(-1), { type: 'identify', visitor: null }));
  assert.equal(frames().length, 2);
  assert.equal((await s.page.evaluate(() => window.natter('debug'))).identified, false);
  s.assertClean();
});

test('a bad email prints one [natter] error naming email; the chat still works (over HTTP)', async () => {
  const bad = { name: 'Ana', email: 'ana-at-example.com' };
  const s = await openStorefront(stack, { onPage: identifyOnLoad(bad) });
  await s.openChat();
  await s.textarea.fill('hi');
  await s.textarea.press('Enter');
  await s.finishedReplies.first().waitFor();
  const errors = s.problems.filter((p) => p.text.startsWith('[natter]'));
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.match(errors[0].text, /^\[natter\] identify: email is not an email address .*; the visitor was not changed$/);
  assert.equal(errors[0].text.includes('ana-at-example.com'), false, 'the value is not echoed');
  assert.match((await replyTexts(s))[0], /^Hi! /, 'answered, without a name');
  assert.equal('visitor' in s.chatRequests[0].body, false);

  await s.page.evaluate(() => window.natter('identify', { name: 'Ana' }));
  await s.textarea.fill('hello');
  await s.textarea.press('Enter');
  await eventually(async () => assert.equal((await replyTexts(s)).length, 2), { timeout: 10_000 });
  assert.deepEqual(s.chatRequests[1].body.visitor, { name: 'Ana' });
  assert.match((await replyTexts(s))[1], /^Hi Ana! /);
  s.assertClean([{ text: errors[0].text }]);
});
