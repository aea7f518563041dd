// Entry of the frame host chunk (natter.framehost.<hash>.js, built by
// tools/bundle/build.mjs): hands the host side of the core frame to the core
// bundle, which is waiting for it in load-frame-host.js. Only a page whose
// CSP forbids compiling WebAssembly downloads it.
import { openCoreFrame } from './open-frame.js';
import { createRemoteCoreHost } from './remote-core-host.js';

window.natter && window.natter.__frameHost && window.natter.__frameHost({ openCoreFrame, createRemoteCoreHost });
