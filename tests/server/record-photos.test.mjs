// A shopper's photos in the record (docs/record.md): the turn that named
// them keeps what they were (id, type, size, width, height), never their
// bytes, so History can show them while the gateway holds them and say
// they are no longer kept after. The record is read back after the live
// session is gone; a turn without photos records none; a message held for
// the person who has the conversation keeps its photo too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { conversationKeyFor, eventually, postChat, request, startTestServer } from './helpers.mjs';
import { png, upload } from './attachment-helpers.mjs';
import { closeAllSockets, joinSession } from './session-helpers.mjs';

const TOKEN = 'staff-token-for-record-photos-0123456789';
const staffGet = (server, urlPath) => request(server.url, { path: urlPath, headers: { Authorization: `Bearer ${TOKEN}` } });

test('a turn with a photo is recorded with its shape, not its bytes; staff fetch the photo while it is held', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-record-photos-'));
  const server = await startTestServer({ staffToken: TOKEN, record: { setting: { kind: 'sqlite', file: path.join(dir, 'record.sqlite') } } });
  t.after(async () => { await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  const conversation = randomUUID();
  const key = conversationKeyFor(conversation);
  const withPhoto = randomUUID();
  const photo = png(40, 30);
  const up = await upload(server.url, { query: { conversation_id: conversation, message_id: withPhoto, index: 0 }, key, type: 'image/png', bytes: photo });
  assert.equal(up.status, 201, JSON.stringify(up.json));
  const attachment = up.json.attachment;
  const body = (id, text, attachments) => JSON.stringify({ message_id: id, conversation_id: conversation, conversation_key: key, text, ...(attachments ? { attachments } : {}) });
  assert.equal((await postChat(server.url, { key: withPhoto, body: body(withPhoto, 'is this scratch covered?', [attachment.id]) })).status, 200);
  const plain = randomUUID();
  assert.equal((await postChat(server.url, { key: plain, body: body(plain, 'and the box?') })).status, 200);

  const turns = await eventually(async () => {
    const res = await staffGet(server, `/staff/record/conversations/${conversation}`);
    const c = res.status === 200 ? JSON.parse(res.body).conversation : null;
    return c?.turns.length === 4 && c.turns;
  }, 15_000, 'four turns in the record');
  const shopper = turns.filter((x) => x.role === 'shopper');
  assert.deepEqual(shopper.map((x) => [x.text, x.attachments]), [
    ['is this scratch covered?', [{ id: attachment.id, type: 'image/png', size: photo.length, width: 40, height: 30 }]],
    ['and the box?', null],
  ]);
  assert.deepEqual(turns.map((x) => x.role), ['shopper', 'assistant', 'shopper', 'assistant'], 'the photo turn before its answer');
  const fetched = await staffGet(server, `/staff/conversations/${conversation}/attachments/${attachment.id}`);
  assert.equal(fetched.status, 200);
  assert.equal(fetched.headers['content-type'], 'image/png');
});

test('a message with a photo held for staff (a person has the conversation) is recorded with its photo', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-record-photos-'));
  const server = await startTestServer({ staffToken: TOKEN, record: { setting: { kind: 'sqlite', file: path.join(dir, 'record.sqlite') } } });
  t.after(async () => { closeAllSockets(); await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });
  const { socket, welcome } = await joinSession(server.url);
  const conversation = welcome.session_id;
  const take = await request(server.url, {
    method: 'POST', path: `/staff/conversations/${conversation}/take`,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Ana' }),
  });
  assert.equal(take.status, 200);
  const id = randomUUID();
  const photo = png(24, 16);
  const up = await upload(server.url, { query: { conversation_id: conversation, message_id: id, index: 0 }, key: conversationKeyFor(conversation), type: 'image/png', bytes: photo });
  assert.equal(up.status, 201, JSON.stringify(up.json));
  socket.send({ type: 'msg', message_id: id, text: 'the box is dented', attachments: [up.json.attachment.id] });
  await socket.waitFor((f) => f.type === 'ack' && f.message_id === id);
  const turn = await eventually(async () => {
    const res = await staffGet(server, `/staff/record/conversations/${conversation}`);
    return res.status === 200 && JSON.parse(res.body).conversation.turns.find((x) => x.id === id);
  }, 15_000, 'the held turn in the record');
  assert.deepEqual(turn.attachments, [{ id: up.json.attachment.id, type: 'image/png', size: photo.length, width: 24, height: 16 }]);
});
