// Injected faults (POST /__natter/faults): each /api/chat request takes the
// next one, and the agent still runs at most once per key.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, parseEvents, postChat, queueFaults, replyText, request, startTestServer, stats }
  from './helpers.mjs';

let server;
before(async () => { server = await startTestServer({ tokenDelayMs: 1 }); });
after(async () => { await server.close(); });
beforeEach(async () => { await request(server.url, { method: 'POST', path: '/__natter/reset' }); });

test('reset_before_response loses the answer, and the retry gets the whole reply from the one run', async () => {
  await queueFaults(server.url, [{ action: 'reset_before_response' }]);
  const lost = await postChat(server.url, { key: 'rbr-1', text: 'do you have PS5 games?' });
  assert.equal(lost.reset, true);
  assert.equal(lost.status, null);
  assert.equal((await stats(server.url)).agent_runs['rbr-1'], 1);
  const retry = await postChat(server.url, { key: 'rbr-1', text: 'do you have PS5 games?' });
  assert.equal(retry.status, 200);
  const events = parseEvents(retry.body);
  assert.equal(events[0].event, 'start');
  assert.equal(events.at(-1).event, 'done');
  assert.equal(events.filter((e) => e.event === 'card').length, 3);
  const s = await stats(server.url);
  assert.equal(s.agent_runs['rbr-1'], 1);
  assert.equal(s.requests['rbr-1'], 2);
  await eventually(() => server.lines.some((l) => /POST \/api\/chat reset key=rbr-1 \d+ms$/.test(l)));
});

test('reset_mid_stream sends N events then cuts; the retry replays the whole reply', async () => {
  await queueFaults(server.url, [{ action: 'reset_mid_stream', after_events: 3 }]);
  const cut = await postChat(server.url, { key: 'rms-1', text: 'hi' });
  assert.equal(cut.status, 200);
  assert.equal(cut.reset, true);
  const partial = parseEvents(cut.body);
  assert.deepEqual(partial.map((e) => e.event), ['start', 'delta', 'delta']);
  const retry = await postChat(server.url, { key: 'rms-1', text: 'hi' });
  const full = parseEvents(retry.body);
  assert.deepEqual(full.slice(0, 3), partial);
  assert.equal(full.at(-1).event, 'done');
  assert.equal((await stats(server.url)).agent_runs['rms-1'], 1);
});

test('reset_mid_stream with after_events 0 cuts right after the headers', async () => {
  await queueFaults(server.url, [{ action: 'reset_mid_stream', after_events: 0 }]);
  const cut = await postChat(server.url, { key: 'rms-2', text: 'hi' });
  assert.equal(cut.status, 200);
  assert.equal(cut.reset, true);
  assert.equal(cut.body, '');
});

test('status answers with that status and Retry-After without running the agent', async () => {
  await queueFaults(server.url, [{ action: 'status', status: 503, retry_after_s: 1 }, { action: 'status', status: 429 }]);
  const first = await postChat(server.url, { key: 'st-1', text: 'hi' });
  assert.equal(first.status, 503);
  assert.equal(first.headers['retry-after'], '1');
  assert.equal(first.headers['access-control-allow-origin'], '*');
  const second = await postChat(server.url, { key: 'st-1', text: 'hi' });
  assert.equal(second.status, 429);
  assert.equal(second.headers['retry-after'], undefined);
  assert.equal((await stats(server.url)).agent_runs['st-1'], undefined);
  const third = await postChat(server.url, { key: 'st-1', text: 'hi' });
  assert.equal(third.status, 200);
  const s = await stats(server.url);
  assert.equal(s.agent_runs['st-1'], 1);
  assert.equal(s.requests['st-1'], 3);
});

test('delay_ms holds the response back for that long', async () => {
  await queueFaults(server.url, [{ action: 'delay_ms', ms: 300 }]);
  const started = Date.now();
  const res = await postChat(server.url, { text: 'hi' });
  assert.equal(res.status, 200);
  assert.ok(Date.now() - started >= 290, `answered after ${Date.now() - started}ms`);
  // One request took the fault: none is left for the next (no wall-clock upper bound).
  assert.equal((await queueFaults(server.url, [])).queued, 0, 'the fault applied to more than one request');
});

test('agent_text makes the agent say exactly that text, markup and all', async () => {
  const evil = 'Look <img src=x onerror=alert(1)> and [click](javascript:alert(1)) **now**';
  await queueFaults(server.url, [{ action: 'agent_text', text: evil }]);
  const res = await postChat(server.url, { key: 'at-1', text: 'do you have PS5 games?' });
  const events = parseEvents(res.body);
  assert.equal(replyText(events), evil);
  assert.equal(events.filter((e) => e.event === 'card').length, 0);
  const replay = await postChat(server.url, { key: 'at-1', text: 'do you have PS5 games?' });
  assert.equal(replyText(parseEvents(replay.body)), evil);
});

test('faults are taken in order, one per request, including rejected requests', async () => {
  await queueFaults(server.url, [{ action: 'status', status: 500 }, { action: 'status', status: 502 }]);
  assert.equal((await postChat(server.url, { text: '   ' })).status, 500);
  assert.equal((await postChat(server.url, { text: 'hi' })).status, 502);
  assert.equal((await postChat(server.url, { text: 'hi' })).status, 200);
});

test('a malformed fault list is refused and queues nothing', async () => {
  for (const body of ['{"chat": [{"action": "explode"}]}', '{"chat": [{"action": "status", "status": 200}]}',
    '{"chat": [{"action": "status", "status": 503}, {"action": "reset_mid_stream"}]}', '{}', 'nope']) {
    const res = await request(server.url, { method: 'POST', path: '/__natter/faults', body });
    assert.equal(res.status, 400, body);
  }
  assert.equal((await postChat(server.url, { text: 'hi' })).status, 200);
});

test('reset clears queued faults', async () => {
  await queueFaults(server.url, [{ action: 'status', status: 503 }]);
  await request(server.url, { method: 'POST', path: '/__natter/reset' });
  assert.equal((await postChat(server.url, { text: 'hi' })).status, 200);
});
