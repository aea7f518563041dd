// Handoff to a person, over the real session WebSocket and the
// staff API, on both stores: the shopper asks, staff take over, the AI stays
// silent while they do, staff messages arrive once with their author and are
// replayed once on resume, the AI answers again after the hand back, and a
// takeover cuts an AI reply at the control event. The staff API needs its
// credential; private notes never reach the shopper.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, startTestServer, stats } from './helpers.mjs';
import { closeAllSockets, joinSession, msg, sleep } from './session-helpers.mjs';
import { STORE_KINDS, startGatewayOnStore } from './redis-helpers.mjs';
import { finishChunk, startFakeOpenAi, streamChunks, textChunks, toolCallChunks } from './fake-openai.mjs';
import { createOpenAiAgent } from '../../tools/gateway/agents/openai.mjs';
import { createShopTools } from '../../tools/gateway/agents/shop-tools.mjs';

const TOKEN = 'staff-token-0123456789abcdef';

function staff(server, method, path, body, { token = TOKEN } = {}) {
  const headers = { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
  return request(server.url, { method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    .then((res) => ({ ...res, json: res.body ? JSON.parse(res.body) : null }));
}
const join = (server, session, extra = {}) => joinSession(server.url, { session, ...extra });
const hello = (socket, { session, token, last, features = ['handoff'] }) => socket.send({
  type: 'hello', v: 1, session_id: session, resume_token: token ?? '', last_event_seq: last ?? 0, tab_id: 'tab-1', features,
});
// A shopper whose widget understands handoff events.
async function shopper(server, session) {
  const { connect } = await import('./session-helpers.mjs');
  const socket = await connect(server.url);
  hello(socket, { session });
  const welcome = await socket.waitFor((f) => f.type === 'welcome');
  return { socket, welcome };
}
const controlEvent = (socket, state) => socket.waitFor((f) => f.type === 'event' && f.event === 'control' && f.data.state === state);

for (const kind of STORE_KINDS) {
  describe(`handoff (${kind} store)`, () => {
    let gateway;
    let server;
    before(async () => {
      gateway = await startGatewayOnStore(kind, { tokenDelayMs: 15, staffToken: TOKEN });
      ({ server } = gateway);
    });
    after(async () => { closeAllSockets(); await gateway.close(); });

    test('shopper asks, staff take over; the AI stays silent; the staff reply arrives once with its author, is replayed once; after the hand back the AI answers', async () => {
      const session = `${kind}-story`;
      await staff(server, 'POST', '/staff/presence', { name: 'Ana' });
      const { socket, welcome } = await shopper(server, session);

      socket.send({ type: 'handoff.request' });
      const waiting = await controlEvent(socket, 'waiting');
      assert.equal(waiting.data.position, 1);
      const listed = (await staff(server, 'GET', '/staff/conversations')).json.conversations.find((c) => c.conversation_id === session);
      assert.equal(listed.state, 'waiting');
      assert.equal(typeof listed.waiting_ms, 'number');

      const took = await staff(server, 'POST', `/staff/conversations/${session}/take`, { name: 'Ana' });
      assert.equal(took.status, 200);
      const person = await controlEvent(socket, 'person');
      assert.deepEqual(person.data, { state: 'person', by: { name: 'Ana' } });

      socket.send(msg('st-1', 'is the PS5 in stock?'));
      await socket.waitFor((f) => f.type === 'ack' && f.message_id === 'st-1');
      socket.send(msg('st-1', 'is the PS5 in stock?')); // a retry: acked again, still never run
      await socket.waitFor(() => socket.frames.filter((f) => f.type === 'ack' && f.message_id === 'st-1').length === 2);
      await sleep(200);
      assert.equal((await stats(server.url)).agent_runs['st-1'], undefined, 'the AI was never called');
      // Once, whatever the retries: the widget settles the message with it.
      assert.deepEqual(socket.events('st-1').map((f) => [f.event, f.data]), [['held', {}]]);
      const seen = (await staff(server, 'GET', `/staff/conversations/${session}`)).json;
      assert.deepEqual(seen.entries.filter((e) => e.kind === 'shopper').map((e) => [e.message_id, e.text]),
        [['st-1', 'is the PS5 in stock?']], 'staff read the message once');

      const before = socket.lastSeq;
      const reply = { message_id: 'r1', name: 'Ana', text: 'Yes, **3** left.' };
      assert.deepEqual((await staff(server, 'POST', `/staff/conversations/${session}/reply`, reply)).json, { applied: true, seq: before + 3 });
      assert.deepEqual((await staff(server, 'POST', `/staff/conversations/${session}/reply`, reply)).json, { applied: false, duplicate: true });
      await socket.waitFor((f) => f.reply_to === 'staff-r1' && f.event === 'done');
      await sleep(100);
      const staffFrames = socket.events('staff-r1');
      assert.deepEqual(staffFrames.map((f) => f.event), ['start', 'delta', 'done'], 'once, despite the retried POST');
      assert.deepEqual(staffFrames[0].data.author, { kind: 'staff', name: 'Ana' });
      assert.equal(staffFrames[1].data.text, 'Yes, **3** left.');

      await socket.close();
      const { socket: again } = await (async () => {
        const { connect } = await import('./session-helpers.mjs');
        const s = await connect(server.url);
        hello(s, { session, token: welcome.resume_token, last: before });
        await s.waitFor((f) => f.type === 'welcome' && f.resumed === true);
        return { socket: s };
      })();
      await sleep(100);
      assert.deepEqual(again.events('staff-r1').map((f) => f.event), ['start', 'delta', 'done'], 'replayed exactly once');

      assert.equal((await staff(server, 'POST', `/staff/conversations/${session}/hand-back`, { name: 'Ana' })).status, 200);
      await controlEvent(again, 'ai');
      again.send(msg('st-2', 'thanks, and PS5 games?'));
      await again.replyEnd('st-2');
      assert.equal((await stats(server.url)).agent_runs['st-2'], 1, 'the AI answers again');
    });

    test('staff read who the shop said the shopper is, and the product cards the AI showed (the operator console\'s detail)', async () => {
      const session = `${kind}-detail`;
      const { socket } = await shopper(server, session);
      socket.send({ type: 'identify', visitor: { id: 'u-7', name: 'Ben', email: 'ben@example.com' } });
      socket.send(msg('cards-1', 'do you have PS5 games?'));
      await socket.replyEnd('cards-1');
      const shown = socket.events('cards-1').filter((f) => f.event === 'card').map((f) => f.data.product);
      assert.ok(shown.length > 0, 'the AI showed cards');
      const seen = (await staff(server, 'GET', `/staff/conversations/${session}`)).json;
      assert.deepEqual(seen.visitor, { id: 'u-7', name: 'Ben', email: 'ben@example.com' });
      assert.deepEqual(seen.transcript.at(-1).cards, shown);
      assert.deepEqual(seen.transcript.at(-2), { role: 'shopper', text: 'do you have PS5 games?' });
    });

    test('a takeover in the middle of an AI reply: nothing of that reply after the control event', async () => {
      const session = `${kind}-mid`;
      const { socket } = await shopper(server, session);
      socket.send(msg('mid-1', 'do you have PS5 games?'));
      await socket.waitFor((f) => f.reply_to === 'mid-1' && f.event === 'delta');
      assert.equal((await staff(server, 'POST', `/staff/conversations/${session}/take`, { name: 'Ben' })).status, 200);
      const control = await controlEvent(socket, 'person');
      await sleep(400);
      const after = socket.events('mid-1').filter((f) => f.seq > control.seq);
      assert.deepEqual(after.map((f) => f.event), ['held'], 'no AI event after the takeover: only the hold that settles it');
      assert.equal(socket.events('mid-1').some((f) => f.event === 'done'), false);
      const seqs = socket.events().map((f) => f.seq);
      assert.deepEqual(seqs, seqs.map((_, i) => i + 1), 'the shopper got every seq once, in order');
    });

    test('the staff API: no credential or a wrong one is 401 and changes nothing; no CORS; notes never reach the shopper', async () => {
      const session = `${kind}-auth`;
      const { socket } = await shopper(server, session);
      for (const token of [null, 'wrong-token-0123456789abcdef', `${TOKEN}x`]) {
        const refused = await staff(server, 'POST', `/staff/conversations/${session}/take`, { name: 'Eve' }, { token });
        assert.equal(refused.status, 401);
        assert.equal(refused.headers['access-control-allow-origin'], undefined);
        assert.ok(!refused.body.includes(TOKEN));
        assert.equal((await staff(server, 'GET', '/staff/conversations', undefined, { token })).status, 401);
      }
      assert.equal((await staff(server, 'GET', `/staff/conversations/${session}`)).json.control.state, 'ai', 'nothing changed');
      const ok = await staff(server, 'GET', '/staff/conversations');
      assert.equal(ok.headers['access-control-allow-origin'], undefined);

      await staff(server, 'POST', `/staff/conversations/${session}/take`, { name: 'Ana' });
      const note = await staff(server, 'POST', `/staff/conversations/${session}/notes`, { name: 'Ana', text: 'PRIVATE-NOTE-7c1 refund risk' });
      assert.equal(note.status, 200);
      await staff(server, 'POST', `/staff/conversations/${session}/reply`, { message_id: 'a1', name: 'Ana', text: 'Hi!' });
      await socket.waitFor((f) => f.reply_to === 'staff-a1' && f.event === 'done');
      await sleep(100);
      assert.ok(!JSON.stringify(socket.frames).includes('PRIVATE-NOTE-7c1'), 'the note is not on the shopper wire');
      const { socket: replayed } = await join(server, `${kind}-auth-other`); // another shopper sees nothing of it either
      await sleep(50);
      assert.ok(!JSON.stringify(replayed.frames).includes('PRIVATE-NOTE-7c1'));
      const view = (await staff(server, 'GET', `/staff/conversations/${session}`)).json;
      assert.deepEqual(view.entries.filter((e) => e.kind === 'note').map((e) => e.text), ['PRIVATE-NOTE-7c1 refund risk']);
      const illegal = await staff(server, 'POST', `/staff/conversations/${session}/take`, { name: 'Ben' });
      assert.equal(illegal.status, 409);
      assert.equal(illegal.json.error.code, 'illegal_transition');
    });
  });
}

describe('handoff: the staff API off, nobody online, an older widget', () => {
  let server;
  let off;
  before(async () => {
    server = await startTestServer({ staffToken: TOKEN, presenceMs: 300 });
    off = await startTestServer({});
  });
  after(async () => { closeAllSockets(); await server.close(); await off.close(); });

  test('without NATTER_STAFF_TOKEN every staff path is 404, with or without a credential', async () => {
    for (const [method, path] of [['GET', '/staff/conversations'], ['POST', '/staff/conversations/x/take'], ['POST', '/staff/presence']]) {
      assert.equal((await staff(off, method, path, method === 'POST' ? { name: 'Ana' } : undefined)).status, 404);
      assert.equal((await staff(off, method, path, method === 'POST' ? { name: 'Ana' } : undefined, { token: null })).status, 404);
    }
  });

  test('nobody online: the request answers control unavailable (the AI keeps the chat), and an email left is kept for staff', async () => {
    const { socket } = await shopper(server, 'nobody');
    socket.send({ type: 'handoff.request' });
    const unavailable = await controlEvent(socket, 'unavailable');
    assert.equal(unavailable.data.ask, 'email');
    socket.send({ type: 'handoff.email', email: 'ana@example.com' });
    await socket.waitFor((f) => f.type === 'handoff.email_saved');
    socket.send({ type: 'handoff.email', email: 'not an email' });
    assert.equal((await socket.waitFor((f) => f.type === 'error')).code, 'bad_frame');
    const view = (await staff(server, 'GET', '/staff/conversations/nobody')).json;
    assert.equal(view.control.state, 'ai');
    assert.deepEqual(view.entries.filter((e) => e.kind === 'email').map((e) => e.email), ['ana@example.com']);

    await staff(server, 'POST', '/staff/presence', { name: 'Ana' }); // online now; "online" lasts presenceMs
    socket.send({ type: 'handoff.request' });
    await controlEvent(socket, 'waiting');
    socket.send({ type: 'handoff.request' }); // already waiting: the table refuses it
    assert.equal((await socket.waitFor((f) => f.type === 'error' && f.code === 'handoff_refused')).state, 'waiting');
  });

  test('a widget that did not say features: ["handoff"] gets control events as a start it can apply: every seq in order', async () => {
    const { socket } = await join(server, 'legacy');
    await staff(server, 'POST', '/staff/conversations/legacy/take', { name: 'Ana' });
    await staff(server, 'POST', '/staff/conversations/legacy/reply', { message_id: 'l1', name: 'Ana', text: 'Hello' });
    await socket.waitFor((f) => f.reply_to === 'staff-l1' && f.event === 'done');
    const events = socket.events();
    assert.deepEqual(events.map((f) => f.seq), [1, 2, 3, 4]);
    assert.deepEqual(events.map((f) => f.event), ['start', 'start', 'delta', 'done']);
    assert.ok(events.every((f) => ['start', 'delta', 'card', 'done', 'error'].includes(f.event)));
  });
});

test("the openai adapter's handoff tool asks for a person with the model's summary, which staff read first", async () => {
  const model = await startFakeOpenAi(({ body }, res) => {
    if (body.messages.at(-1).role === 'tool') return streamChunks(res, textChunks('Meanwhile, ask me anything.'));
    return streamChunks(res, [...textChunks('Sure.'), ...toolCallChunks(0, 'call_h', 'handoff',
      ['{"reason":"wants a person","summary":"Order 1042 arrived broken; wants a refund, not a replacement."}']), finishChunk('tool_calls')]);
  });
  const agent = createOpenAiAgent({ baseUrl: model.baseUrl, model: 'fake-1', tools: createShopTools({ products: [] }) });
  const server = await startTestServer({ agent, staffToken: TOKEN });
  try {
    await staff(server, 'POST', '/staff/presence', { name: 'Ana' });
    const { socket } = await shopper(server, 'oa-handoff');
    socket.send(msg('oh-1', 'I want to talk to someone'));
    await socket.replyEnd('oh-1');
    const waiting = await controlEvent(socket, 'waiting');
    assert.equal(waiting.data.position, 1);
    const view = (await staff(server, 'GET', '/staff/conversations/oa-handoff')).json;
    assert.equal(view.control.state, 'waiting');
    assert.equal(view.handoff.by, 'agent');
    assert.equal(view.handoff.summary, 'Order 1042 arrived broken; wants a refund, not a replacement.');
  } finally {
    closeAllSockets();
    await server.close();
    await model.close();
  }
});

test('voice: while a person has the conversation the agent is not asked; what was said goes to the staff record', async () => {
  const { MemoryStore } = await import('../../tools/gateway/store/memory-store.mjs');
  const { createAgentRuns } = await import('../../tools/gateway/runs/agent-runs.mjs');
  const { createVoiceAgent } = await import('../../tools/gateway/voice/voice-agent.mjs');
  const store = await new MemoryStore().start();
  let called = 0;
  const agent = { name: 'count', paced: false, async* reply() { called += 1; yield { event: 'delta', data: { text: 'AI here' } }; } };
  const runs = createAgentRuns({ store, stats: { countAgentRun() {} }, tokenDelayMs: 0, agent });
  const answer = createVoiceAgent({ stt: { transcribe: async () => 'is anyone there' }, agentRuns: runs, store });
  await store.createSession('v1', {});
  assert.equal(await answer({ sessionId: 'v1', callId: 'c', utterance: 1, pcm: null }), 'AI here.', 'with the AI: answered (made speakable)');
  await store.changeControl('v1', 'take', { name: 'Ana' });
  assert.equal(await answer({ sessionId: 'v1', callId: 'c', utterance: 2, pcm: null }), null, 'with a person: nothing said');
  assert.equal(called, 1, 'the agent was asked once, before the takeover');
  assert.deepEqual((await store.staffEntries('v1')).map((e) => [e.kind, e.text, e.voice]), [['shopper', 'is anyone there', true]]);
});

test('a takeover stops a silent agent at once: its signal aborts, and the next message is kept for staff without waiting for it', async () => {
  const { setTimeout: wait } = await import('node:timers/promises');
  let aborted = false;
  const agent = {
    name: 'slow', paced: false,
    async* reply(turn, { signal }) {
      yield { event: 'delta', data: { text: 'Let me check…' } };
      try { await wait(10_000, undefined, { signal }); } catch (error) { aborted = true; throw error; }
      yield { event: 'delta', data: { text: 'never sent' } };
    },
  };
  const server = await startTestServer({ agent, staffToken: TOKEN });
  try {
    const { socket } = await shopper(server, 'silent');
    socket.send(msg('slow-1', 'anything in stock?'));
    await socket.waitFor((f) => f.reply_to === 'slow-1' && f.event === 'delta');
    await staff(server, 'POST', '/staff/conversations/silent/take', { name: 'Ana' });
    await controlEvent(socket, 'person');
    socket.send(msg('slow-2', 'hello?'));
    await socket.waitFor((f) => f.type === 'ack' && f.message_id === 'slow-2');
    const started = Date.now();
    for (;;) {
      const { entries } = (await staff(server, 'GET', '/staff/conversations/silent')).json;
      if (entries.some((e) => e.message_id === 'slow-2')) break;
      assert.ok(Date.now() - started < 2000, 'the next message waited for the silent agent');
      await sleep(20);
    }
    assert.equal(aborted, true, "the agent's signal aborted");
    assert.ok(!JSON.stringify(socket.frames).includes('never sent'));
  } finally {
    closeAllSockets();
    await server.close();
  }
});
