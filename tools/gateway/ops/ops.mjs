// What an operator watches (docs/operating.md), in one place for
// server.mjs: /healthz and /readyz (health.mjs) on the serving port,
// /metrics (metrics.mjs) only where enabled, and the log format
// (json-log.mjs). /metrics is off by default: `metrics: true` serves it on
// the serving port (a proxy in front must then keep it from shoppers),
// `metricsPort` on a port of its own (bound to `metricsHost`, loopback by
// default), which is what a deployment should use.
import http from 'node:http';
import { sendError } from '../http/http-util.mjs';
import { createHealth } from './health.mjs';
import { createGatewayMetrics } from './metrics.mjs';
import { instrumentStore } from './instrument-store.mjs';
import { createJsonLog } from './json-log.mjs';

const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

// startServer's defaults from the environment (main.mjs passes none of these).
export function opsOptionsFromEnv(env = process.env) {
  const port = env.NATTER_METRICS_PORT;
  return {
    metrics: env.NATTER_METRICS === '1',
    metricsPort: port !== undefined && port !== '' ? Number(port) : null,
    metricsHost: env.NATTER_METRICS_HOST || '127.0.0.1',
    logFormat: env.NATTER_LOG_FORMAT === 'json' ? 'json' : 'text',
  };
}

export function createOps({
  instance, metrics = false, metricsPort = null, metricsHost = '127.0.0.1', logFormat = 'text', log, readyTimeoutMs,
}) {
  if (metricsPort !== null && (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535)) {
    throw new Error('metricsPort (NATTER_METRICS_PORT) must be a port number');
  }
  const measuring = metrics || metricsPort !== null;
  let health = null;
  let gauges = null;
  let storeTimes = null; // observe(op, result, seconds), once the metrics exist
  let listener = null;

  async function answer(req, res, pathname, withMetrics) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'method_not_allowed', 'Use GET.', { Allow: 'GET, HEAD' });
    if (pathname === '/healthz') return health.healthz(req, res);
    if (pathname === '/readyz') return health.readyz(req, res);
    if (!withMetrics) return sendError(res, 404, 'not_found', 'Not found.');
    const text = await gauges.text();
    res.writeHead(200, { 'Content-Type': gauges.contentType, 'Cache-Control': 'no-store' });
    return res.end(req.method === 'HEAD' ? undefined : text);
  }

  return {
    log: logFormat === 'json' ? createJsonLog({ instance, write: log === console.log ? null : log }) : log,
    wrapStore(store) {
      return measuring ? instrumentStore(store, (...a) => storeTimes?.(...a)) : store;
    },
    // `stats` is RequestStats; the rest is asked at each scrape or probe.
    attach({ store, stats, voice, openSessions, shuttingDown, record = null }) {
      health = createHealth({ store, shuttingDown, ...(readyTimeoutMs ? { timeoutMs: readyTimeoutMs } : {}) });
      if (!measuring) return;
      gauges = createGatewayMetrics({ instance, openSessions, voice, store });
      gauges.instrumentStats(stats);
      record?.registerMetrics(gauges.registry); // the record writer's counters (docs/record.md)
      storeTimes = (op, result, seconds) => gauges.observeStore(op, result, seconds);
    },
    handles: (pathname) => OPS_PATHS.has(pathname),
    // The request log for `pathname`: a balancer probes every few seconds,
    // so a probe answered 200 is not logged (one that fails is).
    requestLog(pathname, res) {
      if (pathname !== '/healthz' && pathname !== '/readyz') return this.log;
      return (line) => { if (res.statusCode !== 200) this.log(line); };
    },
    handle: (req, res, pathname) => answer(req, res, pathname, metrics),
    watchResponse(res) { if (gauges) res.once('close', () => gauges.countResponse(res)); },
    setDraining: (on) => health.setDraining(on),
    async listen() {
      if (metricsPort === null) return null;
      listener = http.createServer((req, res) => {
        const pathname = new URL(req.url, 'http://x').pathname;
        if (!OPS_PATHS.has(pathname)) return sendError(res, 404, 'not_found', 'Not found.');
        answer(req, res, pathname, true).catch(() => { if (!res.headersSent) sendError(res, 500, 'internal', 'Internal server error.'); });
      });
      await new Promise((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(metricsPort, metricsHost, () => { listener.off('error', reject); resolve(); });
      });
      const host = metricsHost.includes(':') ? `[${metricsHost}]` : metricsHost;
      return `http://${host}:${listener.address().port}/metrics`;
    },
    close() {
      if (!listener) return Promise.resolve();
      return new Promise((resolve) => { listener.close(() => resolve()); listener.closeAllConnections(); });
    },
  };
}
