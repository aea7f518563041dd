// The shop's own origin: a small HTTPS server that serves the pages a test
// puts on it (each with its own headers, e.g. a Content-Security-Policy)
// and, with `tokenSecret`, the shop's token endpoint GET /natter-token
// (docs/deploying.md, "Tokens without secrets in the page"): it mints a
// short-lived token with the secret it shares with the gateway, as a shop's
// backend does; the secret never reaches the page.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { mintToken } from '../../tools/gateway/auth/access-tokens.mjs';

export const SHOP_TOKEN_PATH = '/natter-token';

// Resolves {origin, port, setPage(path, {html, headers}), requests, stop()}.
// `requests`: every "METHOD path" the shop answered, in order.
export async function startShop({ host, leaf, tokenSecret = null }) {
  const pages = new Map();
  const requests = [];
  const server = https.createServer({ cert: readFileSync(leaf.cert), key: readFileSync(leaf.key) }, (req, res) => {
    const pathname = new URL(req.url, 'https://shop.invalid').pathname;
    requests.push(`${req.method} ${pathname}`);
    if (tokenSecret && pathname === SHOP_TOKEN_PATH && req.method === 'GET') {
      const token = mintToken(tokenSecret, { sub: 'deploy-shopper' });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      return res.end(JSON.stringify({ token, expires_in: 300 }));
    }
    if (pathname === '/favicon.ico') { // a real shop has one; a 404 would be a console error
      res.writeHead(204, { 'Cache-Control': 'max-age=3600' });
      return res.end();
    }
    const page = pages.get(pathname);
    if (!page || req.method !== 'GET') {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('Not found\n');
    }
    res.writeHead(200, { 'Content-Type': page.contentType ?? 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', ...page.headers });
    return res.end(page.body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return {
    origin: `https://${host}:${port}`,
    port,
    requests,
    setPage(pathname, { body, headers = {}, contentType }) { pages.set(pathname, { body, headers, contentType }); },
    stop() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
