// /metrics: off unless enabled, Prometheus text that Debian's promtool
// accepts after real traffic, the gateway's own series counting that
// traffic, and no conversation id or shopper text in any label
// (docs/operating.md, "Metrics").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { postChat, request, startTestServer } from './helpers.mjs';
import { connect, joinSession, msg, closeAllSockets } from './session-helpers.mjs';

// The value of the sample `name` whose labels include `labels`, or undefined.
function sample(text, name, labels = {}) {
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const has = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => has[k] === v)) return Number(m[3]);
  }
  return undefined;
}

function promtool(text) {
  return spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
}

test('/metrics is 404 unless enabled; /healthz and /readyz are always there', async () => {
  const server = await startTestServer({ metrics: false, metricsPort: null });
  try {
    assert.equal((await request(server.url, { path: '/metrics' })).status, 404);
    assert.equal((await request(server.url, { path: '/healthz' })).status, 200);
    assert.equal(server.metricsUrl, null);
  } finally {
    await server.close();
  }
});

test('after chat traffic, /metrics counts it and promtool check metrics accepts the text', async () => {
  const server = await startTestServer({ metrics: true });
  const conversation = 'conv-Secret0042-metrics-label-check';
  const text = 'my address is 12 Secret Street';
  try {
    for (let i = 0; i < 3; i += 1) {
      const answer = await postChat(server.url, { conversation, text });
      assert.equal(answer.status, 200, answer.body);
    }
    const { socket } = await joinSession(server.url, { session: conversation });
    socket.send(msg('m-ws-1', text));
    assert.equal((await socket.replyEnd('m-ws-1')).event, 'done');
    assert.equal((await postChat(server.url, { body: '{"nope": 1}' })).status, 400);
    assert.equal((await request(server.url, { method: 'DELETE', path: '/api/chat' })).status, 405);

    const answer = await request(server.url, { path: '/metrics' });
    assert.equal(answer.status, 200);
    assert.match(answer.headers['content-type'], /^text\/plain; version=0\.0\.4/);
    const body = answer.body;
    assert.equal(sample(body, 'natter_messages_received_total', { gateway: server.instance }), 5, body);
    assert.ok(sample(body, 'natter_agent_runs_started_total', { gateway: server.instance }) >= 3, body);
    assert.ok(sample(body, 'natter_agent_runs_finished_total', { gateway: server.instance, outcome: "done" }) >= 3, body);
    assert.ok(sample(body, 'natter_agent_run_seconds_count', { gateway: server.instance, outcome: "done" }) >= 3, body);
    assert.equal(sample(body, 'natter_http_errors_total', { gateway: server.instance, status: "400", code: "missing_field" }), 1, body);
    assert.equal(sample(body, 'natter_http_errors_total', { gateway: server.instance, status: "405", code: "method_not_allowed" }), 1, body);
    assert.equal(sample(body, 'natter_sessions_live', { gateway: server.instance }), 1, body);
    assert.equal(sample(body, 'natter_voice_calls_live', { gateway: server.instance }), 0, body);
    assert.equal(sample(body, 'natter_staff_queue_length', { gateway: server.instance }), 0, body);
    assert.equal(sample(body, 'natter_limits_hit_total', { gateway: server.instance, limit: "http_rate_limited" }), 0, body);
    assert.ok(sample(body, 'natter_store_operation_seconds_count', { gateway: server.instance, op: "claimRun", result: "ok" }) >= 3, body);
    assert.ok(body.includes('natter_process_cpu_user_seconds_total'), 'the process defaults are there too');
    for (const secret of ['Secret0042', 'Secret Street', '127.0.0.1']) assert.ok(!body.includes(secret), secret);

    const checked = promtool(body);
    assert.equal(checked.status, 0, `${checked.stdout}${checked.stderr}`);
    assert.equal(promtool('natter_bad{code=oops} 1\n').status === 0, false, 'promtool rejects broken text');
  } finally {
    closeAllSockets();
    await server.close();
  }
});

test('limits hit count the per-client bounds (429 rate_limited), by bound name', async () => {
  const server = await startTestServer({ metrics: true, limits: { chatPerConversation: 1 } });
  try {
    const codes = [];
    for (let i = 0; i < 3; i += 1) codes.push((await postChat(server.url, { conversation: 'c-limit' })).status);
    assert.ok(codes.includes(429), `statuses ${codes}`);
    const body = (await request(server.url, { path: '/metrics' })).body;
    const hits = codes.filter((c) => c === 429).length;
    assert.equal(sample(body, 'natter_limits_hit_total', { gateway: server.instance, limit: "http_rate_limited" }), hits, body);
    assert.equal(sample(body, 'natter_http_errors_total', { gateway: server.instance, status: "429", code: "rate_limited" }), hits, body);
  } finally {
    await server.close();
  }
});

test('limits hit count the live session\'s bounds: sockets per address and the message rate', async () => {
  const server = await startTestServer({ metrics: true, bounds: { maxSocketsPerAddress: 1, sendBurst: 1, sendPerSecond: 1 } });
  try {
    const { socket } = await joinSession(server.url, { session: 'ops-limits' });
    const second = await connect(server.url);
    assert.equal((await second.waitClosed()).code, 1013);
    for (const id of ['l-1', 'l-2', 'l-3']) socket.send(msg(id, 'hi'));
    await socket.waitFor((f) => f.type === 'error' && f.message_id === 'l-3' && f.code === 'rate_limited');
    await socket.waitFor((f) => f.type === 'error' && f.message_id === 'l-2' && f.code === 'rate_limited');
    const body = (await request(server.url, { path: '/metrics' })).body;
    assert.equal(sample(body, 'natter_limits_hit_total', { limit: 'ws_sockets_per_address' }), 1, body);
    assert.equal(sample(body, 'natter_limits_hit_total', { limit: 'ws_messages_rate_limited' }), 2, body);
    assert.equal(sample(body, 'natter_limits_hit_total', { limit: 'ws_slow_reader' }), 0, body);
  } finally {
    closeAllSockets();
    await server.close();
  }
});

test('metricsPort serves /metrics on a listener of its own; the serving port does not', async () => {
  const server = await startTestServer({ metrics: false, metricsPort: 0 });
  try {
    assert.match(server.metricsUrl, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    assert.notEqual(new URL(server.metricsUrl).port, String(server.port));
    assert.equal((await request(server.url, { path: '/metrics' })).status, 404);
    const own = await request(new URL('/', server.metricsUrl).href, { path: '/metrics' });
    assert.equal(own.status, 200);
    assert.match(own.body, /^# HELP natter_/m);
    assert.equal((await request(new URL('/', server.metricsUrl).href, { path: '/readyz' })).status, 200);
    assert.equal((await request(new URL('/', server.metricsUrl).href, { path: '/api/chat' })).status, 404);
  } finally {
    await server.close();
  }
});
