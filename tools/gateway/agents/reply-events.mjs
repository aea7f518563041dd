// Checks what an agent adapter yields before it reaches a shopper. Agent
// output is untrusted (a shop's server, a language model): only the fields
// the protocol knows are passed on, in the shapes the widget's decoder
// accepts (wasm/src/chat/agent_protocol.cpp decides again on its side).
//
// checkAgentEvent(value) → { ok: true, events: [...] } (a long delta is split
// so no event's data is near the client's 64 KiB limit) or { ok: false, reason }.
// `dropped` (suggestions only) lists items refused while the rest passed.
import { checkSuggestions } from './suggestions.mjs';

export const MAX_DELTA_CHARS = 8_000;
const MAX_ID = 128;
const MAX_URL = 2048;
const DECIMAL = /^\d+(\.\d+)?$/;

function isHttpUrl(value) {
  if (typeof value !== 'string' || value.length > MAX_URL) return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

// A product as the `card` event carries it, or a string saying what is wrong.
export function checkProduct(product) {
  if (!product || typeof product !== 'object' || Array.isArray(product)) return 'card.product must be an object';
  const { id, name, url, image_url: image } = product;
  const price = typeof product.price === 'number' ? String(product.price) : product.price;
  const currency = typeof product.currency === 'string' ? product.currency.toUpperCase() : '';
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID) return 'card.product.id must be a string of 1 to 128 characters';
  if (typeof name !== 'string' || name.trim() === '') return 'card.product.name must be a non-blank string';
  if (typeof price !== 'string' || !DECIMAL.test(price)) return 'card.product.price must be a decimal like "59.99"';
  if (!/^[A-Z]{3}$/.test(currency)) return 'card.product.currency must be an ISO 4217 code like "GBP"';
  if (!isHttpUrl(url)) return 'card.product.url must be an http(s) link';
  const card = { id, name, price, currency, url };
  if (isHttpUrl(image)) card.image_url = image;
  return card;
}

export function checkAgentEvent(value) {
  const refuse = (reason) => ({ ok: false, reason });
  if (!value || typeof value !== 'object') return refuse('an event must be an object {event, data}');
  const data = value.data ?? {};
  if (value.event === 'delta') {
    if (typeof data.text !== 'string') return refuse('delta.text must be a string');
    if (data.text === '') return { ok: true, events: [] };
    const events = [];
    for (let i = 0; i < data.text.length;) {
      let end = Math.min(i + MAX_DELTA_CHARS, data.text.length);
      if (/[\uDC00-\uDFFF]/.test(data.text[end] ?? '')) end -= 1; // never between a surrogate pair
      events.push({ event: 'delta', data: { text: data.text.slice(i, end) } });
      i = end;
    }
    return { ok: true, events };
  }
  if (value.event === 'card') {
    const card = checkProduct(data.product);
    if (typeof card === 'string') return refuse(card);
    return { ok: true, events: [{ event: 'card', data: { product: card } }] };
  }
  if (value.event === 'suggestions') {
    const { data: kept, dropped } = checkSuggestions(data);
    if (!kept) return { ok: false, reason: `suggestions: nothing passed the checks${dropped.length ? ` (${dropped.join('; ')})` : ''}` };
    return { ok: true, events: [{ event: 'suggestions', data: kept }], dropped };
  }
  return refuse(`unknown event ${JSON.stringify(String(value.event)).slice(0, 40)} (an adapter yields delta, card or suggestions)`);
}
