// Typing during a call is heard (docs/protocol.md, "Voice"): a message the
// shopper sends while a call is open is a turn like any other (acked, its
// reply in the chat once), and its reply is also said in the call, sentence
// by sentence as the agent writes it, without a second transcript bubble;
// with no call open the reply is text only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from './helpers.mjs';
import { closeAllSockets, joinSession, msg } from './session-helpers.mjs';
import { utteranceFrames } from './voice-helpers.mjs';

const REPLY = 'Order 12345 left the warehouse today. It should reach you on Tuesday.';
let server;
before(async () => {
  const agent = {
    name: 'typed', paced: false,
    async* reply() {
      for (const word of REPLY.split(/(?<= )/)) yield { event: 'delta', data: { text: word } };
    },
  };
  server = await startTestServer({ agent, voiceLines: { greeting: 'unused', replies: ['unused'] } });
});
after(async () => {
  closeAllSockets();
  await server.close();
});

const replyText = (socket, id) => socket.frames.filter((f) => f.type === 'event' && f.reply_to === id && f.event === 'delta')
  .map((f) => f.data.text).join('');
const replyDone = (id) => (f) => f.type === 'event' && f.reply_to === id && f.event === 'done';
const agentFrames = (socket, callId) => socket.frames.filter((f) => f.type === 'voice.agent' && f.call_id === callId);
const bubbles = (socket) => socket.frames.filter((f) => f.type === 'event' && f.event === 'voice.transcript');

test('a message typed during a call: acked once, its reply in the chat, and said in the call with audio, no transcript bubble', async () => {
  const { socket } = await joinSession(server.url, { session: 'typed-in-call' });
  socket.send({ type: 'voice.start', call_id: 'call-typed', greeting: false });
  await socket.waitFor((f) => f.type === 'voice.started' && f.call_id === 'call-typed');
  socket.send(msg('typed-1', 'where is order 12345?'));
  await socket.waitFor((f) => f.type === 'ack' && f.message_id === 'typed-1');
  await socket.waitFor(replyDone('typed-1'), 10_000);
  assert.equal(replyText(socket, 'typed-1'), REPLY, 'the reply in the chat, whole');
  const ended = await socket.waitFor((f) => f.type === 'voice.agent' && f.call_id === 'call-typed' && f.state === 'end', 20_000);
  assert.equal(ended.reason, 'done');
  assert.deepEqual(agentFrames(socket, 'call-typed').map((f) => [f.utterance, f.state]), [[1, 'start'], [1, 'end']], 'one utterance');
  assert.ok(utteranceFrames(socket, 'call-typed', 1).length > 50, 'the answer is heard: audio between its start and end');
  assert.deepEqual(bubbles(socket), [], 'no voice bubble: the chat shows the reply already');
  assert.equal(socket.frames.filter((f) => f.type === 'ack' && f.message_id === 'typed-1').length, 1);
});

test('a message with no call open: the reply in the chat, nothing said', async () => {
  const { socket } = await joinSession(server.url, { session: 'typed-no-call' });
  socket.send(msg('typed-2', 'where is order 12345?'));
  await socket.waitFor(replyDone('typed-2'), 10_000);
  assert.equal(replyText(socket, 'typed-2'), REPLY);
  assert.equal(socket.frames.filter((f) => f.type?.startsWith('voice.')).length, 0);
  assert.equal(socket.timeline.filter((item) => item.binary).length, 0, 'no audio');
});
