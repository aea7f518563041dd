// Photos named by a message (docs/protocol.md, "Attachments"), on both
// stores: over POST /api/chat and the live session's msg the agent gets
// each photo (type, size, dimensions, bytes); an id not uploaded for that
// conversation is refused and nothing runs; a retry runs the agent once;
// staff see the turn's photos and fetch them with their credential only,
// served so a browser cannot run them.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { conversationKeyFor, eventually, parseEvents, postChat, replyText, request } from './helpers.mjs';
import { STORE_KINDS, startGatewayOnStore } from './redis-helpers.mjs';
import { closeAllSockets, joinSession } from './session-helpers.mjs';
import { jpegHeader, png, upload } from './attachment-helpers.mjs';

const STAFF_TOKEN = 'staff-token-for-attachment-tests-0123456789';

function chat(url, { conversation, id = randomUUID(), text = 'is this broken?', attachments, context }) {
  const body = { message_id: id, conversation_id: conversation, conversation_key: conversationKeyFor(conversation), text };
  if (attachments !== undefined) body.attachments = attachments;
  if (context) body.context = context;
  return postChat(url, { key: id, body: JSON.stringify(body) });
}

async function uploaded(url, conversation, messageId, bytes, index = 0, type = 'image/png') {
  const res = await upload(url, { query: { conversation_id: conversation, message_id: messageId, index }, key: conversationKeyFor(conversation), type, bytes });
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return res.json.attachment;
}

for (const kind of STORE_KINDS) {
  describe(`${kind} store`, () => {
    let gateway;
    let a;
    let b;
    const turns = [];
    before(async () => {
      const agent = {
        name: 'recorder', paced: false,
        async* reply(turn) {
          turns.push(turn);
          yield { event: 'delta', data: { text: `saw ${turn.attachments?.length ?? 0}` } };
        },
      };
      gateway = await startGatewayOnStore(kind, { agent, staffToken: STAFF_TOKEN });
      a = gateway.server.url;
      b = kind === 'redis' ? (await gateway.another()).url : a;
    });
    after(async () => { closeAllSockets(); await gateway?.close(); });
    const turnsOf = (id) => turns.filter((t) => t.message_id === id);

    test('POST /api/chat naming its photos: the agent gets them once, with their bytes; a retry replays', async () => {
      const conversation = randomUUID();
      const id = randomUUID();
      const photo = png(40, 30);
      const first = await uploaded(a, conversation, id, photo);
      const second = await uploaded(a, conversation, id, jpegHeader(64, 48), 1, 'image/jpeg');
      const res = await chat(b, { conversation, id, attachments: [first.id, second.id] });
      assert.equal(res.status, 200, res.body);
      assert.equal(replyText(parseEvents(res.body)), 'saw 2');
      const [turn] = turnsOf(id);
      assert.deepEqual(turn.attachments.map(({ data, ...meta }) => meta), [
        { id: first.id, type: 'image/png', size: photo.length, width: 40, height: 30 },
        { id: second.id, type: 'image/jpeg', size: jpegHeader().length, width: 64, height: 48 },
      ]);
      assert.equal(Buffer.from(turn.attachments[0].data, 'base64').equals(photo), true, 'the bytes as uploaded');
      const again = await chat(a, { conversation, id, attachments: [first.id, second.id] });
      assert.equal(again.status, 200);
      assert.equal(again.headers['idempotent-replayed'] !== undefined, true);
      assert.equal(turnsOf(id).length, 1, 'the agent ran once');
      const other = await chat(a, { conversation, id, attachments: [first.id] });
      assert.equal(other.status, 422, 'the same message id naming other photos is another body');
    });

    test('an id not uploaded for this conversation is 400 unknown_attachment and nothing runs', async () => {
      const conversation = randomUUID();
      const elsewhere = randomUUID();
      const theirs = await uploaded(a, elsewhere, 'm1', png());
      for (const attachments of [[theirs.id], ['att_0123456789abcdef01234567']]) {
        const id = randomUUID();
        const res = await chat(b, { conversation, id, attachments });
        assert.equal(res.status, 400, res.body);
        assert.equal(JSON.parse(res.body).error.code, 'unknown_attachment');
        assert.equal(res.headers['access-control-allow-origin'], '*');
        assert.equal(turnsOf(id).length, 0, 'the agent was not called');
      }
      for (const attachments of ['att_x', ['not-an-id'], [theirs.id, theirs.id], ['a', 'b', 'c', 'd']]) {
        const res = await chat(a, { conversation, attachments });
        assert.equal(res.status, 400);
        assert.equal(JSON.parse(res.body).error.code, 'bad_attachments');
      }
    });

    test('a photo without words is a message; without a photo a blank text is still refused', async () => {
      const conversation = randomUUID();
      const id = randomUUID();
      const photo = await uploaded(a, conversation, id, png());
      const res = await chat(a, { conversation, id, text: '', attachments: [photo.id] });
      assert.equal(res.status, 200, res.body);
      assert.equal(turnsOf(id)[0].text, '');
      assert.equal((await chat(a, { conversation, text: '  ' })).status, 400);
    });

    test('the live session: a msg naming its photo reaches the agent; an unknown id is bad_frame, not acked', async () => {
      const { socket, welcome } = await joinSession(a);
      const conversation = welcome.session_id;
      const id = randomUUID();
      const photo = await uploaded(b, conversation, id, png(20, 10));
      socket.send({ type: 'msg', message_id: id, text: 'this one', attachments: [photo.id] });
      await socket.waitFor((f) => f.type === 'ack' && f.message_id === id);
      await socket.waitFor((f) => f.type === 'event' && f.event === 'done');
      assert.deepEqual(turnsOf(id)[0].attachments.map((p) => [p.id, p.width, p.height]), [[photo.id, 20, 10]]);
      const bad = randomUUID();
      socket.send({ type: 'msg', message_id: bad, text: 'and this', attachments: ['att_0123456789abcdef01234567'] });
      const error = await socket.waitFor((f) => f.type === 'error' && f.message_id === bad);
      assert.equal(error.code, 'bad_frame');
      assert.equal(error.reason, 'unknown_attachment');
      assert.equal(socket.frames.some((f) => f.type === 'ack' && f.message_id === bad), false);
      assert.equal(turnsOf(bad).length, 0);

      // Staff: the turn lists its photo; the photo itself only with the credential.
      const auth = { Authorization: `Bearer ${STAFF_TOKEN}` };
      const detail = JSON.parse((await request(b, { path: `/staff/conversations/${conversation}`, headers: auth })).body);
      const entry = detail.transcript.find((e) => e.role === 'shopper' && e.text === 'this one');
      assert.deepEqual(entry.attachments, [{ id: photo.id, type: 'image/png', size: photo.size, width: 20, height: 10 }]);
      const path = `/staff/conversations/${conversation}/attachments/${photo.id}`;
      assert.equal((await request(a, { path })).status, 401);
      assert.equal((await request(a, { path, headers: { Authorization: 'Bearer wrong-token-0123456789012345678901' } })).status, 401);
      const served = await request(a, { path, headers: auth });
      assert.equal(served.status, 200);
      assert.equal(served.headers['content-type'], 'image/png');
      assert.equal(served.headers['x-content-type-options'], 'nosniff');
      assert.equal(served.headers['content-disposition'], 'inline');
      assert.match(served.headers['content-security-policy'], /default-src 'none'.*sandbox/);
      assert.equal(served.headers['access-control-allow-origin'], undefined, 'no page of another origin reads it');
      assert.equal(Number(served.headers['content-length']), photo.size);
      const missing = await request(a, { path: `/staff/conversations/${randomUUID()}/attachments/${photo.id}`, headers: auth });
      assert.equal(missing.status, 404, 'a photo is found only under its own conversation');
      socket.ws.close();
    });

    test('a message with a photo sent while a person has the conversation: held for staff with its photo', async () => {
      const { socket, welcome } = await joinSession(a);
      const conversation = welcome.session_id;
      const auth = { Authorization: `Bearer ${STAFF_TOKEN}`, 'Content-Type': 'application/json' };
      const staff = (path, body) => request(b, { method: body ? 'POST' : 'GET', path, headers: auth, body: body && JSON.stringify(body) });
      assert.equal((await staff(`/staff/conversations/${conversation}/take`, { name: 'Ana' })).status, 200);
      const id = randomUUID();
      const photo = await uploaded(a, conversation, id, png(30, 20));
      socket.send({ type: 'msg', message_id: id, text: 'the box is dented', attachments: [photo.id] });
      await socket.waitFor((f) => f.type === 'ack' && f.message_id === id);
      const entry = await eventually(async () => {
        const detail = JSON.parse((await staff(`/staff/conversations/${conversation}`)).body);
        return detail.entries.find((e) => e.kind === 'shopper' && e.message_id === id);
      }, 5000, 'the held message');
      assert.deepEqual(entry.attachments, [{ id: photo.id, type: 'image/png', size: photo.size, width: 30, height: 20 }]);
      assert.equal(turnsOf(id).length, 0, 'no agent run: a person has it');
      assert.equal((await staff(`/staff/conversations/${conversation}/attachments/${photo.id}`)).status, 200);
      socket.ws.close();
    });
  });
}

test('a gateway that allows one photo a message refuses two on both paths (attachmentsPerMessage)', async () => {
  const gateway = await startGatewayOnStore('memory', { limits: { attachmentsPerMessage: 1 } });
  try {
    const url = gateway.server.url;
    const { socket, welcome } = await joinSession(url);
    const conversation = welcome.session_id;
    const id = randomUUID();
    const one = await uploaded(url, conversation, id, png());
    const two = await upload(url, { query: { conversation_id: conversation, message_id: id, index: 1 }, key: conversationKeyFor(conversation), bytes: png() });
    assert.equal(two.json.error.code, 'too_many_attachments');
    const other = await uploaded(url, conversation, randomUUID(), png());
    socket.send({ type: 'msg', message_id: id, text: 'both', attachments: [one.id, other.id] });
    const error = await socket.waitFor((f) => f.type === 'error' && f.message_id === id);
    assert.equal(error.reason, 'bad_attachments');
    const res = await chat(url, { conversation, attachments: [one.id, other.id] });
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.body).error.code, 'bad_attachments');
    socket.send({ type: 'msg', message_id: id, text: 'one', attachments: [one.id] });
    await socket.waitFor((f) => f.type === 'ack' && f.message_id === id);
    socket.ws.close();
  } finally {
    closeAllSockets();
    await gateway.close();
  }
});
