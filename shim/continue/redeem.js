// Carries out continue_redeem (wasm/src/people/device_link.hpp): POSTs the secret
// or typed code as JSON (never in the URL) and hands the gateway's answer
// back as continue_redeemed. Nothing is decided here: the core adopts the
// conversation or tells the shopper why not. Nothing here is logged.

// The gateway's transcript ([{role: shopper|agent, text, cards?}]) in the
// shape the core restores (wasm/src/chat/transcript.hpp; it re-checks every
// entry): each agent entry answers the shopper entry before it.
export function coreTranscript(entries) {
  let id = 'continued-0';
  return entries.filter((e) => e && (e.role === 'shopper' || e.role === 'agent')).map((e, i) => {
    if (e.role === 'shopper') {
      id = `continued-${i + 1}`;
      return { role: 'user', id, text: e.text };
    }
    const cards = Array.isArray(e.cards) ? e.cards.map((c) => ({ ...c, product_id: c?.id })) : undefined;
    return { role: 'agent', id, text: e.text, ...(cards ? { cards } : {}) };
  });
}

export function createContinueRedeem({ fetch, dispatch }) {
  return async function redeem({ request_id: requestId, url, secret, code }) {
    const answer = { type: 'continue_redeemed', request_id: requestId, status: 0, code: '' };
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(secret ? { secret } : { code }),
        credentials: 'omit',
        cache: 'no-store',
      });
      answer.status = res.status;
      const body = await res.json().catch(() => ({}));
      if (res.ok) {
        answer.session_id = String(body.session_id ?? '');
        answer.resume_token = String(body.resume_token ?? '');
        answer.last_event_seq = Number.isSafeInteger(body.last_event_seq) && body.last_event_seq >= 0 ? body.last_event_seq : 0;
        if (Array.isArray(body.transcript)) answer.transcript = coreTranscript(body.transcript);
        if (Array.isArray(body.saved)) answer.saved = body.saved; // the core re-checks each like a card
      } else {
        answer.code = String(body?.error?.code ?? '');
      }
    } catch {
      answer.status = 0; // no answer: the core says it could not continue here
    }
    dispatch(answer);
  };
}
