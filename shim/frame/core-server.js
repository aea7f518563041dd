// The frame's side of the port (frame-protocol.js): owns the one NatterCore
// and answers every message in the order received. Creation is async (the
// .wasm is fetched and compiled), so messages are chained: a handle that
// arrives while the core is being created is answered after `created`.
//
// loadModule(wasm) -> Promise<the core's started exports> (initCore,
// wrapped by shim/core-api.js here); injected so node tests can
// drive the real WASM core over a real MessageChannel.

import { afterRest, natterCoreClass } from '../core-api.js';

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
      core = await afterRest(() => new NatterCore(config));
      return { type: 'created', ...(await afterRest(state)) };
    } catch (err) {
      return { type: 'failed', message: `${err?.name ?? 'Error'}: ${err?.message ?? err}` };
    }
  }

  // A core that trapped is not called again (../core-host.js says why):
  // what is still in flight is answered with the same error.
  let failure = null;
  const failed = (error) => ({ type: 'handled', effects: '[]', error, conversation_id: '', deadline: -1, stats: '{}', identity: '{}' });

  async function handle({ event, now }) {
    if (!core) return failed('the core was not created');
    if (failure) return failed(failure);
    try {
      // A call that needs the rest of the core waits for it (../core-api.js);
      // the messages after it wait behind it, in order (answer's chain).
      const effects = await afterRest(() => core.handle(event, now));
      return { type: 'handled', effects, ...(await afterRest(state)) };
    } catch (err) {
      console.error('[natter] core frame failed on an event:', err);
      failure = String(err?.message ?? err);
      return failed(failure);
    }
  }

  function dispose() {
    disposed = true;
    if (core && !failure) core.delete();
    core = null;
    port.close();
    return null;
  }

  async function answer(message) {
    if (disposed) return;
    let reply;
    if (message?.type === 'create') reply = await create(message);
    else if (message?.type === 'handle') reply = await handle(message);
    else if (message?.type === 'dispose') reply = dispose();
    else reply = { type: 'failed', message: `unknown message ${JSON.stringify(message?.type)}` };
    if (reply && !disposed) port.postMessage(reply);
  }

  port.onmessage = (e) => {
    chain = chain.then(() => answer(e.data));
  };
}
