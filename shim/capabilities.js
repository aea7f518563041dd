// The one place that knows how browser engines differ in what the widget
// uses. It tests for features, never for an engine's name, and reports
// facts to the core (config voice_missing), which decides what they mean:
// a voice call in a browser that lacks any of these is refused with a
// notice in the shopper's language, and text chat carries on.
//
//   detectCapabilities(window) -> { voice_missing: ['audio_worklet', …], rtc: bool }
//
// rtc: RTCPeerConnection exists, so a call may ride a WebRTC data channel
// (wasm/src/voice/call/voice_ladder.hpp); without it the call stays on the WebSocket.
//
// What a voice call uses (shim/voice/voice-runtime.js):
//   secure_context  getUserMedia exists only on https:// (or localhost)
//   microphone      navigator.mediaDevices.getUserMedia
//   audio_context   AudioContext, with createMediaStreamDestination (playback)
//   audio_worklet   AudioWorkletNode (capture and playback worklets)
//   worker          Worker (the codec runs off the main thread)
//   webassembly     WebAssembly (the codec)

const VOICE_NEEDS = {
  secure_context: (win) => win.isSecureContext !== false,
  microphone: (win) => typeof win.navigator?.mediaDevices?.getUserMedia === 'function',
  audio_context: (win) => typeof win.AudioContext === 'function'
    && typeof win.AudioContext.prototype.createMediaStreamDestination === 'function',
  audio_worklet: (win) => typeof win.AudioWorkletNode === 'function',
  worker: (win) => typeof win.Worker === 'function',
  webassembly: (win) => typeof win.WebAssembly === 'object' && win.WebAssembly !== null,
};

export function detectCapabilities(win) {
  const voiceMissing = Object.entries(VOICE_NEEDS).filter(([, has]) => {
    try { return !has(win); } catch { return true; } // a getter that throws: not usable
  }).map(([name]) => name);
  let rtc = false;
  try { rtc = typeof win.RTCPeerConnection === 'function'; } catch { /* not usable */ }
  return { voice_missing: voiceMissing, rtc };
}
