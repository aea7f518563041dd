// The agent's voice: text to 48 kHz int16 mono PCM with a tts adapter
// (speech/index.mjs; espeak-ng by default), then to Opus packets. Both
// steps are cached per text in memory: the agent says few distinct lines.
import { encodePcm } from './opus-frames.mjs';
import { speak } from './speech/tts-espeak.mjs';

export { speak };

const MAX_CACHED_TEXTS = 64;

// Returns utterancePackets(text) -> Promise<Uint8Array[]> (Opus packets, 20 ms
// each), made once per text. `loadVoice` resolves the WASM voice module.
export function createAgentVoice(loadVoice, { synthesize = speak } = {}) {
  const cache = new Map(); // text -> Promise<Uint8Array[]>, oldest first
  return function utterancePackets(text) {
    let packets = cache.get(text);
    if (!packets) {
      packets = Promise.all([loadVoice(), synthesize(text)]).then(([V, pcm]) => encodePcm(V, pcm));
      packets.catch(() => cache.delete(text)); // a failure is not cached
      cache.set(text, packets);
      if (cache.size > MAX_CACHED_TEXTS) cache.delete(cache.keys().next().value);
    }
    return packets;
  };
}
