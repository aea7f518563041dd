// The tools the `openai` adapter offers the model, backed by the shop's own
// catalogue (shop-catalogue.mjs):
//   search_products {query, max_price?}   → matching products; they become
//                                           product cards in the reply
//   trade_in_quote  {item, condition}     → what the shop pays for a used item
//   suggest_replies {replies?, links?}    → reply chips and https link buttons
//       under the answer (suggestions.mjs checks them; once per turn)
//   handoff         {reason, summary?}    → asks the gateway for a person
//       (the turn's `handoff`: ai -> waiting, or "nobody is available" when no
//       staff is online; session/handoff-frames.mjs) with the model's summary,
//       which staff read first; tells the shopper so. Requests are also kept
//       here (`handoffs`) and logged.
//
// createShopTools({products, shop?, log}) → { definitions (the Chat
// Completions `tools` array), run(name, argumentsJson, turn) → a promise of
// { result (JSON for the model), events (reply events for the shopper) },
// handoffs }. `shop` (vendure-shop.mjs) answers search_products live from
// the shop's storefront, with stock per variant, instead of `products`.
import { checkSuggestions, MAX_LINKS, MAX_REPLIES, MAX_TEXT } from './suggestions.mjs';

export const MAX_CARDS = 4;
export const MAX_HANDOFFS = 1_000;
export const HANDOFF_NOTE = 'I have asked for a person from the shop to join this conversation.';
// What a used item in each condition is worth, against the catalogue's
// trade_in (the price for "good"). Broken items are not taken.
export const CONDITION_FACTORS = Object.freeze({ like_new: 1, good: 1, worn: 0.5, broken: 0 });

const STOP_WORDS = new Set(('a an and any are can do for from got have i in is it me my of on or please show some ' +
  'the to under what which with you your').split(' '));

function words(text) {
  return (String(text).toLowerCase().match(/[a-z0-9]+/g) ?? [])
    .filter((w) => !STOP_WORDS.has(w))
    .map((w) => (w.length > 3 && w.endsWith('s') ? w.slice(0, -1) : w));
}

// Products matching the most words of `query`, at most `maxPrice`, in
// catalogue order; none when nothing matches a word.
export function searchCatalogue(products, { query, maxPrice = null, limit = MAX_CARDS }) {
  const wanted = [...new Set(words(query))];
  const scored = products
    .filter((p) => maxPrice === null || Number(p.price) <= maxPrice)
    .map((p) => {
      const own = new Set([...words(p.name), ...p.tags.flatMap(words)]);
      return { p, score: wanted.filter((w) => own.has(w)).length };
    });
  const best = Math.max(0, ...scored.map((s) => s.score));
  if (best === 0) return [];
  return scored.filter((s) => s.score === best).slice(0, limit).map((s) => s.p);
}

const DEFINITIONS = [
  {
    type: 'function',
    function: {
      name: 'search_products',
      description: 'Search the shop\'s catalogue. The products found are shown to the shopper as cards.',
      parameters: {
        type: 'object',
        properties: {
          query: { type: 'string', description: 'What the shopper wants, e.g. "PS5 games" or "wireless headset".' },
          max_price: { type: 'number', description: 'Highest price, in the catalogue\'s currency.' },
        },
        required: ['query'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'trade_in_quote',
      description: 'What the shop pays for a used item traded in.',
      parameters: {
        type: 'object',
        properties: {
          item: { type: 'string', description: 'The item, e.g. "Xbox Series X".' },
          condition: { type: 'string', enum: Object.keys(CONDITION_FACTORS) },
        },
        required: ['item', 'condition'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'suggest_replies',
      description: 'Offer the shopper short answers to tap under your reply (e.g. the options of a question you '
        + 'asked), and link buttons. At most once per answer.',
      parameters: {
        type: 'object',
        properties: {
          replies: {
            type: 'array', maxItems: MAX_REPLIES, items: { type: 'string', maxLength: MAX_TEXT },
            description: 'What the shopper may answer, in their language, e.g. "Yes" or "Size 10".',
          },
          links: {
            type: 'array', maxItems: MAX_LINKS,
            items: {
              type: 'object',
              properties: { text: { type: 'string', maxLength: MAX_TEXT }, url: { type: 'string', description: 'https only' } },
              required: ['text', 'url'],
            },
          },
        },
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'handoff',
      description: 'The shopper wants to talk to a person from the shop.',
      parameters: {
        type: 'object',
        properties: {
          reason: { type: 'string', description: 'Why, in a few words.' },
          summary: { type: 'string', description: 'What the shopper wants and what was tried, for the person who takes over.' },
        },
        required: ['reason'],
      },
    },
  },
];

const summary = ({ id, name, price, currency, url, tags, in_stock: inStock, variants }) => ({
  id, name, price, currency, url, tags, ...(inStock === undefined ? {} : { in_stock: inStock }), ...(variants ? { variants } : {}),
});
const card = ({ id, name, price, currency, url, image_url: image }) => ({
  event: 'card', data: { product: { id, name, price, currency, url, ...(image ? { image_url: image } : {}) } },
});

export function createShopTools({ products = [], shop = null, log = () => {} }) {
  const handoffs = [];

  const tools = {
    async search_products({ query, max_price: maxPrice }) {
      if (typeof query !== 'string' || query.trim() === '') return { result: { error: 'query must be a non-empty string' } };
      let candidates = products;
      if (shop) {
        try {
          candidates = await shop.candidates(query);
        } catch (error) {
          log(`[agent] search_products: ${error?.message ?? error}`);
          return { result: { error: 'the shop\'s catalogue cannot be reached right now; say so and offer to try again' } };
        }
      }
      const found = searchCatalogue(candidates, { query, maxPrice: typeof maxPrice === 'number' ? maxPrice : null });
      return { result: { products: found.map(summary), shown_as_cards: found.length > 0 }, events: found.map(card) };
    },

    trade_in_quote({ item, condition }) {
      const factor = CONDITION_FACTORS[condition];
      if (typeof item !== 'string' || factor === undefined) {
        return { result: { error: `give an item and a condition (${Object.keys(CONDITION_FACTORS).join(', ')})` } };
      }
      const [match] = searchCatalogue(products.filter((p) => p.trade_in !== undefined), { query: item, limit: 1 });
      if (!match) return { result: { found: false, note: 'The shop has no trade-in price for that item.' } };
      if (factor === 0) return { result: { item: match.name, condition, accepted: false } };
      const offer = { item: match.name, condition, offer: (match.trade_in * factor).toFixed(2), currency: match.currency };
      return {
        result: { ...offer, accepted: true },
        events: [{ event: 'lead', data: { kind: 'trade_in', data: offer } }], // the quote is a lead for the shop's record
      };
    },

    suggest_replies(args) {
      const { data, dropped } = checkSuggestions(args);
      if (dropped.length) log(`[agent] suggest_replies: dropped ${dropped.join('; ')}`);
      if (!data) return { result: { shown: false, error: `nothing usable: ${dropped.join('; ')}` } };
      return { result: { shown: true, replies: data.replies, links: data.links.map((l) => l.text), dropped }, events: [{ event: 'suggestions', data }] };
    },

    handoff({ reason, summary }, turn, { handoff: ask } = {}) {
      const request = {
        conversation_id: turn.conversation_id, message_id: turn.message_id,
        reason: String(reason ?? '').slice(0, 500), summary: String(summary ?? '').slice(0, 2000), at: new Date().toISOString(),
      };
      // The summary staff read first: the model's own, else its reason.
      ask?.(request.summary || request.reason).catch((error) => log(`[agent] handoff request failed: ${error?.message ?? error}`));
      handoffs.push(request);
      if (handoffs.length > MAX_HANDOFFS) handoffs.shift();
      log(`[agent] handoff requested in conversation ${turn.conversation_id}: ${JSON.stringify(request.reason)}`);
      return {
        result: { recorded: true, shopper_was_told: HANDOFF_NOTE, note: 'Do not repeat it or promise a time.' },
        events: [{ event: 'delta', data: { text: `\n\n${HANDOFF_NOTE}` } }],
      };
    },
  };

  return {
    definitions: DEFINITIONS,
    handoffs,
    async run(name, argumentsJson, turn, context = {}) {
      const tool = Object.hasOwn(tools, name) ? tools[name] : null;
      if (!tool) return { result: { error: `there is no tool ${JSON.stringify(name)}` }, events: [] };
      let args;
      try { args = JSON.parse(argumentsJson || '{}'); } catch { args = null; }
      if (!args || typeof args !== 'object') return { result: { error: 'the arguments are not a JSON object' }, events: [] };
      const { result, events = [] } = await tool(args, turn, context);
      return { result, events };
    },
  };
}
