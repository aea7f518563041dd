// The queue for a person, on both stores, over the real session
// WebSocket and the staff API: each waiting shopper is told their place; when
// a conversation leaves the queue everyone behind it is told their new place
// (and nobody else is); once staff have taken enough conversations for an
// estimate, the place comes with an estimated wait, also in the welcome of a
// resume and in the staff list.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from './helpers.mjs';
import { closeAllSockets, connect, sleep } from './session-helpers.mjs';
import { STORE_KINDS, startGatewayOnStore } from './redis-helpers.mjs';

const TOKEN = 'staff-token-0123456789abcdef';

function staff(server, method, path, body) {
  const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` };
  return request(server.url, { method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    .then((res) => ({ ...res, json: res.body ? JSON.parse(res.body) : null }));
}
async function shopper(server, session, { token = '', last = 0 } = {}) {
  const socket = await connect(server.url);
  socket.send({ type: 'hello', v: 1, session_id: session, resume_token: token, last_event_seq: last, tab_id: 'tab-1', features: ['handoff'] });
  const welcome = await socket.waitFor((f) => f.type === 'welcome');
  return { socket, welcome };
}
const controls = (socket) => socket.frames.filter((f) => f.type === 'event' && f.event === 'control').map((f) => f.data);
const lastControl = (socket) => controls(socket).at(-1);
const waitUntil = async (what, fn) => {
  for (let i = 0; i < 200; i += 1) { if (fn()) return; await sleep(10); }
  assert.fail(`timed out waiting for ${what}`);
};
const take = (server, id) => staff(server, 'POST', `/staff/conversations/${id}/take`, { name: 'Ana' });

for (const kind of STORE_KINDS) {
  describe(`the queue for a person (${kind} store)`, () => {
    let gateway;
    let server;
    before(async () => {
      gateway = await startGatewayOnStore(kind, { tokenDelayMs: 15, staffToken: TOKEN });
      ({ server } = gateway);
    });
    after(async () => { closeAllSockets(); await gateway.close(); });

    test('places follow the queue; the estimate comes once staff have taken three', async () => {
      await staff(server, 'POST', '/staff/presence', { name: 'Ana' });
      const [a, b, c] = await Promise.all(['q-a', 'q-b', 'q-c'].map((id) => shopper(server, id)));
      for (const [s, place] of [[a, 1], [b, 2], [c, 3]]) {
        s.socket.send({ type: 'handoff.request' });
        await waitUntil(`place ${place}`, () => lastControl(s.socket)?.state === 'waiting');
        assert.deepEqual(lastControl(s.socket), { state: 'waiting', position: place }, 'no estimate before any pickup');
      }

      assert.equal((await take(server, 'q-a')).status, 200);
      await waitUntil('b and c moved up', () => lastControl(b.socket).position === 1 && lastControl(c.socket).position === 2);
      assert.deepEqual(controls(b.socket), [{ state: 'waiting', position: 2 }, { state: 'waiting', position: 1 }]);
      assert.deepEqual(controls(a.socket).map((d) => d.state), ['waiting', 'person'], 'the one taken gets no queue news');

      assert.equal((await take(server, 'q-b')).status, 200);
      await waitUntil('c first', () => lastControl(c.socket).position === 1);
      assert.equal((await take(server, 'q-c')).status, 200);
      await waitUntil('c taken', () => lastControl(c.socket).state === 'person');

      // Three pickups, each in well under a minute per place: whole minutes,
      // at least one (the scaling with the place: wait-estimate.test.mjs).
      const [d, e] = await Promise.all(['q-d', 'q-e'].map((id) => shopper(server, id)));
      d.socket.send({ type: 'handoff.request' });
      await waitUntil('d waiting', () => lastControl(d.socket)?.state === 'waiting');
      e.socket.send({ type: 'handoff.request' });
      await waitUntil('e waiting', () => lastControl(e.socket)?.state === 'waiting');
      assert.deepEqual(lastControl(d.socket), { state: 'waiting', position: 1, wait_s: 60 });
      assert.deepEqual(lastControl(e.socket), { state: 'waiting', position: 2, wait_s: 60 });

      const listed = (await staff(server, 'GET', '/staff/conversations')).json.conversations;
      assert.deepEqual(listed.filter((x) => x.state === 'waiting').map((x) => [x.conversation_id, x.position, x.wait_s]),
        [['q-d', 1, 60], ['q-e', 2, 60]]);

      // d gives up (staff hand it back): e moves up.
      assert.equal((await staff(server, 'POST', '/staff/conversations/q-d/hand-back', { name: 'Ana' })).status, 200);
      await waitUntil('e first', () => lastControl(e.socket).position === 1);
      assert.deepEqual(lastControl(e.socket), { state: 'waiting', position: 1, wait_s: 60 });
      assert.deepEqual(controls(d.socket).map((x) => x.state), ['waiting', 'ai']);

      // A resume: the welcome says where e stands.
      const token = e.welcome.resume_token;
      e.socket.close();
      await sleep(50);
      const again = await shopper(server, 'q-e', { token, last: e.socket.frames.filter((f) => f.type === 'event').at(-1).seq });
      assert.deepEqual(again.welcome.control, { state: 'waiting', position: 1, wait_s: 60 });
    });
  });
}
