// Carries out the core's channel_check effect (wasm/src/session/release_watch.hpp):
// reads the release channel pointer the page follows
// ({"version", "build", "promoted_at"}, written by tools/release/release.mjs)
// and answers with channel_read. Revalidated (cache: 'no-cache'), so a CDN's
// cached copy is never taken for the channel's current word; no cookies.
// Whether to reload is the core's decision, not this file's.
const NAME = /^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$/;
const isName = (v) => typeof v === 'string' && NAME.test(v);

export function createChannelCheck({ fetch, dispatch }) {
  return async function checkChannel({ url }) {
    let answer = { type: 'channel_read', ok: false, version: '', build: '' };
    try {
      const res = await fetch(url, { cache: 'no-cache', credentials: 'omit' });
      if (res.ok) {
        const pointer = await res.json();
        if (isName(pointer?.version) && isName(pointer?.build)) {
          answer = { ...answer, ok: true, version: pointer.version, build: pointer.build };
        }
      }
    } catch { /* unreadable: ok stays false */ }
    dispatch(answer);
  };
}
