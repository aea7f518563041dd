// A test agent for the action confirm card (issue 51): asked to add
// something, it answers with a sentence and proposes add_to_cart with a
// summary (the gateway sends it only when the page declared the action:
// agents/action-proposal.mjs). The page side: a handler that counts its runs
// in window.__actionRuns, and stubs of POST /api/action(/result) that
// count what the widget sent, for a gateway without those endpoints.

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

// Until the gateway's endpoints are on main: POST /api/action answers run
// (fence 1) for the first ask and done after a report; /result records.
export async function stubActionEndpoints(page, origin) {
  const posts = { action: [], result: [] };
  let recorded = null;
  await page.route(`${origin}/api/action`, async (route) => {
    const body = JSON.parse(route.request().postData() ?? '{}');
    posts.action.push(body);
    const answer = recorded ? { outcome: 'done', result: recorded } : posts.action.length === 1 ? { outcome: 'run', fence: 1, retry: false } : { outcome: 'running' };
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(answer) });
  });
  await page.route(`${origin}/api/action/result`, async (route) => {
    const body = JSON.parse(route.request().postData() ?? '{}');
    posts.result.push(body);
    recorded = body.result;
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ outcome: 'recorded' }) });
  });
  return posts;
}
