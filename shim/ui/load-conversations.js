// The core bundle's side of the conversations list (conversations.js, its
// own chunk): the effect table entry that draws it. The list is drawn once
// the chunk is in; until then the core's latest conversations_shown is
// kept (each one carries the whole list, so only the latest matters), and
// the first one starts the download. A chunk that cannot load is logged and
// the next conversations_shown tries again: the conversation itself goes on
// without its list.
//
//   const list = createLazyConversations({ load, build, log });
//   list.effects   the effect table entries effects.js merges in
// load() resolves to the chunk's parts; build(parts) to createConversations(...).
import { chunkLoader, partsWith } from '../load-chunk.js';

export const loadConversationsChunk = chunkLoader({
  key: 'conversations_js', hook: '__conversations', accept: partsWith('createConversations'), timeoutMs: 15000,
});

export function createLazyConversations({ load, build, log }) {
  let list = null;
  let latest = null;
  let loading = null;
  function show(e) {
    if (list) return list.show(e);
    latest = e;
    loading ??= Promise.resolve().then(load).then((parts) => {
      list = build(parts);
      list.show(latest);
    }, (err) => {
      loading = null;
      log('error', `the conversations list could not load (${err?.message ?? err})`);
    });
  }
  return { effects: { conversations_shown: show } };
}
