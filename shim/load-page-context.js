// The core bundle's side of the page context (page-context.js, its own
// chunk): the first start() (the shopper opened the panel, or
// data-context="page-load") or natter('context' | 'cart') call downloads
// it; the calls made meanwhile are kept, in order, and made once it is in.
// A chunk that cannot load is logged and the next call tries again: the
// chat goes on without the context. A message sent while it downloads waits
// for it, a bounded while (hold; docs/decisions/0030).
//
//   const watch = createLazyPageWatch({ load, build, log, setTimeout });
//   watch.start(); watch.context(value); watch.cart(fn); watch.action([name, spec, handler]);
//   watch.run(run_action); watch.has(name); watch.hold(event, feed)
// load() resolves to the chunk's parts; build(parts) to createPageWatch(...).
import { chunkLoader, partsWith } from './load-chunk.js';

export const loadPageContextChunk = chunkLoader({
  key: 'page_context_js', hook: '__pageContext', accept: partsWith('createPageWatch'), timeoutMs: 15000,
});

// How long a send waits for the page context (hold): a slow network's
// download, not a stalled one (the loader gives up after 15 s).
export const HOLD_MS = 2500;

export function createLazyPageWatch({ load, build, log, setTimeout }) {
  let watch = null;
  let loading = null;
  let held = null; // the send waiting (hold)
  const calls = [];
  const call = (name) => (arg) => {
    if (watch) return watch[name](arg);
    calls.push([name, arg]);
    loading ??= Promise.resolve().then(load).then((parts) => {
      watch = build(parts);
      for (const [n, a] of calls.splice(0)) watch[n](a);
    }, (err) => {
      loading = null;
      log('error', `the page context could not load (${err?.message ?? err})`);
    });
  };
  return {
    start: call('start'), context: call('context'), cart: call('cart'),
    action: call('action'), // [name, spec, handler]
    // A run_action before any natter('action') still loads it: no handler answers ok:false.
    run: call('run'),
    // A page that declared an action downloaded the chunk at once.
    has: (name) => Boolean(watch?.has(name)),
    // A send (Enter, Send, natter('send'), a chip) while the chunk loads is
    // held: the core takes the context a message carries when it accepts it
    // (page_context.hpp). feed(event) once the chunk ran or failed, at most
    // HOLD_MS later (then without it). One is held: a later send replaces it,
    // so Enter pressed again sends once. True when held.
    hold(event, feed) {
      if (watch || !loading || event.shift || event.composing || !/^(enter_p|send_c|host_s|sug)/.test(event.type)) return false;
      if (!held) {
        const go = () => { if (held) feed(held); held = null; };
        loading.then(go);
        setTimeout(() => { if (held) log('warn', 'a message went without the page context (still loading)'); go(); }, HOLD_MS);
      }
      held = event;
      return true;
    },
  };
}
