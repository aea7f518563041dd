// DOM builders for the console. Everything a shopper, an agent or a staff
// member wrote is untrusted: it only ever becomes text (text nodes,
// textContent), never markup, and a link only when it is http(s). Messages
// show as the shopper saw them (markdown-text.js), as in History.
import { h, safeHref } from './dom.js';
import { markdownText } from './markdown-text.js';

export { h, safeHref };

// 75_000 → "1:15" (minutes:seconds); an hour or more "1:02:03".
export function formatWait(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const [hours, minutes, seconds] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const two = (n) => String(n).padStart(2, '0');
  return hours ? `${hours}:${two(minutes)}:${two(seconds)}` : `${minutes}:${two(seconds)}`;
}

// A conversation id short enough to read aloud.
export const shortId = (id) => String(id).slice(0, 8);

// The state as the list and the detail say it.
export function stateText(t, item) {
  if (item.state === 'waiting') return t('state.waiting', { time: formatWait(item.waiting_ms ?? 0) });
  if (item.state === 'person') return t('state.person', { name: item.by?.name ?? '' });
  return t('state.ai');
}

function price(card, lang) {
  try {
    return new Intl.NumberFormat(lang, { style: 'currency', currency: card.currency }).format(card.price);
  } catch { return `${card.price} ${card.currency ?? ''}`.trim(); }
}

function cardItem(t, card, lang) {
  const href = safeHref(card.url);
  const name = String(card.name ?? '');
  return h('li', { class: 'card' },
    h('span', { class: 'card-name' }, name), ' ',
    h('span', { class: 'card-price' }, price(card, lang)), ' ',
    href ? h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, t('card.link', { name })) : null);
}

// A message (`kind` shopper, agent or staff) rendered as the shopper saw it;
// a note stays plain text, as staff typed it.
function line(who, text, kind, extra = null) {
  const body = kind === 'note' ? h('span', { class: 'text' }, text) : markdownText(text);
  body.classList.add('text');
  return h('li', { class: `line ${kind}` }, h('span', { class: 'who' }, who), ' ', body, extra);
}

// The AI's recent turns: [{role, text, cards?, attachments?}] → <ol>.
// `photos(attachments)` draws a shopper's photos (photos.js), or null.
export function transcriptList(t, transcript, lang, photos = () => null) {
  if (!transcript?.length) return h('p', { class: 'empty' }, t('detail.noTranscript'));
  return h('ol', { class: 'transcript' }, transcript.map((e) => line(
    t(e.role === 'shopper' ? 'who.shopper' : 'who.agent'), String(e.text ?? ''), e.role === 'shopper' ? 'shopper' : 'agent',
    [e.cards?.length ? h('ul', { class: 'cards' }, e.cards.map((c) => cardItem(t, c, lang))) : null,
      e.role === 'shopper' ? photos(e.attachments ?? []) : null],
  )));
}

// The staff record: held shopper messages (with their photos: `photos`
// as for transcriptList), staff messages, notes, handoff requests, emails → <ol>.
export function entryList(t, entries, photos = () => null) {
  if (!entries?.length) return h('p', { class: 'empty' }, t('detail.noTranscript'));
  return h('ol', { class: 'entries' }, entries.map((e) => {
    if (e.kind === 'shopper') return line(t('who.shopper'), String(e.text ?? ''), 'shopper', photos(e.attachments ?? []));
    if (e.kind === 'staff') return line(t('who.staff', { name: e.name }), String(e.text ?? ''), 'staff');
    if (e.kind === 'note') return line(t('who.note', { name: e.name }), String(e.text ?? ''), 'note');
    if (e.kind === 'email') return h('li', { class: 'line event' }, t('who.email', { email: String(e.email ?? '') }));
    if (e.kind === 'handoff') return h('li', { class: 'line event' }, t('who.handoff'), e.summary ? `: ${e.summary}` : '');
    return null;
  }));
}

// Who the shop said the shopper is ({id, name, email} or null).
export function visitorText(t, visitor) {
  if (!visitor) return t('detail.anonymous');
  return [visitor.name, visitor.email, visitor.id && `#${visitor.id}`].filter(Boolean).join(' · ');
}

// Where the shopper was at their newest turn (the page context the widget
// sent; docs/protocol.md "Page and cart context"), as plain text per fact:
// {page, product, cart}, each '' when the context has none. The shop's page
// wrote these: shown as text, never as markup or a link.
export function contextFacts(t, context) {
  const c = context ?? {};
  const money = (price, currency) => [price, currency].filter(Boolean).join(' ');
  const page = c.page ? [c.page.title, c.page.path].filter(Boolean).join(' · ') : '';
  const p = c.product;
  const product = p ? [p.name ?? p.id, c.variant?.name, money(p.price, p.currency),
    p.availability && t(`availability.${p.availability}`)].filter(Boolean).join(' · ') : '';
  const cart = c.cart ? (c.cart.items.length === 0 ? t('cart.empty') : [
    c.cart.items.map((i) => `${i.quantity} × ${[i.name ?? i.id, i.variant].filter(Boolean).join(' (') + (i.variant ? ')' : '')}`).join(', '),
    c.cart.total && t('cart.total', { total: money(c.cart.total, c.cart.currency) }),
  ].filter(Boolean).join(' · ')) : '';
  return { page, product, cart };
}

// What the page ran for the agent ("Actions", docs/protocol.md), newest
// last, one line each: "add_to_cart: done (Added Astro Bot to your basket)".
// The name and the message are the shop page's words: text only, each
// isolated (FSI ... PDI, as <bdi> does) so an English name or message keeps
// its own order inside an Arabic line instead of being reordered with it.
const isolate = (text) => `\u2068${text}\u2069`;
export function actionLines(t, actions) {
  return (actions ?? []).map((a) => {
    const said = a.result?.message ? ` (${isolate(String(a.result.message))})` : '';
    return t(a.result?.ok ? 'action.done' : 'action.failed', { name: isolate(String(a.name ?? '')) }) + said;
  });
}
