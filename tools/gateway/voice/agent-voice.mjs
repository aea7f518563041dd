// The agent's voice: text to 48 kHz int16 mono PCM with a tts adapter
// (speech/index.mjs; espeak-ng by default), then to Opus packets. Both
// steps are cached per text and encoding in memory (the clean one, or one a
// widget on a lossy path asked for: channel-ping.mjs): the agent says few
// distinct lines. The speech is made again for another encoding rather than
// kept as PCM (96 KB a second).
import { encodePcm } from './opus-frames.mjs';
import { speak } from './speech/tts-espeak.mjs';

export { speak };

const MAX_CACHED_TEXTS = 64;

// Returns utterancePackets(text, encoding = null) -> Promise<Uint8Array[]>
// (Opus packets, 20 ms each), made once per text and encoding ({bitrate,
// fec, lossPerc}; null: opus-frames.mjs's defaults). `loadVoice` resolves the
// WASM voice module.
export function createAgentVoice(loadVoice, { synthesize = speak } = {}) {
  const cache = new Map(); // "<encoding> <text>" -> Promise<Uint8Array[]>, oldest first
  return function utterancePackets(text, encoding = null) {
    const key = `${encoding ? `${encoding.bitrate}/${encoding.fec ? 1 : 0}/${encoding.lossPerc}` : 'clean'} ${text}`;
    let packets = cache.get(key);
    if (!packets) {
      packets = Promise.all([loadVoice(), synthesize(text)]).then(([V, pcm]) => encodePcm(V, pcm, encoding ?? {}));
      packets.catch(() => cache.delete(key)); // a failure is not cached
      cache.set(key, packets);
      if (cache.size > MAX_CACHED_TEXTS) cache.delete(cache.keys().next().value);
    }
    return packets;
  };
}
