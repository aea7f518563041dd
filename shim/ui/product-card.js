// A product card from the core's product_card_shown effect: the whole card
// is one real link (keyboard- and middle-click-friendly) to the product
// page, with an optional image, the name and a localized price. When the
// core says the card is savable, a Save toggle (a <button> with
// aria-pressed) sits beside the link, not inside it: a button inside a
// link is not valid HTML and no keyboard reaches it reliably.

import { LINK_REL, safeHref } from './rich-text.js';

// price: the decimal string the agent sent; currency: ISO 4217. An unknown
// currency code or unparsable price falls back to showing both as sent.
export function formatPrice(price, currency, locale = undefined) {
  const amount = Number(price);
  if (price === '' || !Number.isFinite(amount)) return `${price} ${currency}`.trim();
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
  } catch {
    return `${price} ${currency}`.trim();
  }
}

// The price into `el`, its currency symbol in a <bdi>: Arabic's "49.99 UK£"
// would otherwise be reordered by the bidirectional algorithm into
// "£UK 49.99"; isolated, it reads "49.99 UK£" right to left. The text is
// formatPrice's, so left-to-right languages look and read the same.
function appendPrice(doc, el, price, currency, locale) {
  let parts = null;
  try {
    if (price !== '' && Number.isFinite(Number(price))) {
      parts = new Intl.NumberFormat(locale, { style: 'currency', currency }).formatToParts(Number(price));
    }
  } catch { /* an unknown currency code: shown as sent */ }
  if (!parts) {
    el.textContent = formatPrice(price, currency, locale);
    return;
  }
  for (const { type, value } of parts) {
    if (type !== 'currency') {
      el.appendChild(doc.createTextNode(value));
      continue;
    }
    const symbol = doc.createElement('bdi');
    symbol.textContent = value;
    el.appendChild(symbol);
  }
}

// The Save toggle of a savable card: its pressed state is the core's
// (product_saved_changed); a click only tells the core (onToggle). Its name
// says which product, the visible word says what it does.
export function renderSaveToggle(doc, card, { t, onToggle }) {
  const button = doc.createElement('button');
  button.className = 'card-save';
  button.setAttribute('type', 'button');
  button.setAttribute('part', 'card-save');
  button.setAttribute('aria-pressed', card.saved ? 'true' : 'false');
  button.setAttribute('aria-label', t('card.saveLabel', { name: card.name }));
  button.textContent = t('card.save');
  button.addEventListener('click', () => onToggle(card.product_id));
  return button;
}

// locale: the widget's BCP 47 tag (i18n/locale.js), for the price.
export function renderProductCard(doc, card, { locale } = {}) {
  const href = safeHref(card.url);
  const root = doc.createElement(href ? 'a' : 'div');
  root.className = 'card';
  root.setAttribute('part', 'card');
  if (href) {
    root.setAttribute('href', href);
    root.setAttribute('rel', LINK_REL);
    root.setAttribute('target', '_blank');
  }
  const image = safeHref(card.image_url);
  if (image) {
    const img = doc.createElement('img');
    img.className = 'card-image';
    img.setAttribute('src', image);
    img.setAttribute('alt', ''); // the name beside it says what it is
    img.setAttribute('loading', 'lazy');
    img.setAttribute('referrerpolicy', 'no-referrer');
    img.addEventListener('error', () => img.remove()); // a dead image link leaves a tidy text card
    root.appendChild(img);
  }
  const text = doc.createElement('span');
  text.className = 'card-text';
  const name = doc.createElement('span');
  name.className = 'card-name';
  name.textContent = card.name;
  // An English name in a right-to-left panel keeps its own direction, so
  // a long one is cut at its end ("Marvel's Spider-Ma…"), not its start.
  name.setAttribute('dir', 'auto');
  const price = doc.createElement('span');
  price.className = 'card-price';
  appendPrice(doc, price, card.price, card.currency, locale);
  text.appendChild(name);
  text.appendChild(price);
  root.appendChild(text);
  return root;
}
