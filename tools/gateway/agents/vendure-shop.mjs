// The shop's catalogue live from a Vendure storefront, for the `openai`
// adapter's tools (shop-tools.mjs) instead of a catalogue file: the Shop
// API (GraphQL, what the shop's own storefront calls), read-only here.
// Products come back in the catalogue file's shape (shop-catalogue.mjs),
// with stock per variant, so the model can answer "is the red one in
// stock?" from what the shop says now.
//
//   const shop = createVendureShop({ shopApiUrl, productUrl });
//   await shop.candidates('trail shoes')  → [{id, name, price, currency, url, tags, in_stock, variants}]
//
// productUrl: the shop's product page with "{slug}" in it
// (https://shop.example/products/{slug}). Shopper text reaches the API
// only as GraphQL variables. Every call is bounded in time and size, and
// a failure throws a ShopUnavailable the tool turns into an error result
// (the model says it cannot look now; the shopper is never left waiting).
import { checkProduct } from './reply-events.mjs';

export const VENDURE_DEFAULTS = Object.freeze({ timeoutMs: 5_000, maxBytes: 1 << 20, take: 20, maxWords: 6 });

export class ShopUnavailable extends Error {}

const SEARCH = `query natterSearch($options: ProductListOptions) {
  products(options: $options) {
    items { id name slug description variants { id sku name priceWithTax currencyCode stockLevel } }
  }
}`;

// Lower-case words of 3+ letters or digits, at most `max` of them.
function queryWords(text, max) {
  return [...new Set(String(text).toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [])].slice(0, max);
}

// Vendure's prices are whole minor units (10591 = 105.91).
const decimal = (minor) => (minor / 100).toFixed(2);

function toProduct(item, productUrl) {
  const variants = Array.isArray(item.variants) ? item.variants : [];
  if (!variants.length) return null;
  const cheapest = variants.reduce((a, b) => (b.priceWithTax < a.priceWithTax ? b : a));
  const card = checkProduct({
    id: String(item.slug || item.id), name: String(item.name ?? ''), price: decimal(Number(cheapest.priceWithTax)),
    currency: String(cheapest.currencyCode ?? ''), url: productUrl.replace('{slug}', encodeURIComponent(String(item.slug ?? ''))),
  });
  if (typeof card === 'string') return null;
  const inStock = (v) => v.stockLevel !== 'OUT_OF_STOCK';
  return {
    ...card,
    tags: queryWords(`${item.description ?? ''} ${variants.map((v) => v.name).join(' ')}`, 40),
    in_stock: variants.some(inStock),
    variants: variants.map((v) => ({
      name: String(v.name ?? ''), sku: String(v.sku ?? ''), price: decimal(Number(v.priceWithTax)), in_stock: inStock(v),
    })),
  };
}

export function createVendureShop({ shopApiUrl, productUrl, fetchImpl = fetch, ...options }) {
  const { timeoutMs, maxBytes, take, maxWords } = { ...VENDURE_DEFAULTS, ...options };

  async function graphql(query, variables) {
    let response;
    try {
      response = await fetchImpl(shopApiUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ShopUnavailable(`the shop did not answer (${error?.name === 'TimeoutError' ? `${timeoutMs} ms` : error?.message ?? error})`);
    }
    if (!response.ok) throw new ShopUnavailable(`the shop answered HTTP ${response.status}`);
    const text = await boundedText(response, maxBytes);
    let body;
    try { body = JSON.parse(text); } catch { throw new ShopUnavailable('the shop answered something that is not JSON'); }
    if (body?.errors?.length) throw new ShopUnavailable(`the shop refused the query: ${String(body.errors[0]?.message ?? '').slice(0, 200)}`);
    return body?.data ?? {};
  }

  return {
    description: `Vendure ${new URL(shopApiUrl).origin}`,
    // Products whose name or description holds any word of `query`; the
    // tool ranks them (searchCatalogue) as it ranks a file's.
    async candidates(query) {
      const words = queryWords(query, maxWords);
      if (!words.length) return [];
      const filter = { _or: words.flatMap((w) => [{ name: { contains: w } }, { description: { contains: w } }]) };
      const data = await graphql(SEARCH, { options: { take, filter } });
      const items = Array.isArray(data.products?.items) ? data.products.items : [];
      return items.map((item) => toProduct(item, productUrl)).filter(Boolean);
    },
  };
}

// The body as text, refused past maxBytes (a shop's bug or a hostile
// upstream cannot fill the gateway's memory).
async function boundedText(response, maxBytes) {
  const reader = response.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new ShopUnavailable(`the shop's answer is over ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
