// The frame's side of the port (frame-protocol.js): owns the one NatterCore
// and answers every message in the order received. Creation is async (the
// .wasm is fetched and compiled), so messages are chained: a handle that
// arrives while the core is being created is answered after `created`.
//
// loadModule(wasm) -> Promise<the core's started exports> (initCore,
// wrapped by shim/core-api.js here); injected so node tests can
// drive the real WASM core over a real MessageChannel.

import { natterCoreClass } from '../core-api.js';

export function createCoreServer({ port, loadModule, console }) {
  let core = null;
  let disposed = false;
  let chain = Promise.resolve();

  const state = () => ({
    conversation_id: core.conversationId(),
    deadline: core.nextDeadline(),
    stats: core.statsJson(),
    identity: core.identityJson(),
  });

  async function create({ config, wasm }) {
    if (core) return { type: 'failed', message: 'the core was already created' };
    try {
      const exports = await loadModule(wasm);
      if (disposed) return null;
      const NatterCore = natterCoreClass(exports);
      core = new NatterCore(config);
      return { type: 'created', ...state() };
    } catch (err) {
      return { type: 'failed', message: `${err?.name ?? 'Error'}: ${err?.message ?? err}` };
    }
  }

  function handle({ event, now }) {
    if (!core) return { type: 'handled', effects: '[]', error: 'the core was not created', conversation_id: '', deadline: -1, stats: '{}', identity: '{}' };
    try {
      return { type: 'handled', effects: core.handle(event, now), ...state() };
    } catch (err) {
      // A trap inside the core: report it with the event, keep serving.
      console.error('[natter] core frame failed on an event:', err);
      return { type: 'handled', effects: '[]', error: String(err?.message ?? err), ...state() };
    }
  }

  function dispose() {
    disposed = true;
    if (core) core.delete();
    core = null;
    port.close();
    return null;
  }

  async function answer(message) {
    if (disposed) return;
    let reply;
    if (message?.type === 'create') reply = await create(message);
    else if (message?.type === 'handle') reply = handle(message);
    else if (message?.type === 'dispose') reply = dispose();
    else reply = { type: 'failed', message: `unknown message ${JSON.stringify(message?.type)}` };
    if (reply && !disposed) port.postMessage(reply);
  }

  port.onmessage = (e) => {
    chain = chain.then(() => answer(e.data));
  };
}
