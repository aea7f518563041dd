// The English of the live session's UI beyond a first chat: the call bar,
// the handoff bar's email form and typing line (ui/voice-bar.js,
// ui/handoff-bar.js) and the banner on a device whose chat continued
// elsewhere (ui/elsewhere-banner.js). Not in en.js: only the session UI
// chunk draws them, so they ship with it. Every other catalogue translates
// them, key for key (tests/node/i18n-catalogues.test.mjs takes this file
// into its English reference).

export default {
  'voice.call': 'Voice call',
  'voice.end': 'End call',
  'voice.mute': 'Mute',
  'voice.unmute': 'Unmute',
  'voice.state.requesting_mic': 'Allow the microphone…',
  'voice.state.connecting': 'Connecting…',
  'voice.state.agent_speaking': 'Agent speaking',
  'voice.state.listening': 'Listening',
  'voice.state.user_speaking': 'You are speaking',
  'voice.state.ending': 'Ending call…',
  'voice.state.muted': 'Muted',
  'handoff.emailPrompt': "Leave your email and someone from the shop will write back.",
  'handoff.emailLabel': "Your email",
  'handoff.emailSend': "Send email",
  'handoff.emailSaved': "Thanks! The shop will reply to {email}.",
  'typing.staff': "{name} is typing…",
  'continue.elsewhere': 'Continued on another device — not you?',
  'continue.revoke': 'Revoke',
};
