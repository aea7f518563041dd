// The voice agent's speech adapters: the seams between the voice gateway
// and whatever hears the shopper (stt) and speaks the agent (tts), chosen by
// configuration like the text agent (agents/index.mjs, docs/agents.md).
//
// An stt adapter is an object:
//
//   { name: 'pocketsphinx' | …,
//     transcribe(pcm: Int16Array) → Promise<string> }
//
//   pcm: one speech segment of the shopper, 48 kHz mono int16, with about a
//   second of quiet around it. Resolves the written words ('' when nothing
//   was recognised: the agent asks again); rejects on failure (logged; the
//   segment gets no answer). Called one segment at a time per call.
//
// A tts adapter is an object:
//
//   { name: 'espeak-ng' | …,
//     synthesize(text: string) → Promise<Int16Array> }
//
//   text: what the agent says, one piece of an answer at a time (a
//   sentence, or the start of the first one up to a comma: spoken-chunks.mjs;
//   with NATTER_VOICE_TURNS=fixed the whole answer, at most 600 characters).
//   Resolves its speech, 48 kHz mono int16 (the gateway encodes it as Opus
//   and caches it per text); rejects on failure (logged; the utterance is
//   skipped).
//
// Chosen by the environment (sttFromEnv, ttsFromEnv):
//   NATTER_VOICE_STT   pocketsphinx (default; grammar from NATTER_CATALOGUE)
//                      | off (the scripted voice lines answer instead)
//                      | a path to an .mjs module whose default export is
//                        createStt({ products, env }) → adapter
//   NATTER_VOICE_TTS   espeak-ng (default; NATTER_VOICE_TTS_VOICE picks the
//                      espeak-ng voice, default en-us)
//                      | a path to an .mjs module whose default export is
//                        createTts({ env }) → adapter
// A bad setting throws ConfigError naming the variable.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, DEMO_CATALOGUE } from '../../agents/config.mjs';
import { loadCatalogue } from '../../agents/shop-catalogue.mjs';
import { createPocketsphinxStt } from '../stt-pocketsphinx.mjs';
import { createEspeakTts } from './tts-espeak.mjs';

const isModulePath = (v) => /\.m?js$/.test(v);

async function fromModule(variable, file, args, method) {
  let made;
  try {
    const mod = await import(pathToFileURL(path.resolve(file)).href);
    if (typeof mod.default !== 'function') throw new Error('its default export is not a function');
    made = await mod.default(args);
  } catch (error) {
    throw new ConfigError(`${variable}=${file}: ${error.message}`);
  }
  return checked(variable, made, method, path.basename(file));
}

function checked(variable, adapter, method, fallbackName) {
  if (!adapter || typeof adapter[method] !== 'function') {
    throw new ConfigError(`${variable}: the adapter has no ${method}() (docs/agents.md, "Speech adapters").`);
  }
  return { name: adapter.name || fallbackName, ...adapter, [method]: adapter[method].bind(adapter) };
}

// The stt adapter, or null (NATTER_VOICE_STT=off: the scripted lines).
export async function sttFromEnv(env = process.env) {
  const kind = env.NATTER_VOICE_STT || 'pocketsphinx';
  if (kind === 'off') return null;
  if (kind !== 'pocketsphinx' && !isModulePath(kind)) {
    throw new ConfigError(`NATTER_VOICE_STT must be pocketsphinx, off or a path to an .mjs adapter, not ${JSON.stringify(kind)}.`);
  }
  const file = env.NATTER_CATALOGUE || DEMO_CATALOGUE;
  let products;
  try { products = loadCatalogue(file); } catch (error) { throw new ConfigError(`NATTER_CATALOGUE: ${error.message}`); }
  if (kind !== 'pocketsphinx') return fromModule('NATTER_VOICE_STT', kind, { products, env }, 'transcribe');
  try {
    return { name: 'pocketsphinx', ...createPocketsphinxStt({ products }) };
  } catch (error) {
    throw new ConfigError(`NATTER_VOICE_STT=pocketsphinx: ${error.message} (npm run setup installs pocketsphinx-en-us; NATTER_VOICE_STT=off turns it off)`);
  }
}

// The tts adapter.
export async function ttsFromEnv(env = process.env) {
  const kind = env.NATTER_VOICE_TTS || 'espeak-ng';
  if (kind === 'espeak-ng') {
    const voice = env.NATTER_VOICE_TTS_VOICE || 'en-us';
    if (!/^[A-Za-z0-9+_-]{1,40}$/.test(voice)) throw new ConfigError(`NATTER_VOICE_TTS_VOICE: not an espeak-ng voice name: ${JSON.stringify(voice)}.`);
    return createEspeakTts({ voice });
  }
  if (!isModulePath(kind)) {
    throw new ConfigError(`NATTER_VOICE_TTS must be espeak-ng or a path to an .mjs adapter, not ${JSON.stringify(kind)}.`);
  }
  return fromModule('NATTER_VOICE_TTS', kind, { env }, 'synthesize');
}
