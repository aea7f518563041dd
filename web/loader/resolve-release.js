// The stable loader's release resolution (docs/deploying.md): a pin
// (data-version="1.4.2" or ?v=1.4.2 on the script URL) or the channel's
// pointer (channels/<channel>.json), then v/<version>/manifest.json. Only
// a loader built with a channel pointer contains this file: a release's own
// loader already knows its manifest (tools/bundle/build.mjs drops it).

// A version or channel names a folder or file (tools/bundle/build.mjs VERSION_NAME).
const RELEASE_NAME = /^[0-9A-Za-z][0-9A-Za-z._+-]*$/;

// (Error() without `new` and one name check: every byte here counts
// against the loader's 2 KiB budget.)
const getJson = (url) => fetch(url).then((r) => {
  if (!r.ok) throw Error(r.status + ' ' + url); // e.g. "404 https://…/channels/latest.json"
  return r.json();
});
const named = (kind, name) => {
  if (!RELEASE_NAME.test(name)) throw Error('bad ' + kind + ' ' + name);
  return name;
};

// Resolves to {manifest, dir}: dir is where the manifest's paths live.
// manifest.channel is the pointer's URL when the page follows it (absent
// when pinned): the core re-reads it to learn that the channel moved
// (wasm/src/session/release_watch.hpp).
export async function resolveRelease(base, pin, channel) {
  var url;
  pin = pin || new URL(base).searchParams.get('v')
    || (await getJson(url = new URL('channels/' + named('channel', channel) + '.json', base).href)).version;
  var dir = new URL('v/' + named('version', pin) + '/', base).href;
  var manifest = await getJson(dir + 'manifest.json');
  manifest.channel = url;
  return { manifest, dir };
}
