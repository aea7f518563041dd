// Downloads the host side of the core frame (open-frame.js and
// remote-core-host.js) when the page's CSP turns out to forbid compiling
// WebAssembly: its own content-hashed chunk (natter.framehost.<hash>.js,
// manifest key frame_host_js), so the core bundle every page loads does not
// carry it. The chunk's only statement is
//
//     window.natter.__frameHost({ openCoreFrame, createRemoteCoreHost });
//
// (frame-host-chunk.js), loaded by a script tag (../load-chunk.js): a
// script from the widget's origin, which such a page still allows.
// Resolves to {openCoreFrame, createRemoteCoreHost}.
import { chunkLoader, partsWith } from '../load-chunk.js';

export const loadFrameHost = chunkLoader({
  key: 'frame_host_js', hook: '__frameHost', accept: partsWith('openCoreFrame'), timeoutMs: 10000,
});
