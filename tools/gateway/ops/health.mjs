// Liveness and readiness, for a process supervisor and a load balancer
// (docs/operating.md). /healthz answers 200 whenever the event loop runs
// (restart the process when it stops answering); /readyz answers 200 only
// when this instance can serve a shopper: its store answers a ping within
// `timeoutMs` and it is not draining. Otherwise 503 with {ready: false,
// reason}, so the balancer sends new shoppers elsewhere without the
// process being restarted.
import { sendJson } from '../http/http-util.mjs';

export const READY_TIMEOUT_MS = 1000;

// `store` has ping() (store/*.mjs); `shuttingDown()` is true once close()
// began (the instance will not take new work either way).
export function createHealth({ store, shuttingDown = () => false, timeoutMs = READY_TIMEOUT_MS }) {
  let draining = false;

  // Resolves null when the store answered in time, else the reason.
  async function storeProblem() {
    let timer;
    const late = new Promise((resolve) => { timer = setTimeout(() => resolve('store_timeout'), timeoutMs); });
    try {
      return await Promise.race([store.ping().then(() => null, () => 'store_unreachable'), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function readiness() {
    if (draining || shuttingDown()) return { ready: false, reason: 'draining' };
    const problem = await storeProblem();
    if (problem) return { ready: false, reason: problem, store: store.kind };
    return { ready: true, store: store.kind };
  }

  const noStore = { 'Cache-Control': 'no-store' };
  return {
    // The graceful drain calls setDraining(true) first, so /readyz turns 503
    // and the balancer stops sending new shoppers before sockets close.
    setDraining(on) { draining = Boolean(on); },
    draining: () => draining,
    readiness,
    healthz(req, res) { sendJson(res, 200, { ok: true }, noStore); },
    async readyz(req, res) {
      const answer = await readiness();
      sendJson(res, answer.ready ? 200 : 503, answer, noStore);
    },
  };
}
