// The demo shop's catalogue and the one query the agent runs against it.
// Fixed data, no randomness: the same question always finds the same
// products in the same (catalogue) order.

const SHOP = 'https://shop.example';

// No images by default: the demo has no image host, and a dead image is a
// console error in every browser test.
function product(slug, name, price, platforms, kind, { image = false } = {}) {
  return {
    id: `sku-${slug}`,
    name,
    price, // decimal string, GBP
    currency: 'GBP',
    url: `${SHOP}/products/${slug}`,
    ...(image ? { image_url: `${SHOP}/images/${slug}.png` } : {}),
    platforms, // which consoles it is for
    kind, // 'game' | 'console' | 'controller' | 'headset'
  };
}

export const PRODUCTS = Object.freeze([
  product('astro-bot-ps5', 'Astro Bot (PS5)', '49.99', ['ps5'], 'game'),
  product('gran-turismo-7-ps5', 'Gran Turismo 7 (PS5)', '39.99', ['ps5'], 'game'),
  product('spider-man-2-ps5', "Marvel's Spider-Man 2 (PS5)", '54.99', ['ps5'], 'game'),
  product('ps5-slim-console', 'PlayStation 5 Slim Console', '429.99', ['ps5'], 'console'),
  product('dualsense-controller', 'DualSense Wireless Controller', '59.99', ['ps5'], 'controller'),
  product('xbox-series-x', 'Xbox Series X 1TB', '449.99', ['xbox'], 'console'),
  product('forza-horizon-5-xbox', 'Forza Horizon 5 (Xbox)', '29.99', ['xbox'], 'game'),
  product('xbox-wireless-controller', 'Xbox Wireless Controller', '49.99', ['xbox'], 'controller'),
  product('switch-oled', 'Nintendo Switch OLED', '309.99', ['switch'], 'console'),
  product('mario-kart-8-deluxe', 'Mario Kart 8 Deluxe (Switch)', '44.99', ['switch'], 'game'),
  product('switch-pro-controller', 'Nintendo Switch Pro Controller', '54.99', ['switch'], 'controller',
    { image: false }),
  product('joy-con-pair', 'Joy-Con Pair (Neon Red/Blue)', '69.99', ['switch'], 'controller'),
  product('stealth-headset', 'Nova Stealth Wired Headset', '34.99', ['ps5', 'xbox', 'switch'], 'headset',
    { image: false }),
  product('arctis-wireless-headset', 'Arctis Wireless Gaming Headset', '89.99', ['ps5', 'xbox'], 'headset'),
]);

const PLATFORM_WORDS = {
  ps5: 'ps5', playstation: 'ps5', 'playstation 5': 'ps5', ps: 'ps5',
  xbox: 'xbox',
  switch: 'switch', nintendo: 'switch',
};
const KIND_WORDS = {
  game: 'game', games: 'game',
  console: 'console', consoles: 'console',
  controller: 'controller', controllers: 'controller', pad: 'controller', pads: 'controller',
  gamepad: 'controller', gamepads: 'controller', 'joy-con': 'controller', joycon: 'controller',
  headset: 'headset', headsets: 'headset', headphones: 'headset',
};
export const PLATFORM_LABELS = { ps5: 'PS5', xbox: 'Xbox', switch: 'Switch' };

// Reads what a shopper asked for: platforms, kinds and an optional price
// ceiling ("under 50", "below £60", "less than 40"). Returns null when the
// text names neither a platform nor a kind of product.
export function parseProductQuery(text) {
  const lower = text.toLowerCase();
  const words = lower.match(/[a-z0-9-]+/g) ?? [];
  const platforms = new Set();
  const kinds = new Set();
  for (const word of words) {
    if (PLATFORM_WORDS[word]) platforms.add(PLATFORM_WORDS[word]);
    if (KIND_WORDS[word]) kinds.add(KIND_WORDS[word]);
  }
  if (/\bplaystation\s*5\b/.test(lower)) platforms.add('ps5');
  const ceiling = lower.match(/\b(?:under|below|less than|max|up to)\s*£?\s*(\d+(?:\.\d+)?)/);
  const maxPrice = ceiling ? Number(ceiling[1]) : null;
  if (platforms.size === 0 && kinds.size === 0) return null;
  return { platforms: [...platforms], kinds: [...kinds], maxPrice };
}

// Products matching a parsed query, in catalogue order.
export function searchProducts({ platforms, kinds, maxPrice }) {
  return PRODUCTS.filter((p) =>
    (platforms.length === 0 || p.platforms.some((x) => platforms.includes(x))) &&
    (kinds.length === 0 || kinds.includes(p.kind)) &&
    (maxPrice === null || Number(p.price) <= maxPrice));
}

// The product as the wire protocol's `card` event carries it.
export function toCard(p) {
  const card = { id: p.id, name: p.name, price: p.price, currency: p.currency, url: p.url };
  if (p.image_url) card.image_url = p.image_url;
  return card;
}

// Products the text names by a word of their own ("astro bot", "forza",
// "series x"): words that appear in one product's name only, so "wireless"
// or "xbox" never count as naming a product. In catalogue order.
const nameWords = (name) => name.toLowerCase().match(/[a-z0-9'-]+/g) ?? [];
const WORD_OWNERS = new Map();
for (const p of PRODUCTS) {
  for (const w of new Set(nameWords(p.name))) WORD_OWNERS.set(w, WORD_OWNERS.has(w) ? null : p);
}
export function productsNamed(text) {
  const named = new Set();
  for (const w of nameWords(text)) {
    const owner = WORD_OWNERS.get(w);
    if (owner && !PLATFORM_WORDS[w] && !KIND_WORDS[w] && !/^\d+$/.test(w)) named.add(owner);
  }
  return PRODUCTS.filter((p) => named.has(p));
}
