// A voice call continues on another instance (gateways on one Redis): the
// call's counters live in the store, so a resume elsewhere is not greeted
// again and the agent's frame seq and utterance numbers continue.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from './helpers.mjs';
import { closeAllSockets, joinSession, sleep } from './session-helpers.mjs';
import { UNPACED_UPLINK, header, loadVoice, shopperSpeech, concatPcm, voicePackets } from './voice-helpers.mjs';
import { startRedis } from './redis-helpers.mjs';

const LINES = { greeting: 'Hello there, and welcome to the game shop.', replies: ['Sure, we have that one in stock.'] };
const agent = (callId, n, state) => (f) => f.type === 'voice.agent' && f.call_id === callId && f.utterance === n
  && f.state === state;

after(() => closeAllSockets());

test('a call resumed on another instance is not greeted again; its utterances and frame seq continue', async () => {
  const V = await loadVoice();
  const redis = await startRedis();
  const a = await startTestServer({ redisUrl: redis.url, voiceLines: LINES, bounds: UNPACED_UPLINK });
  const b = await startTestServer({ redisUrl: redis.url, voiceLines: LINES, bounds: UNPACED_UPLINK });
  try {
    const one = await joinSession(a.url, { session: 'vr' });
    one.socket.send({ type: 'voice.start', call_id: 'call-r', greeting: true });
    await one.socket.waitFor(agent('call-r', 1, 'end'), 10_000);
    const greetingFrames = one.socket.binary.length;
    await one.socket.terminate();

    const two = await joinSession(b.url, { session: 'vr', token: one.welcome.resume_token });
    assert.equal(two.welcome.resumed, true);
    two.socket.send({ type: 'voice.start', call_id: 'call-r', greeting: true });
    await two.socket.waitFor((f) => f.type === 'voice.started');
    await sleep(600);
    assert.equal(two.socket.frames.filter((f) => f.type === 'voice.agent').length, 0, 'no second greeting');
    const speech = concatPcm(shopperSpeech('I am looking for a racing game'), new Int16Array(48000));
    for (const p of voicePackets(V, speech)) two.socket.ws.send(p);
    const reply = await two.socket.waitFor(agent('call-r', 2, 'start'), 5000);
    assert.equal(reply.text, LINES.replies[0]);
    await two.socket.waitFor(agent('call-r', 2, 'end'), 10_000);
    assert.equal(header(two.socket.binary[0]).seq, greetingFrames, 'seq continues on the other instance');
  } finally {
    closeAllSockets();
    await a.close();
    await b.close();
    await redis.stop();
  }
});
