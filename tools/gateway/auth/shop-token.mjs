// GET /shop/natter-token: stands in for the SHOP's own backend endpoint
// (docs/deploying.md, "Tokens without secrets in the page"). A real shop
// serves this from its own origin, knows the shopper from its session
// cookie, and keeps the signing secret on its servers; the widget only ever
// sees the short-lived token. Here the shopper is the demo cookie
// `demo_shopper` (or "demo-shopper"). Only mounted with requireToken AND
// startServer({demo: true}) (NATTER_DEMO=1, set by `npm start`): it mints a
// token for anyone, so it must never exist in a deployed gateway.
import { sendError, sendJson } from '../http/http-util.mjs';
import { TOKEN_TTL_S } from './access-tokens.mjs';

export const SHOP_TOKEN_PATH = '/shop/natter-token';

function shopperOf(req) {
  const match = /(?:^|;\s*)demo_shopper=([A-Za-z0-9_-]{1,64})/.exec(req.headers.cookie ?? '');
  return match ? match[1] : 'demo-shopper';
}

// gate: access-tokens.mjs createTokenGate's.
export function handleShopToken(req, res, gate, log) {
  if (req.method !== 'GET') return sendError(res, 405, 'method_not_allowed', 'Use GET.', { Allow: 'GET' });
  const injected = gate.takeFailure();
  if (injected) {
    log(`[server] GET ${SHOP_TOKEN_PATH} ${injected} (injected)`);
    return sendError(res, injected, 'injected_fault', `Injected status ${injected}.`, { 'Cache-Control': 'no-store' });
  }
  // Never cached: each answer is a fresh credential for this shopper only.
  return sendJson(res, 200, { token: gate.mint(shopperOf(req)), expires_in: TOKEN_TTL_S }, { 'Cache-Control': 'no-store' });
}
