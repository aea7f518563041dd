// The gateway's own measure of an answered spoken turn (turn-timing.mjs):
// the answer's voice.agent start frame carries `timing`, four whole-ms steps
// from the shopper's last voiced frame to the answer's first audio frame;
// the greeting, the filler, and the reply to a typed turn carry none
// (docs/protocol.md, "Voice control frames").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from './helpers.mjs';
import { closeAllSockets, joinSession, msg, sleep } from './session-helpers.mjs';
import { UNPACED_UPLINK, concatPcm, loadVoice, shopperSpeech, voicePackets } from './voice-helpers.mjs';
import { FILLER } from '../../tools/gateway/voice/voice-agent.mjs';
import { TurnTiming } from '../../tools/gateway/voice/turn-timing.mjs';

const AGENT_MS = 150; // the scripted agent's think time before its first words
const STEPS = ['end_of_turn_ms', 'recognition_ms', 'agent_ms', 'synthesis_ms'];
const delta = (text) => ({ event: 'delta', data: { text } });
const scripts = new Map(); // session id -> async function* (turn)
const agent = {
  name: 'timing-test', paced: false,
  async* reply(turn) { yield* scripts.get(turn.conversation_id)(turn); },
};

let server;
let question;
before(async () => {
  question = voicePackets(await loadVoice(), concatPcm(shopperSpeech('Do you have PS5 games?'), new Int16Array(48000)));
  server = await startTestServer({
    agent, bounds: UNPACED_UPLINK,
    stt: { transcribe: async () => { await sleep(30); return 'do you have ps5 games'; } },
  });
});
after(async () => {
  closeAllSockets();
  await server.close();
});

const start = (n) => (f) => f.type === 'voice.agent' && f.utterance === n && f.state === 'start';
const end = (n) => (f) => f.type === 'voice.agent' && f.utterance === n && f.state === 'end';

// Sends the question at once; resolves when its last packet left (the test's clock).
function ask(socket, firstSeq = 0) {
  question.forEach((p, i) => {
    const packet = Buffer.from(p);
    packet.writeUInt16BE((firstSeq + i) & 0xffff, 2);
    socket.ws.send(packet);
  });
  return performance.now();
}

test('the answer to a spoken question carries its steps, within the time since the last packet; the greeting none', async () => {
  const session = 'timing-asked';
  scripts.set(session, async function* script() {
    await sleep(AGENT_MS);
    yield delta('Yes! We have three PS5 games.');
  });
  const { socket } = await joinSession(server.url, { session });
  socket.send({ type: 'voice.start', call_id: 'call-t', greeting: true });
  const greeting = await socket.waitFor(start(1), 20_000);
  assert.equal('timing' in greeting, false, 'the greeting answers no turn');
  await socket.waitFor(end(1), 20_000);

  const lastPacketAt = ask(socket);
  const answer = await socket.waitFor(start(2), 20_000);
  const arrivedAt = socket.timeline.find((e) => e.text === answer).at;
  assert.deepEqual(Object.keys(answer.timing ?? {}).sort(), [...STEPS].sort(), JSON.stringify(answer));
  for (const step of STEPS) assert.ok(Number.isInteger(answer.timing[step]) && answer.timing[step] >= 0, `${step}: ${answer.timing[step]}`);
  const sum = STEPS.reduce((n, step) => n + answer.timing[step], 0);
  assert.ok(sum <= arrivedAt - lastPacketAt, `steps ${sum} ms within the ${arrivedAt - lastPacketAt} ms since the last packet`);
  assert.ok(answer.timing.agent_ms >= AGENT_MS - 10, `the agent's think time is the agent's step: ${JSON.stringify(answer.timing)}`);
});

test('an answer that opens with the filler, and the reply to a typed turn, carry no timing', async () => {
  const session = 'timing-filler';
  scripts.set(session, async function* script(turn) {
    if (turn.message_id.startsWith('voice-')) await sleep(1300); // past the filler's second
    yield delta('Yes! We have three PS5 games.');
  });
  const { socket } = await joinSession(server.url, { session });
  socket.send({ type: 'voice.start', call_id: 'call-f', greeting: false });
  await socket.waitFor((f) => f.type === 'voice.started');
  ask(socket);
  const filler = await socket.waitFor(start(1), 20_000);
  assert.ok(filler.text.startsWith(FILLER), filler.text);
  assert.equal('timing' in filler, false, 'the shopper heard the filler first');
  await socket.waitFor(end(1), 20_000);

  socket.send(msg('typed-1', 'where is order 12345?'));
  const typed = await socket.waitFor(start(2), 20_000);
  assert.equal('timing' in typed, false, 'a typed turn is not a spoken one');
});

test('steps are cut from cumulative times: whole ms, never negative, summing to at most the whole wait', () => {
  const times = [1000.9, 1000.2, 1001.7, 1002.1]; // recognized before ended: a clock set back
  const now = () => times.shift();
  const timing = new TurnTiming(now, 1000.4);
  timing.mark('recognized');
  timing.mark('answered');
  timing.mark('answered'); // the first time only
  assert.deepEqual(timing.steps(), { end_of_turn_ms: 0, recognition_ms: 0, agent_ms: 1, synthesis_ms: 0 });

  const unheard = new TurnTiming(() => 5, 1);
  unheard.mark('answered'); // "did not catch that": no words recognised
  assert.equal(unheard.steps(), null);
});
