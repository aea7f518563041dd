// The graceful drain (docs/operating.md, "Deploys: the drain"): what an
// instance does between SIGTERM and its exit, so that a deploy garbles no
// reply and never asks the AI twice.
//
// 1. At once: /readyz answers 503 `draining` (the balancer takes the
//    instance out), a new WebSocket is closed 1001 `going away: draining`
//    (the widget reconnects at once, through the balancer, elsewhere), and
//    no new turn is started here.
// 2. After `noticeMs` (the balancer's health check interval times its fall
//    count; skipped when no socket is open): every open live session is
//    closed 1001 `going away`. The shopper's resuming hello lands on another
//    instance, which joins the reply in progress through the store.
// 3. The agent runs produced here go on writing into the store (another
//    instance's reader streams them to the shopper) until each has ended,
//    or until `timeoutMs` after the drain began: then the rest are stopped,
//    and another instance takes each over after its lease (that one turn's
//    AI is then asked again: docs/operating.md says so).
// 4. close(): the listener, the store, and the process exits 0 (main.mjs).
import { setTimeout as sleep } from 'node:timers/promises';

export const DRAIN_NOTICE_MS = 2000;
export const DRAIN_TIMEOUT_MS = 20_000;

// `deps`: { setDraining(on) (ops: /readyz), live (the session endpoint:
// drain(), openSockets(), close()), agentRuns (whenIdle(), producing()),
// close() (the whole server), log }.
// Returns drain({noticeMs, timeoutMs}) -> Promise<{ finished: bool, stopped: runs
// still in progress at the deadline }>, the same promise on every call.
export function createDrain({ setDraining, live, agentRuns, close, log }) {
  let draining = null;

  async function run({ noticeMs = DRAIN_NOTICE_MS, timeoutMs = DRAIN_TIMEOUT_MS } = {}) {
    const began = Date.now();
    setDraining(true);
    live.drain();
    const sockets = live.openSockets();
    log(`[server] draining: /readyz 503; ${sockets} live socket(s), ${agentRuns.producing()} agent run(s) in progress; deadline ${timeoutMs} ms`);
    const deadline = AbortSignal.timeout(timeoutMs);
    if (sockets > 0) await sleep(Math.min(noticeMs, timeoutMs), undefined, { signal: deadline }).catch(() => {});
    await live.close(); // 1001 "going away": the sessions resume elsewhere
    const finished = await Promise.race([
      agentRuns.whenIdle().then(() => true),
      new Promise((resolve) => deadline.addEventListener('abort', () => resolve(false), { once: true })),
    ]);
    const stopped = finished ? 0 : agentRuns.producing();
    log(finished
      ? `[server] drained in ${Date.now() - began} ms: every agent run here ended`
      : `[server] drain deadline (${timeoutMs} ms): stopping ${stopped} agent run(s); another instance takes each over`);
    await close();
    return { finished, stopped };
  }

  return {
    drain: (options) => { draining ??= run(options); return draining; },
    active: () => draining !== null,
  };
}
