// Presence (the shopper's side) over the real session WebSocket
// and staff API, on both stores: staff typing reaches the shopper's socket
// (on Redis, from another gateway instance) only while they control the
// conversation and only for a widget that said `presence`; a read event
// through the shopper's last acked message, once per new message, and the
// shape an older widget can apply; the shopper's email kept once per
// email_id whatever the re-sends, and shown to staff.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from './helpers.mjs';
import { closeAllSockets, connect, msg, sleep } from './session-helpers.mjs';
import { STORE_KINDS, startGatewayOnStore } from './redis-helpers.mjs';

const TOKEN = 'staff-token-0123456789abcdef';

function staff(server, path, body) {
  const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` };
  return request(server.url, { method: body === undefined ? 'GET' : 'POST', path, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    .then((res) => ({ ...res, json: res.body ? JSON.parse(res.body) : null }));
}
async function shopper(server, session, features = ['handoff', 'presence']) {
  const socket = await connect(server.url);
  socket.send({ type: 'hello', v: 1, session_id: session, resume_token: '', last_event_seq: 0, tab_id: 'tab-1', features });
  await socket.waitFor((f) => f.type === 'welcome');
  return socket;
}
const take = (server, session) => staff(server, `/staff/conversations/${session}/take`, { name: 'Ana' });

for (const kind of STORE_KINDS) {
  describe(`presence (${kind} store)`, () => {
    let gateway;
    let server;
    let other; // the staff API's instance: on Redis another gateway, in memory the same one
    before(async () => {
      gateway = await startGatewayOnStore(kind, { staffToken: TOKEN });
      ({ server } = gateway);
      other = kind === 'redis' ? await gateway.another() : server;
    });
    after(async () => { closeAllSockets(); await gateway.close(); });

    test('staff typing reaches the shopper only while they control the conversation, with the log seq', async () => {
      const session = `${kind}-typing`;
      const socket = await shopper(server, session);
      const refused = await staff(other, `/staff/conversations/${session}/typing`, { name: 'Ana' });
      assert.equal(refused.status, 409, 'not in control: no typing');
      assert.equal((await take(other, session)).status, 200);
      const control = await socket.waitFor((f) => f.type === 'event' && f.event === 'control' && f.data.state === 'person');
      assert.equal((await staff(other, `/staff/conversations/${session}/typing`, { name: 'Ana' })).status, 200);
      const typing = await socket.waitFor((f) => f.type === 'typing');
      assert.deepEqual(typing, { type: 'typing', name: 'Ana', seq: control.seq });
      assert.equal((await staff(other, '/staff/conversations/nope/typing', { name: 'Ana' })).status, 404);
    });

    test('a widget without the presence feature gets no typing frame and read as an event it can apply', async () => {
      const session = `${kind}-old-widget`;
      const socket = await shopper(server, session, ['handoff']);
      socket.send(msg('old-1', 'hello?'));
      await socket.waitFor((f) => f.type === 'ack' && f.message_id === 'old-1');
      await take(other, session);
      await staff(other, `/staff/conversations/${session}/typing`, { name: 'Ana' });
      assert.equal((await staff(other, `/staff/conversations/${session}/read`, { name: 'Ana' })).json.read_through, 'old-1');
      const read = await socket.waitFor((f) => f.type === 'event' && f.reply_to === 'read');
      assert.equal(read.event, 'start', 'shaped as a start the older core applies');
      await sleep(200);
      assert.equal(socket.frames.filter((f) => f.type === 'typing').length, 0);
    });

    test('read: an event through the last acked message, once per new message', async () => {
      const session = `${kind}-read`;
      const socket = await shopper(server, session);
      const path = `/staff/conversations/${session}/read`;
      assert.equal((await staff(other, path, { name: 'Ana' })).json.read_through, null, 'nothing to read yet');
      for (const id of ['r-1', 'r-2']) {
        socket.send(msg(id, `question ${id}`));
        await socket.waitFor((f) => f.type === 'ack' && f.message_id === id);
      }
      assert.equal((await staff(other, path, { name: 'Ana' })).json.read_through, 'r-2');
      assert.equal((await staff(other, path, { name: 'Ben' })).json.read_through, null, 'opened again: nothing new');
      const read = await socket.waitFor((f) => f.type === 'event' && f.event === 'read');
      assert.deepEqual(read.data, { through: 'r-2', by: { name: 'Ana' } });
      socket.send(msg('r-3', 'one more'));
      await socket.waitFor((f) => f.type === 'ack' && f.message_id === 'r-3');
      assert.equal((await staff(other, path, { name: 'Ben' })).json.read_through, 'r-3');
      await socket.waitFor((f) => f.type === 'event' && f.event === 'read' && f.data.through === 'r-3');
      await sleep(100);
      assert.equal(socket.frames.filter((f) => f.event === 'read').length, 2);
      assert.equal((await staff(other, '/staff/conversations/nope/read', { name: 'Ana' })).status, 404);
    });

    test('the shopper\'s email is kept once per email_id, answered every time, and shown to staff', async () => {
      const session = `${kind}-email`;
      const socket = await shopper(server, session);
      const entries = async () => (await staff(other, `/staff/conversations/${session}`)).json.entries.filter((e) => e.kind === 'email');
      const saved = () => socket.frames.filter((f) => f.type === 'handoff.email_saved');
      socket.send({ type: 'handoff.email', email_id: 'e-1', email: 'ana@example.com' });
      socket.send({ type: 'handoff.email', email_id: 'e-1', email: 'ana@example.com' }); // a re-send: answered, not kept again
      await socket.waitFor(() => saved().length === 2);
      assert.deepEqual(saved().map((f) => f.email_id), ['e-1', 'e-1']);
      assert.deepEqual((await entries()).map((e) => e.email), ['ana@example.com']);
      socket.send({ type: 'handoff.email', email_id: 'e-2', email: 'not an address' });
      const bad = await socket.waitFor((f) => f.type === 'error');
      assert.equal(bad.code, 'bad_frame');
      assert.equal((await entries()).length, 1);
    });
  });
}
