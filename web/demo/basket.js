// The demo shop's basket (localStorage, this browser only) and what the
// assistant may do with it: natter('action', 'add_to_cart', …) runs the same
// code as the page's own "Add to basket" button, and natter('cart', …) lets
// the assistant see what is in it (docs/commerce.md). A shop would call its
// own cart API here, keyed by the action's id so a retried run adds nothing
// twice.
(function () {
  const KEY = 'pixel-harbour-basket';
  window.natter = window.natter || function () { (natter.q = natter.q || []).push(arguments); };

  const read = () => {
    try { return JSON.parse(localStorage.getItem(KEY)) || { lines: [], done: [] }; } catch { return { lines: [], done: [] }; }
  };
  const count = (basket) => basket.lines.reduce((n, l) => n + l.quantity, 0);
  function show() {
    for (const el of document.querySelectorAll('.basket .count')) el.textContent = String(count(read()));
  }

  // `once`: an action id already carried out adds nothing again.
  function add(line, once) {
    const basket = read();
    if (once && basket.done.includes(once)) return basket;
    const same = basket.lines.find((l) => l.id === line.id);
    if (same) same.quantity += line.quantity; else basket.lines.push(line);
    if (once) basket.done = [...basket.done, once].slice(-50);
    localStorage.setItem(KEY, JSON.stringify(basket));
    show();
    return basket;
  }

  const products = () => [...document.querySelectorAll('[data-product-id]')].map((el) => ({
    id: el.dataset.productId, name: el.dataset.productName, price: el.dataset.productPrice,
  }));

  natter('action', 'add_to_cart', {
    description: 'Put a product of this page in the shopper\'s basket',
    confirm: true,
    args: { product_id: 'string', quantity: 'integer' },
  }, async (args, { actionId }) => {
    const product = products().find((p) => p.id === args.product_id);
    const quantity = Number.isInteger(args.quantity) && args.quantity > 0 && args.quantity <= 10 ? args.quantity : 1;
    if (!product) return { ok: false, message: 'That product is not on this page' };
    const basket = add({ id: product.id, name: product.name, price: product.price, quantity }, actionId);
    return { ok: true, message: `Added ${product.name} to your basket`, data: { basket_count: count(basket) } };
  });

  natter('cart', () => {
    const basket = read();
    return { items: basket.lines.map((l) => ({ id: l.id, name: l.name, quantity: l.quantity, price: l.price })), currency: 'GBP' };
  });

  document.addEventListener('click', (event) => {
    const button = event.target.closest('button.buy[data-product-id]');
    if (!button) return;
    add({ id: button.dataset.productId, name: button.dataset.productName, price: button.dataset.productPrice, quantity: 1 });
  });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', show); else show();
}());
