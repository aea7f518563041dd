// The metrics that read the store, on both stores: the staff queue's length
// follows shoppers asking for a person and staff taking them, and store
// operations are timed (docs/operating.md, "Metrics").
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from './helpers.mjs';
import { closeAllSockets, connect, sleep } from './session-helpers.mjs';
import { STORE_KINDS, startGatewayOnStore } from './redis-helpers.mjs';

const TOKEN = 'staff-token-0123456789abcdef';

function staff(server, method, path, body) {
  const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` };
  return request(server.url, { method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function waitingShopper(server, session) {
  const socket = await connect(server.url);
  socket.send({ type: 'hello', v: 1, session_id: session, resume_token: '', last_event_seq: 0, tab_id: 'tab-1', features: ['handoff'] });
  await socket.waitFor((f) => f.type === 'welcome');
  socket.send({ type: 'handoff.request' });
  await socket.waitFor((f) => f.type === 'event' && f.event === 'control' && f.data.state === 'waiting');
  return socket;
}

async function gauge(server, name) {
  const body = (await request(server.url, { path: '/metrics' })).body;
  const line = body.split('\n').find((l) => l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

for (const kind of STORE_KINDS) {
  describe(`metrics read from the ${kind} store`, () => {
    let gateway;
    let server;
    before(async () => {
      gateway = await startGatewayOnStore(kind, { staffToken: TOKEN, metrics: true });
      ({ server } = gateway);
    });
    after(async () => { closeAllSockets(); await gateway.close(); });

    test('natter_staff_queue_length counts the conversations waiting for a person', async () => {
      assert.equal(await gauge(server, 'natter_staff_queue_length'), 0);
      assert.equal((await staff(server, 'POST', '/staff/presence', { name: 'Ana' })).status, 200);
      await waitingShopper(server, `mq-a-${kind}`);
      await waitingShopper(server, `mq-b-${kind}`);
      assert.equal(await gauge(server, 'natter_staff_queue_length'), 2);
      assert.equal((await staff(server, 'POST', `/staff/conversations/mq-a-${kind}/take`, { name: 'Ana' })).status, 200);
      await sleep(20);
      assert.equal(await gauge(server, 'natter_staff_queue_length'), 1);
      assert.equal(await gauge(server, 'natter_sessions_live'), 2);
      const body = (await request(server.url, { path: '/metrics' })).body;
      assert.match(body, /^natter_store_operation_seconds_count\{[^}]*op="createSession"[^}]*\} [1-9]/m);
      assert.match(body, /^natter_store_operation_seconds_count\{[^}]*op="changeControl"[^}]*\} [1-9]/m);
    });
  });
}
