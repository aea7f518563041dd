// The visitor (natter('identify')) at the reference server: checked in a
// chat POST body, a hello and an identify frame (a bad one is a clear 400 or
// bad_frame, never a crash), kept per conversation, and used by the scripted
// agent ("Hi Ana!").
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chatBody, parseEvents, postChat, replyText, request, startTestServer, stats } from './helpers.mjs';
import { closeAllSockets, connect, helloFrame, joinSession, msg } from './session-helpers.mjs';
import { checkVisitor } from '../../tools/gateway/auth/visitor.mjs';
import { composeReply } from '../../tools/gateway/agents/demo/storefront-agent.mjs';

let server;
before(async () => { server = await startTestServer(); });
after(async () => { closeAllSockets(); await server.close(); });
beforeEach(async () => { await request(server.url, { method: 'POST', path: '/__natter/reset' }); });

const ana = { id: 'u-7', name: 'Ana', email: 'ana@example.com' };
// Whether the server holds exactly `visitor` for the conversation (the test
// control never says who the shopper is).
const holds = async (conversation, visitor) => JSON.parse((await request(server.url, {
  method: 'POST', path: '/__natter/visitor/matches', headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ conversation_id: conversation, visitor }),
})).body).matches;
const postWith = (visitor, { text = 'hi', conversation = 'conv-v', key = randomUUID() } = {}) => postChat(server.url, {
  key, body: JSON.stringify({ ...chatBody({ key, conversation, text }), visitor }),
});
const sessionReply = async (socket, text) => {
  const id = randomUUID();
  socket.send(msg(id, text));
  await socket.replyEnd(id);
  return socket.events(id).filter((f) => f.event === 'delta').map((f) => f.data.text).join('');
};

test('checkVisitor keeps trimmed strings and refuses each broken rule naming the key', () => {
  assert.deepEqual(checkVisitor({ id: ' u-7 ', name: 'Ana', email: null }), { ok: true, visitor: { id: 'u-7', name: 'Ana' } });
  assert.deepEqual(checkVisitor(null), { ok: true, visitor: null });
  assert.deepEqual(checkVisitor(undefined), { ok: true, visitor: null });
  const refusals = [
    [{ id: 7 }, 'id', /visitor\.id must be a string/],
    [{ id: 'x'.repeat(129) }, 'id', /at most 128/],
    [{ name: 'A\u0007' }, 'name', /control characters/],
    [{ name: 'x'.repeat(101) }, 'name', /at most 100/],
    [{ email: `${'x'.repeat(250)}@x.com` }, 'email', /at most 254/],
    [{ email: 'ana@@x.com' }, 'email', /not an email address/],
    [{ email: 'ana@localhost' }, 'email', /not an email address/],
    [{ email: '@x.com' }, 'email', /not an email address/],
    [{ id: 'u', phone: '1' }, 'phone', /unknown key "phone"/],
    [{}, '', /at least one of id, name, email/],
    [{ name: '   ' }, '', /at least one of id, name, email/],
    ['Ana', '', /must be an object/],
    [['Ana'], '', /must be an object/],
  ];
  for (const [value, key, message] of refusals) {
    const checked = checkVisitor(value);
    assert.equal(checked.ok, false, JSON.stringify(value));
    assert.equal(checked.key, key, JSON.stringify(value));
    assert.match(checked.message, message);
  }
});

test('the agent greets a named visitor by name, and a name cannot add Markdown', () => {
  assert.match(composeReply('hi', ana).text, /^Hi Ana! I'm the /);
  assert.match(composeReply('hi', { id: 'u-7' }).text, /^Hi! /);
  assert.match(composeReply('hi', null).text, /^Hi! /);
  assert.match(composeReply('hi', { name: '[Ana](https://evil.example) **B**' }).text, /^Hi Anahttps:\/\/evil\.example B! /);
});

test('a chat POST with a visitor gets a reply that uses the name, and the conversation keeps it', async () => {
  const res = await postWith(ana);
  assert.equal(res.status, 200);
  assert.match(replyText(parseEvents(res.body)), /^Hi Ana! /);
  assert.equal(await holds('conv-v', ana), true);
  assert.equal(await holds('conv-v', { ...ana, name: 'Bo' }), false, 'a different visitor does not match');
  const anonymous = await postChat(server.url, { conversation: 'conv-v', text: 'hello' });
  assert.match(replyText(parseEvents(anonymous.body)), /^Hi! /);
  assert.equal(await holds('conv-v', null), true, 'the widget forgot the visitor: so does the server');
  assert.equal(await holds('conv-v', ana), false);
});

test('a chat POST with a bad visitor is a 400 naming the key, and the agent does not run', async () => {
  const key = randomUUID();
  const res = await postWith({ name: 'Ana', email: 'ana-at-example.com' }, { key });
  assert.equal(res.status, 400);
  const body = JSON.parse(res.body);
  assert.equal(body.error.code, 'bad_visitor');
  assert.match(body.error.message, /visitor\.email is not an email address/);
  assert.equal((await stats(server.url)).agent_runs[key], undefined);
  assert.equal(await holds('conv-v', null), true);
});

test('a hello with a visitor: replies use the name; the test control shows it', async () => {
  const { socket } = await joinSession(server.url, { session: 'vs-hello' });
  assert.match(await sessionReply(socket, 'hi'), /^Hi! /);
  const named = await connect(server.url);
  named.send({ ...helloFrame({ session: 'vs-named' }), visitor: ana });
  await named.waitFor((f) => f.type === 'welcome');
  assert.match(await sessionReply(named, 'hello'), /^Hi Ana! /);
  assert.equal(await holds('vs-named', ana), true);
});

test('an identify frame changes the name for the next turns; null forgets it', async () => {
  const { socket } = await joinSession(server.url, { session: 'vs-identify' });
  socket.send({ type: 'identify', visitor: { name: 'Ana' } });
  assert.match(await sessionReply(socket, 'hi'), /^Hi Ana! /);
  socket.send({ type: 'identify', visitor: null });
  assert.match(await sessionReply(socket, 'hi'), /^Hi! /);
  assert.equal(await holds('vs-identify', null), true);
});

test('bad visitors in a hello or an identify frame are bad_frame errors; the connection stays usable', async () => {
  const socket = await connect(server.url);
  socket.send({ ...helloFrame({ session: 'vs-bad' }), visitor: { email: 'nope' } });
  const helloError = await socket.waitFor((f) => f.type === 'error');
  assert.equal(helloError.code, 'bad_frame');
  assert.match(helloError.message, /^hello: visitor\.email is not an email address/);
  assert.equal(socket.frames.some((f) => f.type === 'welcome'), false);

  socket.send({ type: 'identify', visitor: ana });
  const early = await socket.waitFor((f) => f.type === 'error' && /hello/.test(f.message) && f !== helloError);
  assert.match(early.message, /Send hello/);

  socket.send({ ...helloFrame({ session: 'vs-bad' }), visitor: ana });
  await socket.waitFor((f) => f.type === 'welcome');
  socket.send({ type: 'identify', visitor: { name: 'Bo', role: 'admin' } });
  socket.send({ type: 'identify' });
  const unknown = await socket.waitFor((f) => f.type === 'error' && /unknown key/.test(f.message));
  assert.match(unknown.message, /^identify: visitor: unknown key "role"/);
  const missing = await socket.waitFor((f) => f.type === 'error' && /is required/.test(f.message));
  assert.match(missing.message, /^identify: "visitor" is required/);
  assert.match(await sessionReply(socket, 'hi'), /^Hi Ana! /, 'the refused identify changed nothing');
});
