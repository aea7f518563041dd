// A shopper who sends photos, for the console's photo tests: over the live
// session (no widget needed), the way the widget will: each photo uploaded
// first (POST /api/attachment under the message's id), then the message
// naming them. Used by staff-console-photos and its screenshot story.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect, helloFrame } from '../server/session-helpers.mjs';
import { conversationKeyFor, request } from '../server/helpers.mjs';
import { upload } from '../server/attachment-helpers.mjs';
import { eventually } from './harness.mjs';

// Resolves {conversation, attachments} once the agent answered; the socket
// stays open (closeAllSockets() ends it), so the conversation stays listed.
export async function shopperSends(url, text, photos) {
  const conversation = randomUUID();
  const socket = await connect(url);
  socket.send(helloFrame({ session: conversation }));
  await socket.waitFor((f) => f.type === 'welcome');
  const messageId = randomUUID();
  const attachments = [];
  for (const [index, bytes] of photos.entries()) {
    const res = await upload(url, { query: { conversation_id: conversation, message_id: messageId, index }, key: conversationKeyFor(conversation), bytes });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    attachments.push(res.json.attachment);
  }
  socket.send({ type: 'msg', message_id: messageId, text, ...(attachments.length ? { attachments: attachments.map((a) => a.id) } : {}) });
  await socket.waitFor((f) => f.type === 'event' && f.reply_to === messageId && f.event === 'done');
  return { conversation, attachments };
}

// Waits until the gateway answers 404 for the photo (it expired).
export function photoExpired(url, staffToken, conversation, photo, timeout) {
  const path = `/staff/conversations/${conversation}/attachments/${photo.id}`;
  return eventually(async () => {
    assert.equal((await request(url, { path, headers: { Authorization: `Bearer ${staffToken}` } })).status, 404);
  }, { timeout, every: 200 });
}
