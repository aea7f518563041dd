// Messages over the live session: acks, the agent run once per message id
// (shared with POST /api/chat), replies as numbered events, turns in order,
// and replay of missed events on resume (S1 no duplicate turn, S3 order).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, parseEvents, postChat, replyText, request, startTestServer, stats } from './helpers.mjs';
import { closeAllSockets, detached, joinSession, msg, sleep } from './session-helpers.mjs';
import { replyEvents } from '../../tools/gateway/agents/demo/storefront-agent.mjs';
import { replyIdFor } from '../../tools/gateway/runs/agent-runs.mjs';

let server;
before(async () => { server = await startTestServer({ tokenDelayMs: 3, metrics: true }); });
after(async () => { closeAllSockets(); await server.close(); });
beforeEach(async () => { await request(server.url, { method: 'POST', path: '/__natter/reset' }); });

const expected = (id, text) => replyEvents({ replyId: replyIdFor(id), text });
const strip = (frames) => frames.map(({ event, data }) => ({ event, data }));
// Agent runs finished on this server ever (/metrics: a counter the test
// reset does not take back).
const runsDone = async () => {
  const line = (await request(server.url, { path: '/metrics' })).body.split('\n')
    .find((l) => l.startsWith('natter_agent_runs_finished_total{') && l.includes('outcome="done"'));
  return Number(line.split(' ').at(-1));
};

test('a msg is acked, then its reply streams as events numbered 1, 2, 3, …', async () => {
  const { socket } = await joinSession(server.url, { session: 'dl-basic' });
  socket.send(msg('dl-basic-1', 'do you have PS5 games?'));
  await socket.replyEnd('dl-basic-1');
  assert.deepEqual(socket.frames[1], { type: 'ack', message_id: 'dl-basic-1' });
  const events = socket.events();
  assert.deepEqual(events.map((f) => f.seq), events.map((_, i) => i + 1));
  assert.ok(events.every((f) => f.reply_to === 'dl-basic-1'));
  assert.deepEqual(strip(events), expected('dl-basic-1', 'do you have PS5 games?'));
  assert.equal(events.filter((f) => f.event === 'card').length, 3);
});

test('a duplicate msg is acked again and the agent runs once; nothing is streamed twice', async () => {
  const { socket } = await joinSession(server.url, { session: 'dl-dup' });
  socket.send(msg('dl-dup-1', 'hi'));
  socket.send(msg('dl-dup-1', 'hi')); // while the run is in progress
  await socket.replyEnd('dl-dup-1');
  socket.send(msg('dl-dup-1', 'hi')); // after it is done
  await socket.waitFor(() => socket.frames.filter((f) => f.type === 'ack').length === 3);
  await sleep(50);
  assert.equal(socket.events().filter((f) => f.event === 'start').length, 1);
  const s = await stats(server.url);
  assert.equal(s.agent_runs['dl-dup-1'], 1);
  assert.equal(s.requests['dl-dup-1'], 3);
});

test('the same id with a different text is error conflict, not acked, not run again', async () => {
  const { socket } = await joinSession(server.url, { session: 'dl-conflict' });
  socket.send(msg('dl-conflict-1', 'hi'));
  await socket.replyEnd('dl-conflict-1');
  socket.send(msg('dl-conflict-1', 'hello there'));
  const error = await socket.waitFor((f) => f.type === 'error');
  assert.equal(error.code, 'conflict');
  assert.equal(error.message_id, 'dl-conflict-1');
  assert.equal(socket.frames.filter((f) => f.type === 'ack').length, 1);
  assert.equal((await stats(server.url)).agent_runs['dl-conflict-1'], 1);
});

test('an id first sent over HTTP and then over the session runs the agent once', async () => {
  const text = 'can I trade in my old console?';
  // The session is opened first: once the conversation has a transcript, a
  // hello naming it without its resume token gets a session of its own
  // (session/conversation-owner.mjs).
  // A widget of today's features: the trade-in answer's suggestions arrive on both paths.
  const { socket } = await joinSession(server.url, { session: 'dl-hw', features: ['handoff', 'presence', 'suggestions'] });
  const http = await postChat(server.url, { key: 'dl-http-ws', conversation: 'dl-hw', text });
  assert.equal(http.status, 200);
  socket.send(msg('dl-http-ws', text));
  await socket.replyEnd('dl-http-ws');
  assert.equal(socket.frames[1].type, 'ack');
  assert.deepEqual(strip(socket.events()), parseEvents(http.body));
  const s = await stats(server.url);
  assert.equal(s.agent_runs['dl-http-ws'], 1);
  assert.equal(s.requests['dl-http-ws'], 2);
});

test('an id first sent over the session and then over HTTP runs the agent once', async () => {
  const { socket } = await joinSession(server.url, { session: 'dl-wh' });
  socket.send(msg('dl-ws-http', 'hi'));
  await socket.waitFor((f) => f.type === 'event'); // joined while still running
  const http = await postChat(server.url, { key: 'dl-ws-http', conversation: 'dl-wh', text: 'hi' });
  await socket.replyEnd('dl-ws-http');
  assert.equal(http.status, 200);
  assert.equal(http.headers['idempotent-replayed'] ?? 'started', 'joined');
  assert.equal(replyText(parseEvents(http.body)), replyText(socket.events()));
  assert.equal((await stats(server.url)).agent_runs['dl-ws-http'], 1);
});

test('an id held by HTTP for another conversation or text is a conflict over the session', async () => {
  await postChat(server.url, { key: 'dl-hw-conflict', conversation: 'elsewhere', text: 'hi' });
  const { socket } = await joinSession(server.url, { session: 'dl-hwc' });
  socket.send(msg('dl-hw-conflict', 'hi'));
  assert.equal((await socket.waitFor((f) => f.type === 'error')).code, 'conflict');
  await sleep(30);
  assert.deepEqual(socket.frames.map((f) => f.type), ['welcome', 'error'], 'a conflict is not acked');
  assert.equal((await stats(server.url)).agent_runs['dl-hw-conflict'], 1);
});

test('turns keep arrival order: each reply is complete before the next one starts', async () => {
  const { socket } = await joinSession(server.url, { session: 'dl-order' });
  const ids = ['dl-order-1', 'dl-order-2', 'dl-order-3'];
  const texts = ['do you have PS5 games?', 'hi', 'headset under 50'];
  ids.forEach((id, i) => socket.send(msg(id, texts[i])));
  await socket.replyEnd('dl-order-3');
  assert.deepEqual(socket.frames.filter((f) => f.type === 'ack').map((f) => f.message_id), ids);
  const events = socket.events();
  assert.deepEqual(events.map((f) => f.seq), events.map((_, i) => i + 1));
  const owners = events.map((f) => f.reply_to).filter((id, i, all) => id !== all[i - 1]);
  assert.deepEqual(owners, ids, 'no interleaving');
  ids.forEach((id, i) => assert.deepEqual(strip(socket.events(id)), expected(id, texts[i])));
});

test('a dropped connection resumes and gets exactly the missed events, by seq', async () => {
  const { socket, welcome } = await joinSession(server.url, { session: 'dl-resume' });
  socket.send(msg('dl-resume-1', 'do you have PS5 games?'));
  await socket.waitFor((f) => f.type === 'event' && f.seq >= 4);
  await request(server.url, { method: 'POST', path: '/__natter/session/kill' });
  assert.equal((await socket.waitClosed()).code, 1006);
  const last = socket.lastSeq;
  await detached(server.url, 'dl-resume', stats);
  const again = await joinSession(server.url, { session: 'dl-resume', token: welcome.resume_token, last });
  assert.equal(again.welcome.resumed, true);
  assert.deepEqual(again.welcome.acked, ['dl-resume-1']);
  await again.socket.replyEnd('dl-resume-1');
  const seqs = again.socket.events().map((f) => f.seq);
  assert.equal(seqs[0], last + 1);
  assert.deepEqual(seqs, seqs.map((_, i) => last + 1 + i));
  const all = [...socket.events(), ...again.socket.events()];
  assert.deepEqual(strip(all), expected('dl-resume-1', 'do you have PS5 games?'));
  assert.equal((await stats(server.url)).agent_runs['dl-resume-1'], 1);
});

test('a reply made while no connection is open is replayed whole on resume', async () => {
  const { socket, welcome } = await joinSession(server.url, { session: 'dl-away' });
  const doneBefore = await runsDone();
  socket.send(msg('dl-away-1', 'hi'));
  await socket.waitFor((f) => f.type === 'ack');
  await socket.terminate();
  await eventually(async () => (await runsDone()) === doneBefore + 1, 5000, 'the reply to finish while no connection is open');
  const again = await joinSession(server.url, { session: 'dl-away', token: welcome.resume_token, last: 0 });
  assert.equal(again.welcome.resumed, true);
  await again.socket.replyEnd('dl-away-1');
  assert.deepEqual(strip(again.socket.events()), expected('dl-away-1', 'hi'));
  assert.equal(again.welcome.event_seq, again.socket.events().length);
});

test('after the resume window the session is gone: resumed false, acked empty, seq from 0', async () => {
  const quick = await startTestServer({ tokenDelayMs: 1, resumeWindowMs: 150 });
  try {
    const { socket, welcome } = await joinSession(quick.url, { session: 'dl-expire' });
    socket.send(msg('dl-expire-1', 'hi'));
    await socket.replyEnd('dl-expire-1');
    await socket.close();
    await detached(quick.url, 'dl-expire', stats);
    const within = await joinSession(quick.url, { session: 'dl-expire', token: welcome.resume_token, last: 0 });
    assert.equal(within.welcome.resumed, true, 'still held inside the window');
    await within.socket.close();
    await detached(quick.url, 'dl-expire', stats);
    await sleep(250);
    const late = await joinSession(quick.url, { session: 'dl-expire', token: welcome.resume_token, last: 9 });
    assert.equal(late.welcome.resumed, false);
    assert.deepEqual(late.welcome.acked, []);
    assert.equal(late.welcome.event_seq, 0);
    late.socket.send(msg('dl-expire-1', 'hi')); // the outbox re-sent: deduped by the idempotency store
    await late.socket.replyEnd('dl-expire-1');
    assert.equal(late.socket.events()[0].seq, 1);
    assert.equal((await stats(quick.url)).agent_runs['dl-expire-1'], 1);
  } finally {
    closeAllSockets();
    await quick.close();
  }
});
