// The manifest entries of the chunks only the session UI chunk loads (the
// call's runtime, the continue sheet). The build writes them into this
// chunk as __NATTER_SESSION_UI_FILES__ (tools/bundle/build.mjs) instead of
// the core bundle, so a first chat does not download their hashes; the
// chunk's SRI hash covers them.

/* global __NATTER_SESSION_UI_FILES__ */
export const SESSION_UI_FILES = typeof __NATTER_SESSION_UI_FILES__ === 'object' ? __NATTER_SESSION_UI_FILES__ : {};

// manifest: the one boot.js works from; its entries win (a loader that
// fetched the whole manifest.json has them all), as in release-files.js.
export const withSessionUiFiles = (manifest) => ({ ...manifest, files: { ...SESSION_UI_FILES, ...manifest.files } });
