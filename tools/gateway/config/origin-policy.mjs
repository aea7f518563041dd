// Which shop pages may use this gateway (NATTER_ALLOWED_ORIGINS). The
// endpoints answer cross-origin widgets with `Access-Control-Allow-Origin: *`
// (chat-endpoint.mjs, continue-links.mjs, …); with an allowlist, this narrows
// that to the asking origin when it is allowed and drops it otherwise, and
// refuses outright (403, before any work or budget is spent) an API request
// or WebSocket upgrade whose Origin is not on the list. A request without an
// Origin is no browser's cross-origin request, so CORS has nothing to say
// about it (shop tokens, NATTER_TOKEN_SECRET, are the guard there).
//
// createOriginPolicy(null) allows every origin, as the demo always has.
import { sendError } from '../http/http-util.mjs';

const ACAO = 'access-control-allow-origin';

// Rewrites the Access-Control-Allow-Origin a handler sets, wherever it sets it.
function narrowCors(res, allowedOrigin) {
  const fix = (headers) => {
    if (!headers || typeof headers !== 'object' || Array.isArray(headers)) return headers;
    const key = Object.keys(headers).find((k) => k.toLowerCase() === ACAO);
    if (key === undefined) return headers;
    const out = { ...headers };
    delete out[key];
    if (allowedOrigin) {
      out['Access-Control-Allow-Origin'] = allowedOrigin;
      const vary = Object.keys(out).find((k) => k.toLowerCase() === 'vary');
      if (vary === undefined) out.Vary = 'Origin';
      else out[vary] = `${out[vary]}, Origin`;
    }
    return out;
  };
  const writeHead = res.writeHead;
  res.writeHead = function writeHeadNarrowed(status, ...rest) {
    return writeHead.call(this, status, ...rest.map((arg) => (typeof arg === 'string' ? arg : fix(arg))));
  };
  const setHeader = res.setHeader;
  res.setHeader = function setHeaderNarrowed(name, value) {
    if (String(name).toLowerCase() !== ACAO) return setHeader.call(this, name, value);
    if (!allowedOrigin) return this;
    const vary = this.getHeader('Vary');
    setHeader.call(this, 'Vary', vary ? `${vary}, Origin` : 'Origin');
    return setHeader.call(this, name, allowedOrigin);
  };
}

export function createOriginPolicy(allowedOrigins = null) {
  const allowed = allowedOrigins ? new Set(allowedOrigins) : null;
  const allows = (origin) => !allowed || origin === undefined || allowed.has(origin);
  return {
    restricted: Boolean(allowed),
    allows,
    // An HTTP request: false once it has been answered 403.
    admit(req, res, pathname) {
      if (!allowed) return true;
      const origin = req.headers.origin;
      if (!allows(origin) && pathname?.startsWith('/api/')) {
        sendError(res, 403, 'origin_not_allowed', 'This page\'s origin may not use this gateway.', { Vary: 'Origin' });
        return false;
      }
      narrowCors(res, origin !== undefined && allows(origin) ? origin : null);
      return true;
    },
  };
}
