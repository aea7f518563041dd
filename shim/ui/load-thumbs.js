// The reply parts chunk's side of an answer's thumbs (thumbs.js, their own
// chunk): downloaded once the reply parts are built (the panel opened, or
// the first card or chip set), so the first chat carries neither their code
// nor their manifest entry: this chunk carries it, as
// __NATTER_REPLY_PARTS_FILES__ (tools/bundle/build.mjs), covered by its SRI
// hash like the core bundle's (release-files.js). A chunk that cannot load
// costs only the thumbs, with one console line: the chat goes on.
//
//   startLazyThumbs({ ctx, doc, t });   ctx: boot.js's (manifest, base, root, connection)
import { chunkLoader, partsWith } from '../load-chunk.js';

/* global __NATTER_REPLY_PARTS_FILES__ */
const REPLY_PARTS_FILES = typeof __NATTER_REPLY_PARTS_FILES__ === 'object' ? __NATTER_REPLY_PARTS_FILES__ : {};

export const loadThumbsChunk = chunkLoader({ key: 'thumbs_js', hook: '__thumbs', accept: partsWith('startThumbs'), timeoutMs: 15000 });

export function startLazyThumbs({ ctx, doc, t, load = loadThumbsChunk }) {
  const manifest = { ...ctx.manifest, files: { ...REPLY_PARTS_FILES, ...ctx.manifest.files } };
  return Promise.resolve().then(() => load({ manifest, base: ctx.base })).then(
    ({ startThumbs }) => startThumbs({ ctx, doc, t }),
    (err) => doc.defaultView?.console?.warn(`[natter] thumbs could not load: ${err?.message ?? err}`),
  );
}
