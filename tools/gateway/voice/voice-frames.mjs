// The voice control frames of the live session (docs/protocol.md, "Voice
// control frames"): parse the client's, build the server's. Pure and total.
//
// parseVoiceFrame(frame) takes a parsed JSON object whose `type` starts with
// "voice." and returns
//   { kind: 'voice', voice: { type: 'voice.start', call_id, greeting } }
//   { kind: 'voice', voice: { type: 'voice.barge_in' | 'voice.end' | 'voice.rtc_request', call_id } }
//   { kind: 'voice', voice: { type: 'voice.rtc_offer', call_id, pc_id, sdp, restart? (only when true) } }
//   { kind: 'voice', voice: { type: 'voice.rtc_close', call_id, pc_id } }
//   { kind: 'ignored', type }     another voice.* type (forward compatibility)
//   { kind: 'bad', message }      answer `error` bad_frame; the connection stays
export const MAX_CALL_ID_CHARS = 64;
export const VOICE_RATE = 48000;
export const VOICE_FRAME_MS = 20;

export const MAX_SDP_CHARS = 16384;
const CLIENT_TYPES = new Set([
  'voice.start', 'voice.barge_in', 'voice.end', 'voice.rtc_request', 'voice.rtc_offer', 'voice.rtc_close',
]);
const isPcId = (v) => Number.isInteger(v) && v > 0 && v <= 0xffffffff;

const isCallId = (v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_CALL_ID_CHARS;

export function parseVoiceFrame(frame) {
  const { type } = frame;
  if (!CLIENT_TYPES.has(type)) return { kind: 'ignored', type };
  if (!isCallId(frame.call_id)) {
    return { kind: 'bad', message: `${type}: "call_id" must be a string of 1..${MAX_CALL_ID_CHARS} characters.` };
  }
  if (type === 'voice.rtc_offer' || type === 'voice.rtc_close') {
    if (!isPcId(frame.pc_id)) return { kind: 'bad', message: `${type}: "pc_id" must be a positive 32-bit integer.` };
    if (type === 'voice.rtc_close') return { kind: 'voice', voice: { type, call_id: frame.call_id, pc_id: frame.pc_id } };
    if (typeof frame.sdp !== 'string' || frame.sdp.length === 0 || frame.sdp.length > MAX_SDP_CHARS) {
      return { kind: 'bad', message: `voice.rtc_offer: "sdp" must be a string of 1..${MAX_SDP_CHARS} characters.` };
    }
    const restart = frame.restart ?? false; // an ICE restart of pc_id's connection (call-rtc.mjs)
    if (typeof restart !== 'boolean') return { kind: 'bad', message: 'voice.rtc_offer: "restart" must be true or false.' };
    const offer = { type, call_id: frame.call_id, pc_id: frame.pc_id, sdp: frame.sdp };
    return { kind: 'voice', voice: restart ? { ...offer, restart } : offer };
  }
  if (type !== 'voice.start') return { kind: 'voice', voice: { type, call_id: frame.call_id } };
  const greeting = frame.greeting ?? false;
  if (typeof greeting !== 'boolean') return { kind: 'bad', message: 'voice.start: "greeting" must be true or false.' };
  return { kind: 'voice', voice: { type, call_id: frame.call_id, greeting } };
}

// rtc: the gateway answers WebRTC for this call (only to a hello with the "rtc" feature).
export const voiceStartedFrame = (callId, rtc = false) => ({
  type: 'voice.started', call_id: callId, rate: VOICE_RATE, frame_ms: VOICE_FRAME_MS, ...(rtc ? { rtc: true } : {}),
});

export const rtcConfigFrame = (callId, iceServers) => ({ type: 'voice.rtc_config', call_id: callId, ice_servers: iceServers });
export const rtcAnswerFrame = (callId, pcId, sdp) => ({ type: 'voice.rtc_answer', call_id: callId, pc_id: pcId, sdp });
// reason: 'closed' (the gateway's test control or shutdown) | 'channel_closed' | 'connection_failed' | 'answer_failed'
export const rtcClosedFrame = (callId, pcId, reason) => ({ type: 'voice.rtc_closed', call_id: callId, pc_id: pcId, reason });

// timing: the gateway's steps of the spoken turn this answers (turn-timing.mjs), or null (none sent).
export const agentStartFrame = (callId, utterance, text, timing = null) => ({
  type: 'voice.agent', call_id: callId, state: 'start', utterance, text, ...(timing ? { timing } : {}),
});

// reason: 'done' | 'barge_in' | 'closed'
export const agentEndFrame = (callId, utterance, reason) => ({
  type: 'voice.agent', call_id: callId, state: 'end', utterance, reason,
});

export const heardFrame = (callId, utterance, ms) => ({ type: 'voice.heard', call_id: callId, utterance, ms });

export const voiceClosedFrame = (callId) => ({ type: 'voice.closed', call_id: callId });
