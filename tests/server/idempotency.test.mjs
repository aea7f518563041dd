// The agent runs at most once per Idempotency-Key: repeats replay, concurrent
// duplicates join the run in progress, a changed body is refused, and a
// client that goes away does not stop the run.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { eventually, parseEvents, postChat, replyText, request, startTestServer, stats, conversationKeyFor } from './helpers.mjs';

let server;
before(async () => { server = await startTestServer({ tokenDelayMs: 2 }); });
after(async () => { await server.close(); });
beforeEach(async () => { await request(server.url, { method: 'POST', path: '/__natter/reset' }); });

test('the same key twice runs the agent once and replays the identical reply', async () => {
  const first = await postChat(server.url, { key: 'dup-1', text: 'do you have PS5 games?' });
  const second = await postChat(server.url, { key: 'dup-1', text: 'do you have PS5 games?' });
  assert.equal(first.status, 200);
  assert.equal(second.status, 200);
  assert.equal(second.headers['idempotent-replayed'], 'replayed');
  assert.equal(first.headers['idempotent-replayed'], undefined);
  assert.deepEqual(parseEvents(second.body), parseEvents(first.body));
  assert.equal(second.body, first.body);
  const s = await stats(server.url);
  assert.equal(s.agent_runs['dup-1'], 1);
  assert.equal(s.requests['dup-1'], 2);
  assert.equal(s.total_requests, 2);
});

test('concurrent duplicates join one run and both get the full reply', async () => {
  const text = 'can I trade in my old console?';
  const [a, b, c] = await Promise.all([1, 2, 3].map(() => postChat(server.url, { key: 'dup-2', text })));
  for (const res of [a, b, c]) {
    assert.equal(res.status, 200);
    assert.equal(parseEvents(res.body).at(-1).event, 'done');
    assert.equal(res.body, a.body);
  }
  assert.deepEqual([a, b, c].map((r) => r.headers['idempotent-replayed'] ?? 'started').sort(),
    ['joined', 'joined', 'started']);
  assert.match(replyText(parseEvents(a.body)), /\[trade-in page\]\(https:\/\/shop\.example\/trade-in\)/);
  assert.equal((await stats(server.url)).agent_runs['dup-2'], 1);
});

test('a joiner that arrives mid-reply gets the events so far at once, then the rest', async () => {
  const slow = await startTestServer({ tokenDelayMs: 25 });
  try {
    const first = postChat(slow.url, { key: 'join-late', text: 'do you have PS5 games?' });
    await new Promise((r) => setTimeout(r, 200)); // several deltas in
    const second = await postChat(slow.url, { key: 'join-late', text: 'do you have PS5 games?' });
    assert.equal(second.headers['idempotent-replayed'], 'joined');
    assert.equal(second.body, (await first).body);
    assert.equal((await stats(slow.url)).agent_runs['join-late'], 1);
  } finally {
    await slow.close();
  }
});

test('the same key with a different text is 422 key_reused', async () => {
  await postChat(server.url, { key: 'dup-3', text: 'hi' });
  const res = await postChat(server.url, { key: 'dup-3', text: 'hello' });
  assert.equal(res.status, 422);
  assert.equal(JSON.parse(res.body).error.code, 'key_reused');
  assert.equal((await stats(server.url)).agent_runs['dup-3'], 1);
});

test('the same key with a different conversation is 422 even while the first still runs', async () => {
  const first = postChat(server.url, { key: 'dup-4', text: 'do you have PS5 games?', conversation: 'a' });
  const res = await postChat(server.url, { key: 'dup-4', text: 'do you have PS5 games?', conversation: 'b' });
  assert.equal(res.status, 422);
  assert.equal((await first).status, 200);
});

test('a body with the same fields but different JSON spacing counts as the same body', async () => {
  const body = { message_id: 'dup-5', conversation_id: 'c', conversation_key: conversationKeyFor('c'), text: 'hi' };
  const a = await postChat(server.url, { key: 'dup-5', body: JSON.stringify(body) });
  const b = await postChat(server.url, { key: 'dup-5', body: JSON.stringify(body, null, 2) });
  assert.equal(b.status, 200);
  assert.equal(b.body, a.body);
});

test('a client that disconnects mid-stream does not stop the run; a retry replays it whole', async () => {
  const slow = await startTestServer({ tokenDelayMs: 10 });
  try {
    const cut = await new Promise((resolve) => {
      const req = http.request(new URL('/api/chat', slow.url), { method: 'POST', agent: false,
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'gone-1' } });
      req.on('response', (res) => res.once('data', () => { req.destroy(); resolve(true); }));
      req.end(JSON.stringify({ message_id: 'gone-1', conversation_id: 'c', conversation_key: conversationKeyFor('c'), text: 'do you have PS5 games?' }));
    });
    assert.ok(cut);
    const retry = await postChat(slow.url, { key: 'gone-1', conversation: 'c', text: 'do you have PS5 games?' });
    const events = parseEvents(retry.body);
    assert.equal(events[0].event, 'start');
    assert.equal(events.at(-1).event, 'done');
    assert.equal(events.filter((e) => e.event === 'card').length, 3);
    assert.equal((await stats(slow.url)).agent_runs['gone-1'], 1);
    await eventually(() => slow.lines.some((l) => /POST \/api\/chat 200 key=gone-1 \d+ms \(cut\)$/.test(l)));
  } finally {
    await slow.close();
  }
});

test('reset forgets stored replies, counters and faults', async () => {
  await postChat(server.url, { key: 'dup-6', text: 'hi' });
  const counted = await stats(server.url);
  assert.deepEqual([counted.agent_runs, Object.values(counted.agent_runs_by_conversation)], [{ 'dup-6': 1 }, [1]], 'counted per message and per conversation');
  await request(server.url, { method: 'POST', path: '/__natter/reset' });
  const { voice, ...rest } = await stats(server.url);
  assert.deepEqual(rest, { requests: {}, agent_runs: {}, agent_runs_by_conversation: {}, total_requests: 0, ws_connections_open: {}, replacements: 0 });
  assert.ok(Object.keys(voice).length >= 6, 'the voice counters are there');
  assert.deepEqual(Object.entries(voice).filter(([, n]) => n !== 0), [], 'every voice counter back at 0');
  const again = await postChat(server.url, { key: 'dup-6', text: 'hello' });
  assert.equal(again.status, 200);
  assert.equal((await stats(server.url)).agent_runs['dup-6'], 1);
});

test('close() ends open reply streams promptly', async () => {
  const slow = await startTestServer({ tokenDelayMs: 1000 });
  const pending = postChat(slow.url, { key: 'slow-1', text: 'do you have PS5 games?' });
  await eventually(async () => (await stats(slow.url)).agent_runs['slow-1'] === 1);
  await slow.close();
  const res = await pending;
  // Promptly: the stream was cut, not played out (a reply at 1 s per token
  // would otherwise end with its done event).
  assert.equal(res.reset, true);
  assert.doesNotMatch(res.body, /event: done/);
});

test('a replay is paced like the original run', async () => {
  const slow = await startTestServer({ tokenDelayMs: 15 });
  try {
    const first = await postChat(slow.url, { key: 'paced-1', text: 'hi' });
    const deltas = parseEvents(first.body).filter((e) => e.event === 'delta').length;
    const started = Date.now();
    const replay = await postChat(slow.url, { key: 'paced-1', text: 'hi' });
    assert.equal(replay.headers['idempotent-replayed'], 'replayed');
    assert.ok(Date.now() - started >= deltas * 15 * 0.8, `replay of ${deltas} deltas came too fast`);
  } finally {
    await slow.close();
  }
});
