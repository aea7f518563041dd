// The voice agent's stt and tts are adapters chosen by the environment
// (tools/gateway/voice/speech/index.mjs, docs/agents.md "Speech adapters"):
// the defaults, a shop's own modules loaded by path and used by the gateway,
// and bad settings refused with the variable named.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer } from './helpers.mjs';
import { closeAllSockets, joinSession } from './session-helpers.mjs';
import { UNPACED_UPLINK, concatPcm, loadVoice, shopperSpeech, voicePackets } from './voice-helpers.mjs';
import { sttFromEnv, ttsFromEnv } from '../../tools/gateway/voice/speech/index.mjs';
import { ConfigError } from '../../tools/gateway/agents/config.mjs';
import { said } from './fixtures/tone-tts.mjs';

const fixture = (name) => path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', name);

let server;
after(async () => {
  closeAllSockets();
  await server?.close();
});

test('defaults: pocketsphinx hears, espeak-ng speaks; off leaves the scripted lines', async () => {
  assert.equal((await sttFromEnv({})).name, 'pocketsphinx');
  assert.equal(await sttFromEnv({ NATTER_VOICE_STT: 'off' }), null);
  const tts = await ttsFromEnv({ NATTER_VOICE_TTS_VOICE: 'en-gb' });
  assert.equal(tts.name, 'espeak-ng (en-gb)');
  const pcm = await tts.synthesize('Hello.');
  assert.ok(pcm instanceof Int16Array && pcm.length > 48000 / 4, `${pcm.length} samples`);
});

test('bad settings are refused at start, naming the variable', async () => {
  const refused = async (env, pattern) => {
    const chosen = env.NATTER_VOICE_TTS || env.NATTER_VOICE_TTS_VOICE ? ttsFromEnv(env) : sttFromEnv(env);
    await assert.rejects(chosen, (e) => e instanceof ConfigError && pattern.test(e.message));
  };
  await refused({ NATTER_VOICE_STT: 'whisper' }, /^NATTER_VOICE_STT must be pocketsphinx, off or a path/);
  await refused({ NATTER_VOICE_STT: fixture('missing.mjs') }, /^NATTER_VOICE_STT=.*missing\.mjs: /);
  await refused({ NATTER_VOICE_STT: fixture('no-method.mjs') }, /^NATTER_VOICE_STT: the adapter has no transcribe\(\)/);
  await refused({ NATTER_VOICE_TTS: 'festival' }, /^NATTER_VOICE_TTS must be espeak-ng or a path/);
  await refused({ NATTER_VOICE_TTS: fixture('no-method.mjs') }, /^NATTER_VOICE_TTS: the adapter has no synthesize\(\)/);
  await refused({ NATTER_VOICE_TTS_VOICE: 'en; rm -rf' }, /^NATTER_VOICE_TTS_VOICE: not an espeak-ng voice/);
});

test('a shop\'s own stt and tts modules: the gateway hears with one and speaks with the other', async () => {
  const env = { NATTER_VOICE_STT: fixture('fixed-stt.mjs'), NATTER_VOICE_TTS: fixture('tone-tts.mjs'), NATTER_TEST_HEARD: 'do you have xbox games' };
  const stt = await sttFromEnv(env);
  const tts = await ttsFromEnv(env);
  assert.match(stt.name, /^fixed \(\d+ products\)$/, 'given the catalogue');
  server = await startTestServer({ stt, tts, bounds: UNPACED_UPLINK });
  const V = await loadVoice();
  const { socket } = await joinSession(server.url, { session: 'sa-1' });
  socket.send({ type: 'voice.start', call_id: 'call-sa', greeting: false });
  await socket.waitFor((f) => f.type === 'voice.started');
  for (const p of voicePackets(V, concatPcm(shopperSpeech('anything at all'), new Int16Array(48000)))) socket.ws.send(p);
  const heard = await socket.waitFor((f) => f.event === 'voice.transcript' && f.data.role === 'shopper', 20_000);
  assert.equal(heard.data.text, 'do you have xbox games');
  await socket.waitFor((f) => f.type === 'voice.agent' && f.state === 'end', 20_000);
  const spoken = await socket.waitFor((f) => f.event === 'voice.transcript' && f.data.role === 'agent' && f.data.final, 5000);
  assert.match(spoken.data.text, /Forza Horizon 5 \(Xbox\)/);
  // Sentence by sentence as the agent writes it, the first one short
  // (spoken-text.mjs), one utterance all the same.
  assert.deepEqual(said, ['Yes!', 'We have one Xbox game: Forza Horizon 5 (Xbox) for £29.99.'], 'the tone adapter spoke the answer');
  assert.equal(said.join(' '), spoken.data.text);
  assert.equal(socket.frames.filter((f) => f.type === 'voice.agent' && f.state === 'start').length, 1);
  const frames = said.reduce((n, piece) => n + Math.ceil((480 * piece.length) / 960), 0);
  assert.equal(socket.binary.length, frames, 'its audio, frame for frame');
});
