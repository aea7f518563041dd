// The core's requests to the shop's own endpoints: a token fetch (the shop's
// token URL) and a release channel check. Their code is a chunk
// (load-shop-requests.js), which a page with a token URL or a channel
// downloads at once, beside the core; other pages only if the core asks.
//
// An answer goes only to the core that asked: another conversation's core
// counts request ids afresh, so forgetAnswers() (a core replaced) drops the
// answers of every request still in flight.

import { createLazyShopRequests, loadShopRequests } from './load-shop-requests.js';

export function createShopFetches(ctx, platform, dispatch, log) {
  const shopRequests = createLazyShopRequests({ load: () => loadShopRequests({ manifest: ctx.manifest, base: ctx.base }), log });
  if (String(ctx.connection.tokenUrl ?? '').trim() || ctx.manifest.channel) shopRequests.load();
  let generation = 0;
  const forThisCore = () => { const g = generation; return (event) => g === generation && dispatch(event); };
  const fetchToken = (e) => {
    const answer = forThisCore();
    shopRequests.run(({ createTokenFetch }) => createTokenFetch({
      fetch: platform.fetch, dispatch: answer, setTimeout: platform.setTimeout, clearTimeout: platform.clearTimeout,
    })(e), (reason) => answer({ type: 'token_failed', request_id: e.request_id, status: 0, reason }));
  };
  const checkChannel = (e) => {
    const answer = forThisCore();
    shopRequests.run(({ createChannelCheck }) => createChannelCheck({ fetch: platform.fetch, dispatch: answer })(e),
      () => answer({ type: 'channel_read', ok: false, version: '', build: '' }));
  };
  return { fetchToken, checkChannel, forgetAnswers: () => { generation += 1; } };
}
