// An answer's thumbs (shim/ui/thumb-choice.js, shim/ui/feedback-post.js):
// a change while a post is on its way follows it in the shopper's order,
// what the gateway took is not sent again, a failure keeps the choice and
// says so until a press retries it; a thumb down's reason goes once; the post names the conversation the
// core persisted and the answer by reply_to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createThumbChoice } from '../../shim/ui/thumb-choice.js';
import { currentConversation, feedbackPoster } from '../../shim/ui/feedback-post.js';

// send() answers only when the test settles it: posts in flight are visible.
function harness() {
  const posts = []; // {rating, settle(ok)}
  const shown = [];
  const choice = createThumbChoice({
    send: (rating, reason) => new Promise((resolve, reject) => posts.push({ rating, reason, settle: resolve, fail: reject })),
    show: (s) => shown.push(s),
  });
  return { choice, posts, shown, last: () => shown.at(-1) };
}
const turn = () => new Promise((r) => setImmediate(r));

test('down then up while the first is on its way: one post at a time, the latest last', async () => {
  const h = harness();
  h.choice.choose(-1);
  await turn();
  h.choice.choose(1);
  await turn();
  assert.deepEqual(h.posts.map((p) => p.rating), [-1], 'the second waits for the first');
  assert.deepEqual(h.last(), { chosen: 1, failed: false }, 'the buttons show the new choice at once');
  h.posts[0].settle(true);
  await turn();
  assert.deepEqual(h.posts.map((p) => p.rating), [-1, 1]);
  h.posts[1].settle(true);
  await turn();
  h.choice.choose(1); // the same thumb again: kept, not sent again
  await turn();
  assert.equal(h.posts.length, 2);
});

test('a change back before the first post settles sends nothing more', async () => {
  const h = harness();
  h.choice.choose(1);
  await turn();
  h.choice.choose(-1);
  h.choice.choose(1);
  h.posts[0].settle(true);
  await turn();
  assert.deepEqual(h.posts.map((p) => p.rating), [1]);
});

test('a reason after a thumb down goes once; the same thumb again keeps it and sends nothing', async () => {
  const h = harness();
  h.choice.choose(-1);
  await turn();
  h.posts[0].settle(true);
  await turn();
  h.choice.choose(-1, 'wrong price');
  await turn();
  h.posts[1].settle(true);
  await turn();
  h.choice.choose(-1);
  h.choice.choose(-1, 'wrong price');
  await turn();
  assert.deepEqual(h.posts.map((p) => [p.rating, p.reason]), [[-1, undefined], [-1, 'wrong price']]);
});

test('a refused or thrown post keeps the choice with a note; pressing again retries', async () => {
  const h = harness();
  h.choice.choose(-1);
  await turn();
  h.posts[0].settle(false);
  await turn();
  assert.deepEqual(h.last(), { chosen: -1, failed: true });
  h.choice.choose(-1);
  await turn();
  assert.deepEqual(h.last(), { chosen: -1, failed: false }, 'the note goes while it retries');
  h.posts[1].fail(new Error('offline'));
  await turn();
  assert.deepEqual(h.last(), { chosen: -1, failed: true });
  h.choice.choose(-1);
  await turn();
  h.posts[2].settle(true);
  await turn();
  assert.deepEqual(h.posts.map((p) => p.rating), [-1, -1, -1]);
  assert.deepEqual(h.last(), { chosen: -1, failed: false });
});

const KEY = 'ab'.repeat(16);
const storageOf = (entries) => ({ get: (k) => entries[k] ?? null });
const stored = (extra = {}) => storageOf({
  'natter.conversation': 'conv-1',
  'natter.session': JSON.stringify({ session_id: 'conv-1', conversation_key: KEY }),
  ...extra,
});

test('the post names the persisted conversation, its key and the answer by reply_to, beside the chat URL', async () => {
  const calls = [];
  const post = feedbackPoster({
    dataset: { endpoint: 'https://gw.example/' }, pageUrl: 'https://shop.example/p', storage: stored(),
    fetch: async (url, init) => { calls.push([url, init]); return { status: 202 }; },
  });
  assert.equal(await post.thumb('m-1', -1), true);
  assert.equal(calls[0][0], 'https://gw.example/api/feedback');
  assert.equal(calls[0][1].method, 'POST');
  assert.deepEqual(JSON.parse(calls[0][1].body),
    { conversation_id: 'conv-1', conversation_key: KEY, kind: 'thumb', reply_to: 'm-1', rating: -1 });
  await post.thumb('m-2', -1, 'wrong price');
  assert.equal(JSON.parse(calls[1][1].body).reason, 'wrong price');
  assert.equal('reason' in JSON.parse(calls[0][1].body), false, 'no reason: none sent');
  assert.equal(await post.rate(4), true);
  assert.deepEqual(JSON.parse(calls[2][1].body), { conversation_id: 'conv-1', conversation_key: KEY, kind: 'rating', rating: 4 });
  const refused = feedbackPoster({ dataset: { endpoint: '' }, pageUrl: 'https://shop.example/', storage: stored(), fetch: async () => ({ status: 429 }) });
  assert.equal(await refused.thumb('m-1', 1), false);
  assert.equal(await refused.rate(5), false);
});

test('no conversation persisted, or a blob of another conversation: nothing is posted', async () => {
  assert.equal(currentConversation(storageOf({}), {}), null);
  assert.equal(currentConversation(stored({ 'natter.conversation': 'conv-2' }), {}), null);
  let posted = 0;
  const post = feedbackPoster({ dataset: {}, pageUrl: 'https://shop.example/', storage: storageOf({}), fetch: async () => { posted += 1; return { status: 202 }; } });
  assert.equal(await post.thumb('m-1', 1), false);
  assert.equal(await post.rate(5), false);
  assert.equal(posted, 0);
});

test('a page with a token URL is offered no thumbs or stars: every post would be refused without the token', () => {
  const post = feedbackPoster({ dataset: { endpoint: '', tokenUrl: '/natter-token' }, pageUrl: 'https://shop.example/', storage: stored(), fetch: async () => ({ status: 202 }) });
  assert.equal(post, null);
});
