// A shop's own web server for tests that embed the widget from another
// origin: serves fixed pages, each with its own headers (a CSP), on a free
// loopback port, and nothing else. The pages are addressed as
// http://localhost:<port> (a secure context for getUserMedia, and another
// site than the reference server's http://127.0.0.1:<port>).
//
//   const shop = await startShopServer({ '/plain.html': { html, headers } });
//   shop.url('/plain.html'); await shop.close();
//   startShopServer(shopPages(widgetOrigin)): the live-session embed as
//   plain.html, plain-de.html, strict.html (docs/deploying.md's strict CSP),
//   no-wasm.html and no-frame.html
import http from 'node:http';

export async function startShopServer(pages) {
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url, 'http://x').pathname;
    if (pathname === '/favicon.ico') { // every shop has one; the browser asks
      res.writeHead(204, { 'Cache-Control': 'max-age=3600' });
      res.end();
      return;
    }
    const page = pages[pathname];
    if (!page || !['GET', 'HEAD'].includes(req.method)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...page.headers });
    res.end(req.method === 'HEAD' ? undefined : page.html);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const origin = `http://localhost:${server.address().port}`;
  return {
    origin,
    url: (pathname) => origin + pathname,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

// The shop's pages, embedding the widget from `widget` (an origin).
export function shopPages(widget) {
  const ws = widget.replace(/^http/, 'ws');
  const embed = `<script async src="${widget}/natter.js" data-endpoint="${widget}" data-transport="session"></script>`;
  const page = (lang = 'en') => `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Shop</title>
${embed}</head><body><main><h1>Shop</h1></main></body></html>`;
  // The strict policy of docs/deploying.md for a widget on another origin.
  const policy = ({ wasm = true, frame = true } = {}) => ["default-src 'self'",
    `script-src 'self' ${widget}${wasm ? " 'wasm-unsafe-eval'" : ''}`, "style-src 'self'",
    `connect-src 'self' ${widget} ${ws}`, ...(frame ? [`frame-src ${widget}`] : [])].join('; ');
  const csp = (p) => ({ 'Content-Security-Policy': p });
  return {
    '/plain.html': { html: page() },
    '/plain-de.html': { html: page('de') },
    '/strict.html': { html: page(), headers: csp(policy()) },
    '/no-wasm.html': { html: page(), headers: csp(policy({ wasm: false })) },
    '/no-frame.html': { html: page(), headers: csp(policy({ frame: false })) },
  };
}
