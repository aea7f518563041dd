// Texts the core sends ready to show (composer_error, notice_shown,
// status_changed with its diagnosis, a failed delivery's detail) are
// English. Each comes with a stable code (effects.hpp); the active
// catalogue's text for that code replaces the core's words. Without a
// translation or a shop override the core's own words stay, so the bundle's
// English catalogue does not carry them (en-core.js, not shipped, does).
// The one part that is never translated is an agent's own error message,
// quoted as is.
//
//   const run = localizeEffects(runEffect, t, { maxChars: 4000 });

import { CONTINUE_NOTICES, CONTINUE_STATUS } from './continue-text.js';

const COMPOSER = { too_long: 'composer.tooLong', outbox_full: 'composer.outboxFull' };
const NOTICE = {
  fresh_session: 'notice.freshSession',
  mic_denied: 'notice.micDenied',
  mic_missing: 'notice.micMissing',
  mic_lost: 'notice.micLost',
  voice_unavailable: 'notice.voiceUnavailable',
  voice_unsupported: 'notice.voiceUnsupported',
  voice_blocked: 'notice.voiceBlocked',
  voice_mic_waiting: 'notice.voiceMicWaiting',
  voice_audio_stalled: 'notice.voiceAudioStalled',
  handoff_asked: 'notice.handoffAsked',
  handoff_waiting: 'notice.handoffWaiting',
  handoff_wait: 'notice.handoffWait',
  handoff_joined: 'notice.handoffJoined',
  handoff_left: 'notice.handoffLeft',
  handoff_back: 'notice.handoffBack',
  handoff_unavailable: 'notice.handoffUnavailable',
  conversation_in_call: 'notice.conversationInCall',
  ...CONTINUE_NOTICES,
};

const STATUS = {
  connecting: 'status.connecting',
  reconnecting_now: 'status.reconnectingNow',
  connected: 'status.connected',
  offline: 'status.offline',
  reconnecting: 'status.reconnectingIn',
  closed: 'status.closed',
  closed_elsewhere: 'status.closedElsewhere',
  update_required: 'status.updateRequired',
  credentials_refused: 'status.credentialsRefused',
  unsupported_client: 'status.unsupportedClient',
  ...CONTINUE_STATUS,
};
const DIAGNOSIS = {
  drops_after_open: 'diagnosis.dropsAfterOpen',
  upgrade_headers_dropped: 'diagnosis.upgradeHeadersDropped',
  proxy_error: 'diagnosis.proxyError',
  service_unavailable: 'diagnosis.serviceUnavailable',
};
// A failed delivery's reason; agent_failed with a message of the agent's own.
const REASON = {
  unreadable: 'failure.unreadable',
  not_authorised: 'failure.notAuthorised',
  too_large: 'failure.tooLarge',
  conflict: 'failure.conflict',
  http_error: 'failure.httpError',
  agent_failed: 'failure.agentFailed',
  unreachable: 'failure.unreachable',
  not_sent: 'failure.notSent', // over HTTP: left unanswered by an earlier page (send_machine.hpp)
};

// The email form's refusal (presence.hpp, handoff_email_form.code).
const EMAIL_FORM = { bad_email: 'handoff.badEmail' };

// key's text in the active catalogue (or the shop's override), else `fallback`.
function say(t, key, vars, fallback) {
  return key && t.custom(key) ? t(key, vars) : fallback;
}

function localizeStatus(e, t) {
  const diagnosis = e.diagnosis
    ? say(t, DIAGNOSIS[e.diagnosis_code], { status: e.diagnosis_status }, e.diagnosis)
    : e.diagnosis;
  const seconds = Math.ceil(Math.max(0, e.retry_in_ms) / 1000);
  return { ...e, text: say(t, STATUS[e.code], { seconds }, e.text), diagnosis };
}

function localizeDelivery(e, t) {
  if (!e.detail || !e.reason) return e;
  let key = REASON[e.reason];
  if (e.reason === 'agent_failed' && e.reason_arg) key = 'failure.agentFailedWith';
  return { ...e, detail: say(t, key, { status: e.reason_arg, message: e.reason_arg }, e.detail) };
}

// Returns the effect with its text localized, or the effect itself.
export function localizeEffect(effect, t, { maxChars = 4000 } = {}) {
  let key = '';
  let vars;
  if (effect.type === 'composer_error') {
    key = COMPOSER[effect.code] || '';
    vars = { limit: new Intl.NumberFormat(t.tag).format(maxChars) };
  } else if (effect.type === 'notice_shown') {
    key = NOTICE[effect.code] || '';
    // The notice's one variable part (a staff name, a queue position, the
    // estimated wait in minutes: Intl says "1 minute" / "3 Minuten" / "٣ دقائق").
    const n = Number(effect.arg) || 0;
    if (effect.arg) {
      vars = { name: effect.arg, position: new Intl.NumberFormat(t.tag).format(n),
        minutes: new Intl.NumberFormat(t.tag, { style: 'unit', unit: 'minute', unitDisplay: 'long' }).format(n) };
    }
  } else if (effect.type === 'status_changed') {
    return localizeStatus(effect, t);
  } else if (effect.type === 'delivery_changed') {
    return localizeDelivery(effect, t);
  } else if (effect.type === 'handoff_email_form') {
    key = EMAIL_FORM[effect.code] || '';
  }
  if (!key || !t.custom(key)) return effect;
  return { ...effect, text: t(key, vars) };
}

// Every catalogue key a core text can be replaced by, for the catalogue test
// (tests/node/i18n-catalogues.test.mjs); the widget never calls it. Their
// English is in en-core.js, or in en.js where the shim shows it itself.
export function coreTextKeys() {
  const maps = [COMPOSER, NOTICE, STATUS, DIAGNOSIS, REASON, EMAIL_FORM];
  return [...new Set([...maps.flatMap(Object.values), 'failure.agentFailedWith'])];
}

export function localizeEffects(runEffect, t, options) {
  return (effect) => runEffect(localizeEffect(effect, t, options));
}

// The delivery line under a shopper bubble (delivery_changed.state, and in
// the live session its receipt: delivered, or read by a person of the shop).
export function deliveryLine(t, state, detail, receipt = '', by = '') {
  if (state === 'failed' && detail) return t('delivery.failedDetail', { detail });
  if (receipt === 'read') return t('delivery.read', { name: by });
  if (receipt === 'delivered') return t('delivery.delivered');
  return t.has(`delivery.${state}`) ? t(`delivery.${state}`) : state;
}
