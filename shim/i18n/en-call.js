// The English of a call's notices. The core says them by code only
// (call_notice): only a call shows them, so their words ship with the
// session UI chunk (session-ui/call-notices.js) and not in the core's first
// part, which every first chat downloads. Every other catalogue translates
// them, key for key (tests/node/i18n-catalogues.test.mjs takes this file
// into its English reference). The notices a call can end in before any
// chunk is there (voice_blocked, voice_unavailable, voice_unsupported,
// conversation_in_call) stay the core's own words (en-core.js).

export default {
  'notice.micDenied': 'Microphone access was denied. You can keep chatting by text.',
  'notice.micMissing': 'No microphone was found. You can keep chatting by text.',
  'notice.micLost': 'The microphone was disconnected. Plug it back in to keep talking, or chat by text.',
  'notice.voiceMicWaiting': "Still waiting for the microphone: look for your browser's permission prompt, or keep chatting by text.",
  'notice.voiceAudioStalled': 'Your browser did not start audio for the call. You can keep chatting by text.',
  'notice.voiceEnded': 'The voice call was ended by the shop\'s side. You can start it again, or keep chatting by text.',
  'notice.voiceBusy': 'Voice calls are busy right now. Please try again later, or keep chatting by text.',
};
