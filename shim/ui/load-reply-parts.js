// The core bundle's side of product cards and reply chips (reply-parts.js,
// their own chunk). messages.js places each card and chip set at once and
// asks for the parts to draw it with: `when(draw)` calls draw(parts) at
// once when the chunk is in, else holds it, in order, and starts the
// download. `load()` starts it too (boot.js: once the panel opened, when
// the page is next idle, so a card usually finds it there).
// A download that fails is logged and keeps what it held (a card the core
// showed is not lost): the next when() or load() (the panel opening again)
// tries again, and draws them all once the chunk is in.
//
//   const parts = createLazyReplyParts({ load, build, log });
// load() resolves to the chunk's parts; build(parts) to createReplyParts(...).
import { chunkLoader, partsWith } from '../load-chunk.js';

export const loadReplyPartsChunk = chunkLoader({
  key: 'reply_parts_js', hook: '__replyParts', accept: partsWith('createReplyParts'), timeoutMs: 15000,
});

// Cards and chip sets held while the chunk downloads: a reply brings a few.
export const MAX_HELD_PARTS = 200;

export function createLazyReplyParts({ load, build, log }) {
  let parts = null;
  let loading = null;
  const held = [];

  function draw(fn) {
    try {
      fn(parts);
    } catch (err) { // as core-host.js does for the effects it runs
      log('error', `a card or chip set could not be drawn: ${err?.message ?? err}`);
    }
  }

  function fetchChunk() {
    if (parts) return Promise.resolve();
    loading ??= Promise.resolve().then(load).then((chunk) => {
      parts = build(chunk);
      loading = null;
      for (const fn of held.splice(0)) draw(fn);
    }, (err) => {
      loading = null;
      log('error', `cards and reply chips could not load (${err?.message ?? err}): ${held.length} held until the next try`);
    });
    return loading;
  }

  function when(fn) {
    if (parts) return draw(fn);
    if (held.length < MAX_HELD_PARTS) held.push(fn);
    else log('warn', 'cards and reply chips still loading: one dropped');
    fetchChunk();
  }

  return { when, load: fetchChunk };
}
