// The codes of the texts the core says itself (effects.hpp), by the prefix
// of their catalogue keys (core-text.js keyOf): composer errors, notices,
// status lines, diagnoses, a failed delivery's reason, the handoff email
// form's refusal. The catalogue test (tests/node/i18n-catalogues.test.mjs)
// checks every one has English and a translation; the widget itself
// derives the key from the code and does not ship this list.
export const CORE_CODES = {
  composer: ['too_long', 'outbox_full'],
  notice: [
    'fresh_session', 'mic_denied', 'mic_missing', 'mic_lost', 'voice_unavailable', 'voice_unsupported', 'voice_blocked',
    'voice_mic_waiting', 'voice_audio_stalled', 'voice_busy', 'voice_ended', 'handoff_asked', 'handoff_waiting', 'handoff_wait', 'handoff_joined',
    'handoff_left', 'handoff_back', 'handoff_unavailable', 'conversation_in_call',
    // continue on your phone (wasm/src/people/device_link.cpp)
    'continued_here', 'continue_revoked', 'continue_used', 'continue_expired', 'continue_unknown', 'continue_bad_code',
    'continue_rate_limited', 'continue_failed', 'continue_refused', 'continue_offline', 'continue_not_here',
  ],
  status: [
    'connecting', 'reconnecting_now', 'connected', 'offline', 'reconnecting', 'closed', 'closed_elsewhere',
    'update_required', 'credentials_refused', 'unsupported_client',
    'continued_elsewhere', 'closed_other_device', 'revoked',
  ],
  diagnosis: ['drops_after_open', 'upgrade_headers_dropped', 'proxy_error', 'service_unavailable'],
  // over HTTP not_sent: left unanswered by an earlier page (send_machine.hpp)
  failure: ['unreadable', 'not_authorised', 'too_large', 'conflict', 'http_error', 'agent_failed', 'unreachable', 'not_sent'],
  handoff: ['bad_email'],
};
