// Over HTTP a conversation id is not a credential (docs/protocol.md,
// "conversation_key"): the widget's POSTs carry the conversation's key,
// a reload restores it from session storage and goes on being answered, and
// another browser that knows only the conversation id is refused 403
// not_owner and writes nothing into the conversation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, openStorefront } from './harness.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack?.close());

async function send(s, text) {
  const before = await s.finishedReplies.count();
  await s.textarea.fill(text);
  await s.textarea.press('Enter');
  await s.finishedReplies.nth(before).waitFor();
}

test('the key rides every POST, survives a reload, and the id alone is refused', async () => {
  await stack.reset();
  const s = await openStorefront(stack);
  await s.openChat();
  await send(s, 'hello');
  const first = s.chatRequests[0].body;
  assert.match(first.conversation_key ?? '', /^[0-9a-f]{48}$/, 'the POST carries a 48-hex-digit key');

  await s.page.reload();
  await s.openChat();
  await send(s, 'after the reload');
  const second = s.chatRequests.at(-1).body;
  assert.equal(second.text, 'after the reload');
  assert.equal(second.conversation_id, first.conversation_id, 'the same conversation after the reload');
  assert.equal(second.conversation_key, first.conversation_key, 'the key was restored');

  // A second browser context: no session storage, only the id.
  const other = await stack.context.browser()?.newContext() ?? null;
  const strangerPage = other ? await other.newPage() : await stack.context.newPage();
  await strangerPage.goto(stack.server.url);
  const answer = await strangerPage.evaluate(async (conversationId) => {
    const id = crypto.randomUUID();
    const res = await fetch('/api/chat', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': id },
      // A key of the stranger's own (without one the POST is 400 missing_key).
      body: JSON.stringify({
        message_id: id, conversation_id: conversationId, text: 'words of a stranger',
        conversation_key: [...crypto.getRandomValues(new Uint8Array(24))].map((b) => b.toString(16).padStart(2, '0')).join(''),
      }),
    });
    return { status: res.status, body: await res.text() };
  }, first.conversation_id);
  assert.equal(answer.status, 403, answer.body);
  assert.equal(JSON.parse(answer.body).error.code, 'not_owner');
  await strangerPage.close();
  await other?.close();

  // The owner goes on, and the stranger's words are nowhere in the conversation.
  await send(s, 'still mine');
  const bubbles = await s.userBubbles.allTextContents();
  assert.ok(bubbles.some((t) => t.includes('still mine')), JSON.stringify(bubbles));
  assert.ok(!bubbles.some((t) => t.includes('stranger')), JSON.stringify(bubbles));
  const agent = await s.agentBubbles.allTextContents();
  assert.ok(!agent.join('\n').includes('stranger'), 'the agent never saw the stranger\'s words');
  s.assertClean();
});
