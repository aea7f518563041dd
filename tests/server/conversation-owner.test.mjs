// A conversation id is not a credential once its session is gone
// (session/conversation-owner.mjs), on both stores: after the resume window
// a hello naming the id without one of its last resume tokens gets a fresh
// session under a new id, so neither the agent's memory of the conversation
// nor a continue link's transcript reaches it; the owner's own late hello
// (its last token) carries the conversation on under the same id, and a
// POST naming the id with a key of its own is refused (no key is bound).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeAllSockets, joinSession, msg, sleep, transcriptViaContinue } from './session-helpers.mjs';
import { STORE_KINDS, startGatewayOnStore } from './redis-helpers.mjs';
import { chatBody, postChat } from './helpers.mjs';

const RESUME_WINDOW_MS = 3000; // on Redis, 150 ms ended the held session during the reply (at load 20): it must outlast the reply
const SECRET_TEXT = 'my address is 12 Elm Street';


const mentions = (transcript) => transcript.some((e) => e.text.includes(SECRET_TEXT));

for (const kind of STORE_KINDS) {
  describe(`conversation ids after the session ended (${kind} store)`, () => {
    let gateway;
    let server;
    before(async () => {
      gateway = await startGatewayOnStore(kind, { tokenDelayMs: 1, resumeWindowMs: RESUME_WINDOW_MS });
      server = gateway.server;
    });
    after(async () => { closeAllSockets(); await gateway.close(); });

    test('the id alone (no token, or a made-up one) starts a fresh conversation elsewhere; the owner\'s last token carries it on', async () => {
      const id = `owner-${kind}-1`;
      const victim = await joinSession(server.url, { session: id, tab: 'victim', conversationKey: null });
      victim.socket.send(msg(`${id}-m1`, SECRET_TEXT));
      await victim.socket.replyEnd(`${id}-m1`, 20_000);
      await victim.socket.close();
      await sleep(RESUME_WINDOW_MS + 1500); // the session is gone; its transcript is kept

      for (const token of ['', 'made-up-token-0123456789']) {
        const thief = await joinSession(server.url, { session: id, token, tab: 'thief', conversationKey: null });
        assert.equal(thief.welcome.resumed, false);
        assert.notEqual(thief.welcome.session_id, id, `token ${JSON.stringify(token)}: a fresh session under a new id`);
        assert.equal(mentions(await transcriptViaContinue(server.url, thief.socket)), false, 'nothing of the conversation');
        await thief.socket.close();
      }
      // Nor over HTTP: the conversation exists with no key bound, so the first key offered does not take it.
      const post = await postChat(server.url, {
        conversation: id, body: JSON.stringify({ ...chatBody({ key: `${id}-t1`, conversation: id, text: 'thief' }), conversation_key: 'k'.repeat(48) }),
        key: `${id}-t1`,
      });
      assert.equal(post.status, 403, post.body);
      assert.equal(JSON.parse(post.body).error.code, 'not_owner');

      const owner = await joinSession(server.url, { session: id, token: victim.welcome.resume_token, tab: 'victim', conversationKey: null });
      assert.equal(owner.welcome.session_id, id, 'the owner carries the conversation on');
      assert.equal(owner.welcome.resumed, false, 'the session itself had ended');
      assert.equal(mentions(await transcriptViaContinue(server.url, owner.socket)), true);
    });

    test('a new conversation id (no transcript) is taken as given', async () => {
      const id = `owner-${kind}-fresh`;
      const { welcome } = await joinSession(server.url, { session: id });
      assert.equal(welcome.session_id, id);
    });
  });
}
