// Downloads the voice runtime (voice-runtime.js: AudioContext, worklets,
// worker, getUserMedia; and rtc-link.js, the WebRTC data channel) on the
// first call: it is its own content-hashed
// chunk (natter.voiceruntime.<hash>.js, manifest key voice_runtime_js),
// so the core bundle every shop page loads does not carry it. The chunk's
// only statement is
//
//     window.natter.__voiceRuntime({ createVoiceRuntime, createRtcLink });
//
// (voice-runtime-chunk.js), loaded by a script tag (../load-chunk.js).
// Resolves to those parts.
import { chunkLoader, partsWith } from '../load-chunk.js';

export const loadVoiceRuntime = chunkLoader({
  key: 'voice_runtime_js', hook: '__voiceRuntime', accept: partsWith('createVoiceRuntime'), timeoutMs: 15000,
});
