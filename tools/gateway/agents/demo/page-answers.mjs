// The demo agent's answers that need to know where the shopper is: the page
// context a turn carries (../page-context.mjs, docs/protocol.md "Page and
// cart context"). "Is this one in stock?" on a product page, "what's in my
// basket?" anywhere. Plain Markdown text; names lose their markup characters
// (the page wrote them, not the shop's staff).
//
// pageAnswer(text, context) -> { text, products: [], action? } or null (not a question about the page).

const ABOUT_THIS = /\b(this|that|it)( one| item| product| game)?\b/i;
const STOCK = /\b(in stock|stock|available|availability|sold out|get it)\b/i;
const PRICE = /\b(how much|price|cost)\b/i;
const BASKET = /\b(basket|cart|trolley|bag)\b/i;
const WHAT_IN = /\b(what('?s| is)|show|list|anything)\b/i;

const plain = (s) => String(s ?? '').replace(/[*_[\]`\\<>#~|]/g, '').replace(/\s+/g, ' ').trim();
const money = (price, currency) => (price ? (currency === 'GBP' || !currency ? `£${price}` : `${price} ${currency}`) : '');

const STOCK_WORDS = {
  in_stock: 'is in stock', out_of_stock: 'is out of stock right now', preorder: 'can be pre-ordered',
  backorder: 'is on back-order', limited: 'is in stock, but only a few are left', discontinued: 'is no longer made',
};

function aboutProduct(text, product, variant) {
  const name = `**${plain(product.name ?? product.id)}**${variant?.name ? ` (${plain(variant.name)})` : ''}`;
  const price = money(product.price, product.currency);
  if (STOCK.test(text)) {
    const said = STOCK_WORDS[product.availability];
    if (!said) return `I can't see the stock of ${name} from here; the product page shows it when you pick an option.`;
    return `${name} ${said}${price && product.availability !== 'out_of_stock' ? `, at ${price}` : ''}.`;
  }
  if (PRICE.test(text) && price) return `${name} is ${price}.`;
  return null;
}

function aboutBasket(cart) {
  if (!cart || cart.items.length === 0) return 'Your basket is empty.';
  const lines = cart.items.map((i) => `- ${i.quantity} × ${plain(i.name ?? i.id)}${i.variant ? ` (${plain(i.variant)})` : ''}`);
  const total = cart.total ? `\nTotal: **${money(cart.total, cart.currency)}**` : '';
  return `In your basket:\n${lines.join('\n')}${total}`;
}

// "Add this to my basket", "buy this": on a product page that declared
// add_to_cart (context.actions), a proposal the shopper confirms on a card.
const ADD = /\b(add|put)\b.*\b(basket|cart|trolley|bag)\b|\bbuy (this|it|that)\b/i;

function addToBasket(context) {
  const { product, variant } = context;
  if (!product?.id || !(context.actions ?? []).some((a) => a.name === 'add_to_cart')) return null;
  const title = plain(product.name ?? product.id).slice(0, 120) || product.id;
  const summary = { title, quantity: 1 };
  if (variant?.name) summary.variant = plain(variant.name).slice(0, 120);
  if (product.price) summary.price = product.price;
  if (product.currency) summary.currency = product.currency;
  const args = { product_id: product.id, quantity: 1 };
  if (variant?.id) args.variant_id = variant.id;
  return {
    text: `Shall I add **${title}** to your basket? Confirm below.`,
    products: [],
    action: { name: 'add_to_cart', args, summary },
  };
}

// What the page said happened to the actions since the last turn (context.action_results).
function resultNote(context) {
  const done = (context?.action_results ?? []).filter((r) => r.name === 'add_to_cart');
  if (done.length === 0) return '';
  const last = done[done.length - 1];
  const said = last.result?.message ? plain(last.result.message) : '';
  return last.result?.ok ? `Done: ${said || 'it is in your basket'}. ` : `That did not work${said ? ` (${said})` : ''}. `;
}

export function pageAnswer(text, context) {
  const note = resultNote(context);
  const answer = pageAnswerAlone(text, context);
  if (!note) return answer;
  return answer ? { ...answer, text: note + answer.text } : { text: `${note}Anything else?`, products: [] };
}

function pageAnswerAlone(text, context) {
  if (ADD.test(text) && context?.product) {
    const proposal = addToBasket(context);
    if (proposal) return proposal;
  }
  if (BASKET.test(text) && WHAT_IN.test(text) && context?.cart) return { text: aboutBasket(context.cart), products: [] };
  if (!ABOUT_THIS.test(text) || !(STOCK.test(text) || PRICE.test(text))) return null;
  if (!context?.product) {
    // Without a page context the other answers go on (a price follow-up, a search).
    if (!context || !STOCK.test(text)) return null;
    return { text: "Which product do you mean? Open its page and ask me again, or tell me its name.", products: [] };
  }
  const said = aboutProduct(text, context.product, context.variant);
  return said ? { text: said, products: [] } : null;
}
