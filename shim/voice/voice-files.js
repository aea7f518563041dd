// The manifest entries of the files only a call uses (the voice worker, both
// codec builds, the worklets, the voice frame's page). The build writes them
// into the voice runtime chunk as __NATTER_VOICE_FILES__
// (tools/bundle/build.mjs) instead of the core bundle, so a first chat does
// not download their hashes; the chunk's SRI hash covers them.

/* global __NATTER_VOICE_FILES__ */
export const VOICE_FILES = typeof __NATTER_VOICE_FILES__ === 'object' ? __NATTER_VOICE_FILES__ : {};
