// The reference server: the demo storefront's files, the chat endpoint
// (docs/protocol.md) with the scripted agent, and optional test controls.
// Routing lives here; each endpoint is its own file. A WebSocket endpoint
// can be added later in its own file by handling `server.on('upgrade')`
// next to the HTTP routes below.
import http from 'node:http';
import { createChatHandler, handleChatPreflight } from './chat-endpoint.mjs';
import { createStaticHandler } from './static-files.mjs';
import { createTestControls } from './test-controls.mjs';
import { IdempotencyStore } from './idempotency-store.mjs';
import { RequestStats } from './request-stats.mjs';
import { FaultQueue } from './faults.mjs';
import { logRequest } from './request-log.mjs';
import { pathnameOf, sendError } from './http-util.mjs';

// Starts listening and resolves { url, port, close() }. `close()` ends open
// reply streams and sockets, stops agent runs, and resolves when the server
// is fully closed.
export async function startServer({
  host = '127.0.0.1',
  port = 0,
  distDir,
  webDir,
  testControls = false,
  tokenDelayMs = 20,
  log = console.log,
} = {}) {
  const shutdown = new AbortController();
  const store = new IdempotencyStore();
  const stats = new RequestStats();
  const faults = testControls ? new FaultQueue() : null;
  const chat = createChatHandler({ store, stats, faults, tokenDelayMs, signal: shutdown.signal });
  const files = createStaticHandler({ distDir, webDir });
  const controls = testControls ? createTestControls({ store, stats, faults }) : null;

  async function route(req, res, pathname) {
    if (pathname === null) return sendError(res, 400, 'bad_url', 'Malformed URL.');
    if (pathname === '/api/chat') {
      if (req.method === 'POST') return chat(req, res, req.natterLog);
      if (req.method === 'OPTIONS') return handleChatPreflight(req, res);
      return sendError(res, 405, 'method_not_allowed', 'Use POST.', { Allow: 'POST, OPTIONS' });
    }
    if (pathname.startsWith('/__natter/')) {
      if (controls) return controls(req, res, pathname);
      return sendError(res, 404, 'not_found', 'Not found.');
    }
    if (req.method === 'GET' || req.method === 'HEAD') return files(req, res, pathname);
    return sendError(res, 405, 'method_not_allowed', 'Use GET.', { Allow: 'GET, HEAD' });
  }

  const server = http.createServer((req, res) => {
    const pathname = pathnameOf(req);
    req.natterLog = { key: null };
    logRequest(req, res, req.natterLog, pathname ?? req.url, log);
    route(req, res, pathname).catch((error) => {
      log(`[server] error handling ${req.method} ${req.url}: ${error?.stack ?? error}`);
      if (!res.headersSent) sendError(res, 500, 'internal', 'Internal server error.');
      else res.destroy();
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing = null;
  function close() {
    closing ??= new Promise((resolve) => {
      shutdown.abort();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  }

  return { url: `http://${urlHost}:${actualPort}/`, port: actualPort, close };
}
