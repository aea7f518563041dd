// Over HTTP too, a conversation id is not a credential
// (session/conversation-key.mjs), on both stores: the first POST or hello
// naming a conversation binds its conversation_key; a POST naming it without
// that key is refused 403 `not_owner` and writes nothing into it, while the
// owner's POSTs go on being answered; a POST without a key is refused 400
// `missing_key`, and one for a conversation that exists with no key bound
// 403; a hello with the key carries an HTTP conversation on under its id,
// one without it does not.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { parseEvents, postChat, replyText } from './helpers.mjs';
import { closeAllSockets, joinSession, msg, transcriptViaContinue } from './session-helpers.mjs';
import { STORE_KINDS, startGatewayOnStore } from './redis-helpers.mjs';
import { HTTP_ERROR_NOT_OWNER } from '../../tools/gateway/session/wire-codes.mjs';

const newKey = () => randomBytes(24).toString('hex'); // as the widget mints it: 48 hex digits

function post(url, { conversation, key, text = 'hi', visitor }) {
  const id = randomUUID();
  const body = { message_id: id, conversation_id: conversation, text };
  if (key !== undefined) body.conversation_key = key;
  if (visitor) body.visitor = visitor;
  return postChat(url, { key: id, body: JSON.stringify(body) });
}

// The conversation's text as a continue link of this connection's session hands it out.
const transcriptVia = async (server, socket) => (await transcriptViaContinue(server.url, socket)).map((e) => e.text).join('\n');

function assertMissingKey(res) {
  assert.equal(res.status, 400, res.body);
  assert.equal(JSON.parse(res.body).error.code, 'missing_key');
}

function assertNotOwner(res) {
  assert.equal(res.status, 403, res.body);
  assert.equal(JSON.parse(res.body).error.code, HTTP_ERROR_NOT_OWNER);
}

for (const kind of STORE_KINDS) {
  describe(`conversation_key over HTTP (${kind} store)`, () => {
    let gateway;
    let server;
    before(async () => {
      gateway = await startGatewayOnStore(kind, { tokenDelayMs: 1 });
      server = gateway.server;
    });
    after(async () => { closeAllSockets(); await gateway.close(); });

    test('a live conversation\'s id without its key writes nothing into it; the owner goes on', async () => {
      const id = randomUUID();
      const key = newKey();
      const owner = await joinSession(server.url, { session: id, tab: 'owner', conversationKey: key });
      assert.equal(owner.welcome.session_id, id);
      owner.socket.send(msg(`${id}-m1`, 'first words of the owner'));
      await owner.socket.replyEnd(`${id}-m1`, 20_000);

      assertMissingKey(await post(server.url, { conversation: id, text: 'words of a thief', visitor: { name: 'Mallory' } }));
      assertNotOwner(await post(server.url, { conversation: id, key: newKey(), text: 'words of a thief', visitor: { name: 'Mallory' } }));
      const ok = await post(server.url, { conversation: id, key, text: 'owner over http' });
      assert.equal(ok.status, 200, ok.body);
      assert.ok(replyText(parseEvents(ok.body)).length > 0, 'the owner\'s POST is answered');

      const transcript = await transcriptVia(server, owner.socket);
      assert.match(transcript, /first words of the owner/);
      assert.match(transcript, /owner over http/);
      assert.doesNotMatch(transcript, /thief/, 'nothing of the refused requests');
    });

    test('an HTTP conversation binds its first key; a wrong or missing key is refused', async () => {
      const id = randomUUID();
      const key = newKey();
      assert.equal((await post(server.url, { conversation: id, key })).status, 200);
      assertNotOwner(await post(server.url, { conversation: id, key: newKey() }));
      assertMissingKey(await post(server.url, { conversation: id }));
      assert.equal((await post(server.url, { conversation: id, key, text: 'again' })).status, 200);
      const bad = await post(server.url, { conversation: id, key: 'short' });
      assert.equal(bad.status, 400);
      assert.equal(JSON.parse(bad.body).error.code, 'bad_conversation_key');
    });

    test('two first POSTs with different keys at once: one binds, the other is refused', async () => {
      const id = randomUUID();
      const answers = await Promise.all([newKey(), newKey()].map((key) => post(server.url, { conversation: id, key })));
      assert.deepEqual(answers.map((r) => r.status).sort(), [200, 403], answers.map((r) => r.body).join(' | '));
    });

    test('a hello with an HTTP conversation\'s key carries it on; one without it gets a new id', async () => {
      const id = randomUUID();
      const key = newKey();
      assert.equal((await post(server.url, { conversation: id, key, text: 'begun over http' })).status, 200);
      const thief = await joinSession(server.url, { session: id, tab: 'thief', conversationKey: newKey() });
      assert.notEqual(thief.welcome.session_id, id, 'the wrong key: a fresh conversation elsewhere');
      await thief.socket.close();
      const owner = await joinSession(server.url, { session: id, tab: 'owner', conversationKey: key });
      assert.equal(owner.welcome.session_id, id, 'the key carries the conversation on');
      assert.match(await transcriptVia(server, owner.socket), /begun over http/);
    });

    test('a POST without a key is refused 400 missing_key and keeps nothing', async () => {
      const id = randomUUID();
      assertMissingKey(await post(server.url, { conversation: id, visitor: { name: 'Nobody' } }));
      // Nothing was bound or kept: the conversation is still new, so a keyed POST creates it.
      assert.equal((await post(server.url, { conversation: id, key: newKey(), text: 'now with a key' })).status, 200);
    });

    test('a live conversation begun by a hello without a key: a POST with any key is refused, nothing written', async () => {
      const id = randomUUID();
      const owner = await joinSession(server.url, { session: id, tab: 'old-widget', conversationKey: null });
      assert.equal(owner.welcome.session_id, id);
      owner.socket.send(msg(`${id}-m1`, 'said live without a key'));
      await owner.socket.replyEnd(`${id}-m1`, 20_000);
      assertNotOwner(await post(server.url, { conversation: id, key: newKey(), text: 'words of a thief' }));
      const transcript = await transcriptVia(server, owner.socket);
      assert.match(transcript, /said live without a key/);
      assert.doesNotMatch(transcript, /thief/, 'the first key offered does not take the conversation');
    });

  });
}
