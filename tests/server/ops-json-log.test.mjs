// logFormat 'json' (NATTER_LOG_FORMAT=json): one JSON object per line with
// time, level, instance, component, msg and an 8-character id prefix, never
// a whole id, shopper text, an email or a query string (docs/operating.md,
// "Logs"). The default stays the plain `[server] ...` lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { postChat, request, startTestServer } from './helpers.mjs';
import { closeAllSockets, joinSession, msg } from './session-helpers.mjs';
import { createJsonLog } from '../../tools/gateway/ops/json-log.mjs';

test('a JSON gateway logs each request and session as one object per line, ids cut to 8 characters', async () => {
  const server = await startTestServer({ logFormat: 'json' });
  const key = randomUUID();
  const session = `sess-${randomUUID()}`;
  try {
    // Its own conversation: a hello naming a conversation that has a
    // transcript, without its resume token, gets a new id (session/conversation-owner.mjs).
    assert.equal((await postChat(server.url, { key, conversation: `conv-${randomUUID()}`, text: 'ship to me@example.org' })).status, 200);
    assert.equal((await request(server.url, { path: '/nope?email=me@example.org' })).status, 404);
    const { socket } = await joinSession(server.url, { session });
    socket.send(msg('m-1', 'hello'));
    await socket.replyEnd('m-1');
    await socket.close();
    const objects = server.lines.map((line) => JSON.parse(line)); // throws on a line that is not JSON
    for (const o of objects) {
      assert.deepEqual(Object.keys(o).slice(0, 3), ['level', 'time', 'instance'], JSON.stringify(o));
      assert.equal(o.instance, server.instance);
      assert.match(o.time, /^\d{4}-\d\d-\d\dT/);
      assert.ok(['info', 'warn', 'error'].includes(o.level));
      assert.equal(typeof o.msg, 'string');
    }
    const chat = objects.find((o) => o.msg.startsWith('POST /api/chat 200'));
    assert.ok(chat, JSON.stringify(objects));
    assert.equal(chat.id, key.slice(0, 8));
    assert.equal(chat.component, 'server');
    assert.ok(objects.some((o) => o.msg.startsWith('GET /nope 404')), JSON.stringify(objects));
    assert.ok(objects.some((o) => o.id === session.slice(0, 8) && /session=/.test(o.msg)), JSON.stringify(objects));
    const all = server.lines.join('\n');
    for (const secret of [key, session, 'me@example.org', 'ship to']) assert.ok(!all.includes(secret), `${secret} in ${all}`);
  } finally {
    closeAllSockets();
    await server.close();
  }
});

test('the JSON log keeps a line\'s meaning but not quoted text, emails or whole ids; levels follow the line', () => {
  const lines = [];
  const log = createJsonLog({ instance: 'gw-test', write: (line) => lines.push(JSON.parse(line)) });
  log('[agent] handoff requested in conversation 4fJk29sLqPz8XyTr0w: "refund please, me@example.org"');
  log('[server] voice: heard "my card number" (call c1, utterance 2)');
  log('[server] POST /api/chat 503 key=3f0c1a9e 12ms');
  log('[server] GET /api/session refused: 256 sockets open from one address');
  log('[store] redis: connect ECONNREFUSED 127.0.0.1:6379');
  log('[server] GET /api/session?email=me@example.org&c=Xy0123456789abcdefgh upgrade refused');
  assert.equal(lines[0].msg, 'handoff requested in conversation 4fJk29sL…: [text]');
  assert.equal(lines[0].component, 'agent');
  assert.equal(lines[1].msg, 'voice: heard [text] (call c1, utterance 2)');
  assert.deepEqual(lines.map((l) => l.level), ['info', 'info', 'error', 'warn', 'error', 'warn']);
  assert.equal(lines[5].msg, 'GET /api/session?… upgrade refused');
  assert.equal(lines[2].id, '3f0c1a9e');
});

test('the default log format stays the plain [server] lines', async () => {
  const server = await startTestServer({ logFormat: 'text' });
  try {
    await postChat(server.url, {});
    assert.ok(server.lines.some((l) => /^\[server\] POST \/api\/chat 200 key=\w{8} \d+ms$/.test(l)), server.lines.join('\n'));
  } finally {
    await server.close();
  }
});
