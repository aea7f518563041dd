// The scripted storefront agent: a deterministic stand-in for a shop's AI.
// `composeReply(text, visitor)` decides what to say (greeting a known
// visitor by name: "Hi Ana!"); `replyEvents(...)` turns that into
// the protocol's event list (start, delta per token, card per product, done).
// Replies use the safe Markdown subset the widget renders: **bold**,
// *italic*, "- " bullet lists and [label](https://…) links.
import { pageAnswer } from './page-answers.mjs';
import { PLATFORM_LABELS, parseProductQuery, productsNamed, searchProducts, toCard } from './catalogue.mjs';

export const MAX_CARDS = 4;
export const TRADE_IN_URL = 'https://shop.example/trade-in';

const GREETING = /^\s*(hi|hello|hey|hiya|good (morning|afternoon|evening))\b[\s!.,?]*(there)?[\s!.,?]*$/i;
const TRADE_IN = /\btrade[\s-]?ins?\b|\bpart[\s-]exchange\b|\bsell (my|an?)\b/i;
const PRICE_FOLLOW_UP = /\bhow much\b.*\b(it|they|those|that|them)\b|\bwhat do(es)? (it|they) cost\b/i;

// The visitor's name as plain words in a Markdown reply: markup characters
// dropped, so a name can never add a link or emphasis to what the agent says.
export function nameForReply(visitor) {
  const name = String(visitor?.name ?? '').replace(/[*_[\]()`\\<>#~|]/g, '').replace(/\s+/g, ' ').trim();
  return name;
}

function greetingReply(name) {
  return `Hi${name ? ` ${name}` : ''}! I'm the **Pixel Harbour Games** assistant.` +
    ' Ask me about *PS5*, *Xbox* or *Switch* games, ' +
    'controllers and headsets, or about trading in your old kit.';
}

// Taps offered under the trade-in answer: the next questions a shopper
// asks there, and the page itself as a button.
const TRADE_IN_SUGGESTIONS = {
  replies: ['PS5 games', 'Controllers under 50'],
  links: [{ text: 'Trade-in page', url: TRADE_IN_URL }],
};

function tradeInReply() {
  return 'Yes, you can **trade in** consoles, controllers and games in working order.\n' +
    '- Bring them to any store, or post them to us for free\n' +
    '- We check them and credit you *the same day*\n' +
    `See what yours is worth on our [trade-in page](${TRADE_IN_URL}).`;
}

function fallbackReply() {
  return 'Sorry, I\'m not sure I can help with that. I can:\n' +
    '- find **games** and **consoles** (try *PS5 games*)\n' +
    '- show **controllers** and **headsets** (try *headset under 50*)\n' +
    `- explain trade-ins (see our [trade-in page](${TRADE_IN_URL}))`;
}

function describeQuery({ platforms, kinds, maxPrice }, count) {
  const platform = platforms.map((p) => PLATFORM_LABELS[p]).join('/');
  const noun = kinds.length === 1 ? kinds[0] : 'product';
  const kind = count === 1 ? noun : `${noun}s`;
  const price = maxPrice === null ? '' : ` under £${maxPrice}`;
  return `${platform ? `${platform} ` : ''}${kind}${price}`;
}

function searchReply(query) {
  const found = searchProducts(query);
  const what = describeQuery(query, found.length);
  if (found.length === 0) {
    return { text: `Sorry, we have no **${what}** in stock right now. Try a different platform or price.`, products: [] };
  }
  const shown = found.slice(0, MAX_CARDS);
  const lines = shown.map((p) => `- [${p.name}](${p.url}) for **£${p.price}**`);
  const more = found.length > shown.length ? `\n*${found.length - shown.length} more in the shop.*` : '';
  const count = found.length === 1 ? 'one' : String(found.length);
  return {
    text: `Yes! We have ${count} **${what}**:\n${lines.join('\n')}${more}`,
    products: shown,
  };
}

// The products the shopper named ("how much is Astro Bot?").
function namedReply(found) {
  const shown = found.slice(0, MAX_CARDS);
  const lines = shown.map((p) => `- [${p.name}](${p.url}) for **£${p.price}**`);
  return { text: `Yes, we have that:\n${lines.join('\n')}`, products: shown };
}

// "How much is it?": the prices of the products the shopper last asked
// about in this conversation (`transcript`, agents/transcripts.mjs), or null.
function priceFollowUp(transcript) {
  for (const entry of [...transcript].reverse()) {
    if (entry.role !== 'shopper') continue;
    const { products } = composeReply(entry.text);
    if (products.length === 0) continue;
    const lines = products.map((p) => `- [${p.name}](${p.url}) is **£${p.price}**`);
    return { text: `Here are the prices:\n${lines.join('\n')}`, products };
  }
  return null;
}

// What the agent says to `text`: { text, products, suggestions? } (products as
// in the catalogue; suggestions as the `suggestions` event's data).
// `visitor`: who asks (visitor.mjs), or null; `transcript`: the conversation so far;
// `context`: where the shopper is (page-answers.mjs), or null.
export function composeReply(text, visitor = null, transcript = [], context = null) {
  const aboutPage = pageAnswer(text, context);
  if (aboutPage) return aboutPage;
  if (TRADE_IN.test(text)) return { text: tradeInReply(), products: [], suggestions: TRADE_IN_SUGGESTIONS };
  const followUp = PRICE_FOLLOW_UP.test(text) ? priceFollowUp(transcript) : null;
  if (followUp) return followUp;
  if (GREETING.test(text)) return { text: greetingReply(nameForReply(visitor)), products: [] };
  const named = productsNamed(text);
  if (named.length > 0) return namedReply(named);
  const query = parseProductQuery(text);
  if (query) return searchReply(query);
  return { text: fallbackReply(), products: [] };
}

// Splits reply text into stream tokens: a word plus the whitespace after it
// (leading whitespace rides with the first token). Joining them gives the text back.
export function tokenize(text) {
  const tokens = text.match(/\S+\s*/g) ?? [];
  const lead = text.match(/^\s*/)[0];
  if (tokens.length === 0) return lead ? [lead] : [];
  tokens[0] = lead + tokens[0];
  return tokens;
}

// The full event list for one reply. `overrideText` (a test fault) replaces
// what the agent would have said, and then no cards are sent.
export function replyEvents({ replyId, text, visitor = null, transcript = [], context = null, overrideText = null }) {
  const reply = overrideText === null ? composeReply(text, visitor, transcript, context) : { text: overrideText, products: [] };
  return [
    { event: 'start', data: { reply_id: replyId } },
    ...tokenize(reply.text).map((t) => ({ event: 'delta', data: { text: t } })),
    ...reply.products.map((p) => ({ event: 'card', data: { product: toCard(p) } })),
    ...(reply.suggestions ? [{ event: 'suggestions', data: reply.suggestions }] : []),
    ...(reply.action ? [{ event: 'action', data: reply.action }] : []),
    { event: 'done', data: {} },
  ];
}
