// A test agent for the action confirm card: asked to add
// something, it answers with a sentence and proposes add_to_cart with a
// summary (the gateway sends it only when the page declared the action:
// agents/action-proposal.mjs). The page side: a handler that counts its runs
// in window.__actionRuns; what the widget posted is recorded.

export const SUMMARY = {
  en: { title: 'Astro Bot (PS5)', variant: 'Standard edition' },
  ar: { title: 'أسترو بوت (PS5)', variant: 'الإصدار القياسي' },
};

export function actionAgent() {
  return {
    name: 'action-test', paced: false,
    async* reply(turn) {
      const ar = /[\u0600-\u06ff]/.test(turn.text ?? '');
      yield { event: 'delta', data: { text: ar ? 'هل أضيفها إلى سلتك؟' : 'Shall I add it to your basket?' } };
      const { title, variant } = SUMMARY[ar ? 'ar' : 'en'];
      yield {
        event: 'action',
        data: {
          name: 'add_to_cart', args: { product_id: 'sku-astro', variant_id: 'std', quantity: 1 },
          summary: { title, variant, quantity: 1, price: '49.99', currency: 'GBP' },
        },
      };
    },
  };
}

// Declares add_to_cart in the page: its handler counts its runs and answers ok.
export function declareAddToCart(page, message = 'Added to basket') {
  return page.evaluate((text) => {
    window.__actionRuns = [];
    window.natter('action', 'add_to_cart', { description: 'Add a product to the basket' }, async (args, meta) => {
      window.__actionRuns.push({ args, meta });
      return { ok: true, message: text };
    });
  }, message);
}

// What the widget sent to the gateway's POST /api/action and /api/action/result
// (tools/gateway/http/action-endpoint.mjs answers them), body by body.
export function recordActionPosts(page) {
  const posts = { action: [], result: [] };
  page.on('request', (request) => {
    if (request.method() !== 'POST') return;
    const { pathname } = new URL(request.url());
    if (pathname === '/api/action') posts.action.push(JSON.parse(request.postData() ?? '{}'));
    else if (pathname === '/api/action/result') posts.result.push(JSON.parse(request.postData() ?? '{}'));
  });
  return posts;
}
