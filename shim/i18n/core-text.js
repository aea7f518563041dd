// Texts the core sends ready to show (composer_error, notice_shown,
// status_changed) are English. Where the effect carries a stable code or
// state, the active catalogue's text replaces it; without a translation or
// a shop override the core's own words stay. Texts with no stable code
// (failure details, "failed" statuses, proxy diagnoses) stay English.
//
//   const run = localizeEffects(runEffect, t, { maxChars: 4000 });

const COMPOSER = { too_long: 'composer.tooLong', outbox_full: 'composer.outboxFull' };
const NOTICE = {
  fresh_session: 'notice.freshSession',
  mic_denied: 'notice.micDenied',
  mic_missing: 'notice.micMissing',
  mic_lost: 'notice.micLost',
  voice_unavailable: 'notice.voiceUnavailable',
};

function statusKey(e) {
  switch (e.state) {
    case 'connecting': return /^Reconnecting/.test(e.text) ? 'status.reconnectingNow' : 'status.connecting';
    case 'connected': return 'status.connected';
    case 'offline': return 'status.offline';
    case 'reconnecting': return 'status.reconnectingIn';
    case 'closed': return e.can_retry_now ? 'status.closedElsewhere' : 'status.closed';
    default: return '';
  }
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
  } else if (effect.type === 'status_changed') {
    key = statusKey(effect);
    vars = { seconds: Math.ceil(Math.max(0, effect.retry_in_ms) / 1000) };
  }
  if (!key || !t.custom(key)) return effect;
  return { ...effect, text: t(key, vars) };
}

export function localizeEffects(runEffect, t, options) {
  return (effect) => runEffect(localizeEffect(effect, t, options));
}

// The delivery line under a shopper bubble (delivery_changed.state).
export function deliveryLine(t, state, detail) {
  if (state === 'failed' && detail) return t('delivery.failedDetail', { detail });
  return t.has(`delivery.${state}`) ? t(`delivery.${state}`) : state;
}
