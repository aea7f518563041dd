// The voice agent answers what was asked: the shopper's speech (espeak-ng,
// another voice than the agent's, sent as Opus packets) is recognised by
// pocketsphinx with the catalogue's grammar and answered by the same text
// agent as the chat, so "do you have Xbox games?" gets Xbox games, not the
// next line of a script.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, stats } from './helpers.mjs';
import { closeAllSockets, joinSession } from './session-helpers.mjs';
import { UNPACED_UPLINK, concatPcm, loadVoice, shopperSpeech, voicePackets } from './voice-helpers.mjs';
import { createPocketsphinxStt } from '../../tools/gateway/voice/stt-pocketsphinx.mjs';
import { loadCatalogue } from '../../tools/gateway/agents/shop-catalogue.mjs';
import { DEMO_CATALOGUE } from '../../tools/gateway/agents/config.mjs';
import { NOT_HEARD, createVoiceAgent, speakable } from '../../tools/gateway/voice/voice-agent.mjs';
import { createAgentRuns } from '../../tools/gateway/runs/agent-runs.mjs';
import { MemoryStore } from '../../tools/gateway/store/memory-store.mjs';
import { RequestStats } from '../../tools/gateway/ops/request-stats.mjs';

let server;
let V;
before(async () => {
  V = await loadVoice();
  server = await startTestServer({
    stt: createPocketsphinxStt({ products: loadCatalogue(DEMO_CATALOGUE) }), bounds: UNPACED_UPLINK,
  });
});
after(async () => {
  closeAllSockets();
  await server.close();
});

// The agent's n-th utterance once its transcript bubble shows `expected`
// (voice.agent start carries only what was written when the audio began;
// the bubble grows sentence by sentence).
const agentSaid = async (socket, callId, n, expected) => (await socket.waitFor((f) => f.type === 'event'
  && f.event === 'voice.transcript' && f.reply_to === `voice-${callId}-a${n}` && expected.test(f.data.text), 20_000)).data;

async function startCall(session, callId) {
  const joined = await joinSession(server.url, { session });
  joined.socket.send({ type: 'voice.start', call_id: callId, greeting: false });
  await joined.socket.waitFor((f) => f.type === 'voice.started' && f.call_id === callId);
  return joined;
}

function say(socket, text, firstSeq = 0) {
  const packets = voicePackets(V, concatPcm(text ? shopperSpeech(text) : new Int16Array(0), new Int16Array(48000)), { firstSeq });
  for (const p of packets) socket.ws.send(p);
  return firstSeq + packets.length;
}

test('two spoken questions get spoken answers about the products asked for, in order, one agent run each', async () => {
  const { socket } = await startCall('va-1', 'call-va');
  const next = say(socket, 'Do you have Xbox games?');
  const first = await agentSaid(socket, 'call-va', 1, /Forza Horizon 5 \(Xbox\) for £29\.99/);
  assert.match(first.text, /Xbox/);
  assert.doesNotMatch(first.text, /[*[\]()]{2}|https?:/, 'no Markdown or links read aloud');
  say(socket, 'How much is Astro Bot?', next);
  await agentSaid(socket, 'call-va', 2, /Astro Bot \(PS5\) for £49\.99/);
  const runs = (await stats(server.url)).agent_runs;
  assert.equal(runs['voice-call-va-1'], 1);
  assert.equal(runs['voice-call-va-2'], 1);
  assert.ok(server.lines.some((l) => l.includes('voice: heard "do you have xbox')), server.lines.join('\n'));
});

test('the seeds\' story: "Do you have PS5 games?", the answer, then "How much is it?" gets their prices', async () => {
  const { socket } = await startCall('va-seed', 'call-seed');
  const next = say(socket, 'Do you have PS5 games?');
  await agentSaid(socket, 'call-seed', 1, /Astro Bot \(PS5\)/);
  say(socket, 'How much is it?', next);
  await agentSaid(socket, 'call-seed', 2, /^Here are the prices: Astro Bot \(PS5\) is £49\.99\./);
});

test('speech read aloud: links as their labels, no emphasis marks, a sentence per list item', () => {
  assert.equal(speakable('Yes! We have **two**:\n- [Astro Bot](https://x.example/a) for **£49.99**\n- *GT7*'),
    'Yes! We have two: Astro Bot for £49.99. GT7.');
  assert.equal(NOT_HEARD, 'Sorry, I did not catch that. Could you say it again?');
});

// `timeout`: a voice answer paced like chat typing (a minute per token here)
// fails the test instead of hanging it.
test('the voice agent gets the whole answer at once, not at the chat\'s typing pace', { timeout: 20_000 }, async () => {
  const store = new MemoryStore();
  const agentRuns = createAgentRuns({ store, stats: new RequestStats(), tokenDelayMs: 60_000 });
  const answer = createVoiceAgent({ stt: { transcribe: async () => 'do you have ps5 games' }, agentRuns, store });
  const text = await answer({ sessionId: 's', callId: 'c', utterance: 1, pcm: new Int16Array(0) });
  assert.match(text, /^Yes! We have 3 PS5 games: Astro Bot \(PS5\) for £49\.99\./);
});
