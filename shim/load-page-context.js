// The core bundle's side of the page context (page-context.js, its own
// chunk): the first start() (the shopper opened the panel, or
// data-context="page-load") or natter('context' | 'cart') call downloads
// it; the calls made meanwhile are kept, in order, and made once it is in.
// A chunk that cannot load is logged and the next call tries again: the
// chat goes on without the context.
//
//   const watch = createLazyPageWatch({ load, build, log });
//   watch.start(); watch.context(value); watch.cart(fn); watch.action([name, spec, handler]);
//   watch.run(run_action); watch.has(name)
// load() resolves to the chunk's parts; build(parts) to createPageWatch(...).
import { chunkLoader, partsWith } from './load-chunk.js';

export const loadPageContextChunk = chunkLoader({
  key: 'page_context_js', hook: '__pageContext', accept: partsWith('createPageWatch'), timeoutMs: 15000,
});

export function createLazyPageWatch({ load, build, log }) {
  let watch = null;
  let loading = null;
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
  };
}
