// One log line per request, written when the response closes (for a reply
// stream, when the stream ends):
//   [server] POST /api/chat 200 key=3f0c1a9e 12ms
// The status is `reset` when the socket was destroyed before any response,
// and ` (cut)` follows when the response started but did not finish.
import { performance } from 'node:perf_hooks';

export function formatLogLine({ method, path, status, key, ms, cut }) {
  const keyPart = key ? ` key=${key.slice(0, 8)}` : '';
  return `[server] ${method} ${path} ${status}${keyPart} ${Math.round(ms)}ms${cut ? ' (cut)' : ''}`;
}

// Calls `log(line)` once `res` closes. `ctx.key` may be set by the handler meanwhile.
export function logRequest(req, res, ctx, path, log) {
  const started = performance.now();
  res.once('close', () => {
    const status = res.headersSent ? res.statusCode : 'reset';
    const cut = res.headersSent && !res.writableFinished;
    log(formatLogLine({ method: req.method, path, status, key: ctx.key, ms: performance.now() - started, cut }));
  });
}
