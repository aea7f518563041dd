// The stable loader's release resolution (docs/deploying.md): a pin
// (data-version="1.4.2" or ?v=1.4.2 on the script URL) or the channel's
// pointer (channels/<channel>.json), then v/<version>/manifest.json. Only
// a loader built with a channel pointer contains this file: a release's own
// loader already knows its manifest (tools/bundle/build.mjs drops it).

// A version or channel names a folder or file (tools/bundle/build.mjs VERSION_NAME).
const RELEASE_NAME = /^[0-9A-Za-z][0-9A-Za-z._+-]*$/;

const getJson = (url) => fetch(url).then((r) => {
  if (!r.ok) throw new Error('HTTP ' + r.status + ' for ' + url);
  return r.json();
});

// Resolves to {manifest, dir}: dir is where the manifest's paths live.
export function resolveRelease(base, pin, channel) {
  pin = pin || new URL(base).searchParams.get('v');
  return (pin ? Promise.resolve({ version: pin }) : RELEASE_NAME.test(channel)
    ? getJson(new URL('channels/' + channel + '.json', base).href)
    : Promise.reject(new Error('bad channel ' + channel))
  ).then((c) => {
    if (!RELEASE_NAME.test(c.version)) throw new Error('bad version ' + c.version);
    var dir = new URL('v/' + c.version + '/', base).href;
    return getJson(dir + 'manifest.json').then((m) => ({ manifest: m, dir }));
  });
}
