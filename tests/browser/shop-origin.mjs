// A shop's own web server for tests that embed the widget from another
// origin: serves fixed pages, each with its own headers (a CSP), on a free
// loopback port, and nothing else. The pages are addressed as
// http://localhost:<port> (a secure context for getUserMedia, and another
// site than the reference server's http://127.0.0.1:<port>).
//
//   const shop = await startShopServer({ '/plain.html': { html, headers } });
//   shop.url('/plain.html'); await shop.close();
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
