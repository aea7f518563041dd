// A voice answer spoken as the agent writes it (tools/gateway/voice/voice-agent.mjs,
// spoken-text.mjs): the shopper hears the first sentence while the agent
// still streams the rest; a barge-in stops the sentences still to come; a
// failure mid-answer stops after what was said; a slow first sentence gets
// "One moment." once; a turn asked again is not spoken again. The agent is
// scripted per session: each test holds its stream open with a gate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from './helpers.mjs';
import { closeAllSockets, joinSession, sleep } from './session-helpers.mjs';
import { UNPACED_UPLINK, concatPcm, loadVoice, shopperSpeech, voicePackets } from './voice-helpers.mjs';
import { FILLER, NOT_ANSWERED, createVoiceAgent, speakable } from '../../tools/gateway/voice/voice-agent.mjs';
import { createAgentRuns } from '../../tools/gateway/runs/agent-runs.mjs';
import { MemoryStore } from '../../tools/gateway/store/memory-store.mjs';
import { RequestStats } from '../../tools/gateway/ops/request-stats.mjs';

const delta = (text) => ({ event: 'delta', data: { text } });
const CARD = { id: 'astro-bot', name: 'Astro Bot (PS5)', price: '49.99', currency: 'GBP', url: 'https://shop.example/astro' };
const scripts = new Map(); // session id -> async function* (turn, signal)
const agent = {
  name: 'streaming-test', paced: false,
  async* reply(turn, { signal }) {
    const script = scripts.get(turn.conversation_id);
    if (!script) throw new Error(`no script for ${turn.conversation_id}`);
    yield* script(turn, signal);
  },
};

// A promise the test opens when it has seen what it waits for (all are
// opened at the end, so a failed test leaves no agent run waiting).
const gates = new Set();
function gate() {
  let open;
  const opened = new Promise((resolve) => { open = resolve; });
  gates.add(open);
  return { open, opened };
}

let server;
let V;
let question;
before(async () => {
  V = await loadVoice();
  question = voicePackets(V, concatPcm(shopperSpeech('Do you have PS5 games?'), new Int16Array(48000)));
  server = await startTestServer({
    agent, bounds: UNPACED_UPLINK, stt: { transcribe: async () => 'do you have ps5 games' },
  });
});
after(async () => {
  for (const open of gates) open();
  closeAllSockets();
  await server.close();
});

const agentFrame = (n, state) => (f) => f.type === 'voice.agent' && f.utterance === n && f.state === state;
const transcripts = (socket, id) => socket.frames.filter((f) => f.type === 'event' && f.event === 'voice.transcript'
  && f.reply_to === id);
const finalOf = (id) => (f) => f.type === 'event' && f.event === 'voice.transcript' && f.reply_to === id && f.data.final;

async function ask(session, script, { firstSeq = 0, socket: open = null } = {}) {
  scripts.set(session, script);
  const socket = open ?? (await joinSession(server.url, { session })).socket;
  if (!open) {
    socket.send({ type: 'voice.start', call_id: `call-${session}`, greeting: false });
    await socket.waitFor((f) => f.type === 'voice.started');
  }
  question.forEach((p, i) => {
    const packet = Buffer.from(p);
    packet.writeUInt16BE((firstSeq + i) & 0xffff, 2);
    socket.ws.send(packet);
  });
  return socket;
}

test('the first sentence is heard while the agent still streams the rest; the transcript ends with the whole text once', async () => {
  const rest = gate();
  let finished = false;
  const text = 'Yes! We have three PS5 games. **Astro Bot** is £49.99, [see it](https://shop.example/astro). Gran Turismo 7 is £39.99.';
  const socket = await ask('vs-first', async function* script() {
    yield delta('Yes! We have three ');
    yield delta('PS5 games. ');
    await rest.opened;
    for (const word of text.slice('Yes! We have three PS5 games. '.length).match(/\S+\s*/g)) yield delta(word);
    yield { event: 'card', data: { product: CARD } };
    finished = true;
  });
  const start = await socket.waitFor(agentFrame(1, 'start'), 20_000);
  assert.match(start.text, /^Yes!( We have three PS5 games\.)?$/, 'what the agent had written so far');
  const at = socket.timeline.findIndex((e) => e.text === start);
  await waitUntil(() => socket.timeline.slice(at).some((e) => e.binary), 'the answer\'s first audio frame');
  assert.equal(finished, false, 'the agent has not finished its answer');
  rest.open();
  await socket.waitFor(agentFrame(1, 'end'), 20_000);
  const id = 'voice-call-vs-first-a1';
  const final = await socket.waitFor(finalOf(id), 5000);
  assert.deepEqual(final.data, { call_id: 'call-vs-first', role: 'agent', text: speakable(text), final: true, cut: false });
  const events = transcripts(socket, id);
  assert.equal(events.filter((e) => e.data.final).length, 1, 'one final event');
  assert.ok(events.at(-1) === final, 'the final event is the last');
  assert.ok(events.some((e) => !e.data.final && e.data.products?.some((p) => p.id === 'astro-bot')), 'the card shows with the bubble');
  assert.doesNotMatch(final.data.text, /https?:|\*/, 'the link read as its label, no emphasis marks');
  assert.equal(socket.frames.filter((f) => f.type === 'voice.agent' && f.state === 'start').length, 1, 'one utterance');
});

test('a barge-in mid-answer: no later sentence is spoken though the agent goes on, and the next question is answered at once', async () => {
  const rest = gate();
  let finished = false;
  const session = 'vs-barge';
  const socket = await ask(session, async function* script(turn) {
    if (turn.message_id.endsWith('-2')) { // the question the shopper barged in with
      yield delta('Here is another answer.');
      return;
    }
    yield delta('Yes! We have three PS5 games. ');
    await rest.opened;
    yield delta('Astro Bot is £49.99. Gran Turismo 7 is £39.99. Ratchet and Clank is £29.99.');
    finished = true;
  });
  await socket.waitFor(agentFrame(1, 'start'), 20_000);
  socket.send({ type: 'voice.barge_in', call_id: `call-${session}` });
  const end = await socket.waitFor(agentFrame(1, 'end'), 5000);
  assert.equal(end.reason, 'barge_in');
  // The shopper's next question is answered while the first answer's agent is still writing.
  await ask(session, scripts.get(session), { socket, firstSeq: question.length });
  const second = await socket.waitFor(agentFrame(2, 'start'), 20_000);
  assert.equal(second.text, 'Here is another answer.');
  assert.equal(finished, false, 'the first answer\'s agent still holds its stream');
  rest.open();
  await waitUntil(() => finished, 'the first answer\'s agent to finish');
  await socket.waitFor(agentFrame(2, 'end'), 10_000);
  await sleep(500);
  const starts = socket.frames.filter((f) => f.type === 'voice.agent' && f.state === 'start');
  assert.deepEqual(starts.map((f) => f.text), ['Yes! We have three PS5 games.', 'Here is another answer.'], 'nothing of the cancelled answer after');
  const cut = await socket.waitFor(finalOf(`voice-call-${session}-a1`), 5000);
  assert.equal(cut.data.cut, true);
  assert.doesNotMatch(JSON.stringify(socket.frames), /Astro Bot/, 'the later sentences were never shown or spoken');
});

test('the agent fails mid-answer: what was said stands, no apology after it; failing before a word says NOT_ANSWERED', async () => {
  const socket = await ask('vs-fail', async function* script() {
    yield delta('Yes! We have three PS5 games. Astro');
    await sleep(300);
    throw new Error('the model went away');
  });
  const end = await socket.waitFor(agentFrame(1, 'end'), 20_000);
  assert.equal(end.reason, 'done');
  const final = await socket.waitFor(finalOf('voice-call-vs-fail-a1'), 5000);
  assert.deepEqual([final.data.text, final.data.cut], ['Yes! We have three PS5 games.', false], 'never half a sentence');
  await sleep(1500);
  assert.equal(socket.frames.filter((f) => f.type === 'voice.agent' && f.state === 'start').length, 1, 'no second utterance');
  assert.doesNotMatch(JSON.stringify(socket.frames), /Sorry/);

  const early = await ask('vs-fail-early', async function* script() {
    await sleep(100);
    throw new Error('no model at all');
  });
  const start = await early.waitFor(agentFrame(1, 'start'), 20_000);
  assert.equal(start.text, NOT_ANSWERED);
});

test('a first sentence later than 1 s gets "One moment." once, before the answer, in the same utterance', async () => {
  const socket = await ask('vs-filler', async function* script() {
    await sleep(1600); // a tool runs
    yield delta('Yes! We have three PS5 games. Astro Bot is one of them.');
  });
  const start = await socket.waitFor(agentFrame(1, 'start'), 20_000);
  assert.ok(start.text.startsWith(FILLER), start.text);
  await socket.waitFor(agentFrame(1, 'end'), 20_000);
  const final = await socket.waitFor(finalOf('voice-call-vs-filler-a1'), 5000);
  assert.equal(final.data.text, `${FILLER} Yes! We have three PS5 games. Astro Bot is one of them.`);
  assert.equal(final.data.text.split(FILLER).length - 1, 1, 'said once');
});

test('no filler when the first sentence comes within 1 s, nor after the answer began however long the rest takes', async () => {
  const soon = await ask('vs-soon', async function* script() {
    await sleep(150);
    yield delta('Yes! We have three PS5 games.');
  });
  const ended = await soon.waitFor(finalOf('voice-call-vs-soon-a1'), 20_000);
  assert.equal(ended.data.text, 'Yes! We have three PS5 games.');

  const stalls = await ask('vs-stall', async function* script() {
    yield delta('Yes! ');
    await sleep(1800); // a tool runs after the first words
    yield delta('We have three PS5 games.');
  });
  const final = await stalls.waitFor(finalOf('voice-call-vs-stall-a1'), 20_000);
  assert.equal(final.data.text, 'Yes! We have three PS5 games.');
  assert.doesNotMatch(JSON.stringify([...soon.frames, ...stalls.frames]), /One moment/);
});

test('a turn asked again (joined while it runs, or replayed after it) is not spoken again', async () => {
  const store = new MemoryStore();
  const stats = new RequestStats();
  const agentRuns = createAgentRuns({ store, stats, tokenDelayMs: 60_000, agent });
  scripts.set('vs-replay', async function* script() {
    yield delta('Yes! We have three PS5 games.');
    await sleep(200);
    yield delta(' Astro Bot is one.');
  });
  const answer = createVoiceAgent({ stt: { transcribe: async () => 'do you have ps5 games' }, agentRuns, store });
  const sink = () => { const said = []; return { said, say: (piece) => said.push(piece), end() {}, signal: undefined }; };
  const turn = { sessionId: 'vs-replay', callId: 'c', utterance: 1, pcm: null };
  const [first, joined, replayed] = [sink(), sink(), sink()];
  const [text, again] = await Promise.all([answer({ ...turn, speak: first }), answer({ ...turn, speak: joined })]);
  assert.deepEqual(first.said, ['Yes!', 'We have three PS5 games.', 'Astro Bot is one.']);
  assert.equal(text, 'Yes! We have three PS5 games. Astro Bot is one.');
  assert.equal(await answer({ ...turn, speak: replayed }), null);
  assert.deepEqual([again, joined.said, replayed.said], [null, [], []], 'joined and replayed: nothing said');
  assert.equal(stats.toJSON().agent_runs['voice-c-1'], 1, 'one agent run');
});

async function waitUntil(check, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(20);
  }
}
