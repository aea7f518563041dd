// The release manifest the core bundle works from. The loader only carries
// the entry it needs itself (core_js: tools/bundle/build.mjs keeps it under
// its 2 KiB budget); the build writes every other entry into this bundle as
// __NATTER_FILES__, but for the files only a call uses, which the voice
// runtime chunk carries (voice/voice-files.js), and the chunks only the
// session UI chunk loads, which it carries (session-ui/session-ui-files.js). The bundle's SRI hash
// covers them, so they are as trustworthy as the loader's copy. A loader
// that passes a full manifest (a stable loader that fetched manifest.json)
// gets the same entries back.

/* global __NATTER_FILES__ */
export const BUNDLED_FILES = typeof __NATTER_FILES__ === 'object' ? __NATTER_FILES__ : {};

// loaderManifest: ctx.manifest ({version, build, files}).
export function releaseManifest(loaderManifest, bundled = BUNDLED_FILES) {
  return { ...loaderManifest, files: { ...bundled, ...loaderManifest.files } };
}
