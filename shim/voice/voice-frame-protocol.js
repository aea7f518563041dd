// The voice frame's handshake messages (voice-frame.js, voice-link.js).
export const VOICE_READY = 'voice-frame-ready';
export const VOICE_PORT = 'voice-frame-port';
