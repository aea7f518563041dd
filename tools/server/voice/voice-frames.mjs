// The voice control frames of the live session (docs/protocol.md, "Voice
// control frames"): parse the client's, build the server's. Pure and total.
//
// parseVoiceFrame(frame) takes a parsed JSON object whose `type` starts with
// "voice." and returns
//   { kind: 'voice', voice: { type: 'voice.start', call_id, greeting } }
//   { kind: 'voice', voice: { type: 'voice.barge_in' | 'voice.end', call_id } }
//   { kind: 'ignored', type }     another voice.* type (forward compatibility)
//   { kind: 'bad', message }      answer `error` bad_frame; the connection stays
export const MAX_CALL_ID_CHARS = 64;
export const VOICE_RATE = 48000;
export const VOICE_FRAME_MS = 20;

const CLIENT_TYPES = new Set(['voice.start', 'voice.barge_in', 'voice.end']);

const isCallId = (v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_CALL_ID_CHARS;

export function parseVoiceFrame(frame) {
  const { type } = frame;
  if (!CLIENT_TYPES.has(type)) return { kind: 'ignored', type };
  if (!isCallId(frame.call_id)) {
    return { kind: 'bad', message: `${type}: "call_id" must be a string of 1..${MAX_CALL_ID_CHARS} characters.` };
  }
  if (type !== 'voice.start') return { kind: 'voice', voice: { type, call_id: frame.call_id } };
  const greeting = frame.greeting ?? false;
  if (typeof greeting !== 'boolean') return { kind: 'bad', message: 'voice.start: "greeting" must be true or false.' };
  return { kind: 'voice', voice: { type, call_id: frame.call_id, greeting } };
}

export const voiceStartedFrame = (callId) => ({
  type: 'voice.started', call_id: callId, rate: VOICE_RATE, frame_ms: VOICE_FRAME_MS,
});

export const agentStartFrame = (callId, utterance, text) => ({
  type: 'voice.agent', call_id: callId, state: 'start', utterance, text,
});

// reason: 'done' | 'barge_in' | 'closed'
export const agentEndFrame = (callId, utterance, reason) => ({
  type: 'voice.agent', call_id: callId, state: 'end', utterance, reason,
});

export const heardFrame = (callId, utterance, ms) => ({ type: 'voice.heard', call_id: callId, utterance, ms });

export const voiceClosedFrame = (callId) => ({ type: 'voice.closed', call_id: callId });
