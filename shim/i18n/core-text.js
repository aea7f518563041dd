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

import { CORE_CODES } from './core-codes.js';

// A core text's catalogue key: its kind's prefix and its code in camel case
// (notice fresh_session -> notice.freshSession, failure not_sent ->
// failure.notSent). A code that shares another's words names that one.
// Derived rather than listed, so the core bundle carries no table of them;
// the codes the core sends, kind by kind, are in core-codes.js, which the
// catalogue test checks against the catalogues.
const SAME_WORDS = {
  reconnecting: 'reconnecting_in', // the countdown's words
  continue_bad_code: 'continue_unknown',
  continue_refused: 'continue_failed',
};
const camel = (code) => code.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
export const keyOf = (prefix, code) => (code ? `${prefix}.${camel(SAME_WORDS[code] ?? code)}` : '');

// key's text in the active catalogue (or the shop's override), else `fallback`.
function say(t, key, vars, fallback) {
  return key && t.custom(key) ? t(key, vars) : fallback;
}

function localizeStatus(e, t) {
  const diagnosis = e.diagnosis
    ? say(t, keyOf('diagnosis', e.diagnosis_code), { status: e.diagnosis_status }, e.diagnosis)
    : e.diagnosis;
  const seconds = Math.ceil(Math.max(0, e.retry_in_ms) / 1000);
  return { ...e, text: say(t, keyOf('status', e.code), { seconds }, e.text), diagnosis };
}

function localizeDelivery(e, t) {
  if (!e.detail || !e.reason) return e;
  let key = keyOf('failure', e.reason);
  if (e.reason === 'agent_failed' && e.reason_arg) key = 'failure.agentFailedWith';
  return { ...e, detail: say(t, key, { status: e.reason_arg, message: e.reason_arg }, e.detail) };
}

// Returns the effect with its text localized, or the effect itself.
export function localizeEffect(effect, t, { maxChars = 4000 } = {}) {
  let key = '';
  let vars;
  if (effect.type === 'composer_error') {
    key = keyOf('composer', effect.code);
    vars = { limit: new Intl.NumberFormat(t.tag).format(maxChars) };
  } else if (effect.type === 'notice_shown') {
    key = keyOf('notice', effect.code);
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
    key = keyOf('handoff', effect.code); // the email form's refusal (presence.hpp)
  }
  if (!key || !t.custom(key)) return effect;
  return { ...effect, text: t(key, vars) };
}

// Every catalogue key a core text can be replaced by, for the catalogue test
// (tests/node/i18n-catalogues.test.mjs); the widget never calls it. Their
// English is in en-core.js, or in en.js where the shim shows it itself, or
// for a call's notices (call_notice, said by code only) in en-call.js.
export function coreTextKeys() {
  const keys = Object.entries(CORE_CODES).flatMap(([prefix, codes]) => codes.map((code) => keyOf(prefix, code)));
  return [...new Set([...keys, 'failure.agentFailedWith'])];
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
