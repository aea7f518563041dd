// The voice call's live transcript (docs/protocol.md, "Voice transcripts"):
// what the shopper said and what the agent spoke, as numbered session events
// (voice.transcript), with the spoken answer's product cards; barge-in cuts
// the agent's bubble where its audio stopped; a resume replays them once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from './helpers.mjs';
import { closeAllSockets, joinSession, sleep } from './session-helpers.mjs';
import { UNPACED_UPLINK, concatPcm, loadVoice, shopperSpeech, voicePackets } from './voice-helpers.mjs';
import { createPocketsphinxStt } from '../../tools/gateway/voice/stt-pocketsphinx.mjs';
import { loadCatalogue } from '../../tools/gateway/agents/shop-catalogue.mjs';
import { DEMO_CATALOGUE } from '../../tools/gateway/agents/config.mjs';
import { spokenPart } from '../../tools/gateway/voice/spoken-part.mjs';

const GREETING = 'Hello there, and welcome to the game shop. I can help you find a game, a console or an accessory.';

let server;
let V;
before(async () => {
  V = await loadVoice();
  server = await startTestServer({
    stt: createPocketsphinxStt({ products: loadCatalogue(DEMO_CATALOGUE) }),
    voiceLines: { greeting: GREETING, replies: ['unused'] }, bounds: UNPACED_UPLINK,
  });
});
after(async () => {
  closeAllSockets();
  await server.close();
});

const transcripts = (socket) => socket.frames.filter((f) => f.type === 'event' && f.event === 'voice.transcript');
const agentEnd = (callId, n) => (f) => f.type === 'voice.agent' && f.call_id === callId && f.utterance === n
  && f.state === 'end';
const isTranscript = (id, final) => (f) => f.type === 'event' && f.event === 'voice.transcript' && f.reply_to === id
  && f.data.final === final;

async function startCall(session, callId, greeting) {
  const joined = await joinSession(server.url, { session });
  joined.socket.send({ type: 'voice.start', call_id: callId, greeting });
  await joined.socket.waitFor((f) => f.type === 'voice.started' && f.call_id === callId);
  return joined;
}

test('a spoken question: the shopper\'s words, then the agent\'s text with the answer\'s cards, then its final text', async () => {
  const { socket } = await startCall('vt-ask', 'call-ask', false);
  for (const p of voicePackets(V, concatPcm(shopperSpeech('Do you have Xbox games?'), new Int16Array(48000)))) socket.ws.send(p);
  const final = await socket.waitFor(isTranscript('voice-call-ask-a1', true), 30_000);
  const [heard, spoken, ended] = transcripts(socket);
  assert.equal(heard.reply_to, 'voice-call-ask-1', 'the shopper\'s bubble has its agent turn\'s id');
  const { text: words, ...rest } = heard.data;
  assert.match(words, /^do you have xbox games?$/, 'what was recognised (the grammar\'s written form)');
  assert.deepEqual(rest, { call_id: 'call-ask', role: 'shopper', final: true, cut: false });
  assert.equal(spoken.reply_to, 'voice-call-ask-a1');
  assert.equal(spoken.data.final, false);
  assert.match(spoken.data.text, /Forza Horizon 5 \(Xbox\)/);
  assert.ok(spoken.data.products.some((p) => p.name === 'Forza Horizon 5 (Xbox)' && p.price === '29.99'),
    JSON.stringify(spoken.data.products));
  assert.equal(ended, final);
  assert.deepEqual(ended.data, { call_id: 'call-ask', role: 'agent', text: spoken.data.text, final: true, cut: false });
  assert.ok(heard.seq < spoken.seq && spoken.seq < ended.seq, 'numbered in order');
  const at = (f) => socket.frames.indexOf(f);
  const start = socket.frames.find((f) => f.type === 'voice.agent' && f.state === 'start');
  const end = socket.frames.find((f) => f.type === 'voice.agent' && f.state === 'end');
  assert.ok(at(start) < at(spoken) && at(spoken) < at(end), 'the agent\'s text shows while its audio plays');
});

test('barge-in cuts the agent\'s bubble at the words whose audio was sent', async () => {
  const { socket } = await startCall('vt-barge', 'call-cut', true);
  await socket.waitFor(isTranscript('voice-call-cut-a1', false));
  await sleep(1200);
  socket.send({ type: 'voice.barge_in', call_id: 'call-cut' });
  await socket.waitFor(agentEnd('call-cut', 1), 5000);
  const cut = await socket.waitFor(isTranscript('voice-call-cut-a1', true), 5000);
  assert.equal(cut.data.cut, true);
  assert.ok(cut.data.text.length > 0 && cut.data.text.length < GREETING.length / 2, JSON.stringify(cut.data.text));
  assert.ok(GREETING.startsWith(cut.data.text), 'a prefix of what it was saying');
  assert.match(GREETING.slice(cut.data.text.length), /^[\s,.]/, 'cut at the end of a word');
});

test('a connection lost mid-utterance: the resumed session replays the transcript events after last_event_seq, once', async () => {
  const first = await startCall('vt-resume', 'call-re', true);
  const partial = await first.socket.waitFor(isTranscript('voice-call-re-a1', false));
  first.socket.ws.terminate();
  const again = await joinSession(server.url, { session: 'vt-resume', token: first.welcome.resume_token, last: partial.seq });
  assert.equal(again.welcome.resumed, true);
  const cut = await again.socket.waitFor(isTranscript('voice-call-re-a1', true), 5000);
  assert.equal(cut.data.cut, true, 'the lost connection cut the utterance');
  assert.equal(cut.seq, partial.seq + 1);
  assert.equal(transcripts(again.socket).filter((f) => f.seq <= partial.seq).length, 0, 'nothing applied is re-sent');
  const replayed = await joinSession(server.url, { session: 'vt-resume', token: again.welcome.resume_token, last: 0 });
  await replayed.socket.waitFor(isTranscript('voice-call-re-a1', true));
  assert.deepEqual(transcripts(replayed.socket).map((f) => f.seq), [partial.seq, cut.seq], 'each event once');
});

test('spokenPart: the share of the text whose audio was sent, back to a word end', () => {
  assert.equal(spokenPart('one two three four', 10, 10), 'one two three four');
  assert.equal(spokenPart('one two three four', 5, 10), 'one two');
  assert.equal(spokenPart('one two three four', 6, 10), 'one two', 'a cut inside "three" keeps "two"');
  assert.equal(spokenPart('one two', 1, 10), '');
  assert.equal(spokenPart('one two', 0, 0), 'one two');
});
