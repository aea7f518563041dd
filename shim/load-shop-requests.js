// The core bundle's side of two requests only some pages make: the shop's
// token endpoint (token-fetch.js: a page with a token URL) and the release
// channel pointer (release-channel.js: a page that follows a channel). They
// are their own chunk (shop-requests-chunk.js), so a page with neither never
// downloads them; boot.js starts the download at start on a page with
// either, beside the core's, so the core's first token_requested or
// channel_check finds it there.
//
//   const requests = createLazyShopRequests({ load, log });
//   requests.run(use, failed)   use(parts) once the chunk is in (at once if
//                               it is, in order otherwise); failed(reason) if
//                               it cannot load, so the core gets the answer
//                               it waits for (token_failed, channel_read
//                               ok: false), as when the request itself fails
//   requests.load()             starts the download (once)
// A failed download is tried again by the next run() (the core asks again:
// a token after its back-off, the channel at its next check).
import { chunkLoader, partsWith } from './load-chunk.js';

export const loadShopRequests = chunkLoader({
  key: 'shop_requests_js', hook: '__shopRequests', accept: partsWith('createTokenFetch'), timeoutMs: 15000,
});

export function createLazyShopRequests({ load, log }) {
  let parts = null;
  let loading = null;

  function fetchChunk() {
    if (parts) return Promise.resolve(parts);
    loading ??= Promise.resolve().then(load).then((chunk) => {
      parts = chunk;
      loading = null;
      return chunk;
    }, (err) => {
      loading = null;
      throw err;
    });
    return loading;
  }

  function run(use, failed) {
    if (parts) return use(parts);
    fetchChunk().then(use, (err) => {
      const reason = `could not load the widget's requests chunk (${err?.message ?? err})`;
      log('error', reason);
      failed(reason);
    });
  }

  return { run, load: () => fetchChunk().catch(() => {}) };
}
