// Starts the core frame for a host page that cannot compile WebAssembly:
// a hidden iframe (in the widget's shadow root) loads the frame page from
// the widget's own origin; once it says it is ready, we hand it one end of
// a MessageChannel and create the core over it (remote-core.js).
//
// Resolves to the remote core once it is created. Rejects with a
// NatterFrameError as soon as the page's CSP reports blocking the frame
// (frame-src/child-src), when the frame does not answer within timeoutMs
// (the frame page is missing or misconfigured, a browser that reports no
// violation) or when it fails to create the core; the iframe is removed
// then, and a late answer changes nothing. Deleting the remote core later
// removes the iframe too.

import { createRemoteCore } from './remote-core.js';
import { READY, PORT } from './frame-protocol.js';

export const FRAME_TIMEOUT_MS = 10000;

function frameError(message) {
  const err = new Error(message);
  err.name = 'NatterFrameError';
  return err;
}

// url: the frame page's absolute URL; config: the core config JSON text;
// wasm: the page's first part of the core ({path relative to url,
// integrity, rest}: boot.js coreParts).
export function openCoreFrame({ doc, win, root, url, config, wasm, setTimeout, clearTimeout, timeoutMs = FRAME_TIMEOUT_MS }) {
  const origin = new URL(url).origin;
  const iframe = doc.createElement('iframe');
  iframe.hidden = true; // an attribute, not a style: strict style-src stays happy
  iframe.title = 'Natter chat engine';
  iframe.setAttribute('aria-hidden', 'true');
  iframe.tabIndex = -1;

  return new Promise((resolve, reject) => {
    let settled = false;
    let remote = null;
    const finish = (err, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      win.removeEventListener('message', onMessage);
      doc.removeEventListener('securitypolicyviolation', onViolation, true);
      if (err) {
        remote?.delete();
        iframe.remove(); // also when no remote core was made yet
        reject(err);
      } else {
        resolve(value);
      }
    };
    const timer = setTimeout(() => finish(frameError(
      `the chat frame from ${origin} did not answer within ${timeoutMs / 1000} s`)), timeoutMs);

    function onMessage(event) {
      // Only our own frame, from the origin we loaded it from.
      if (remote || event.source !== iframe.contentWindow || event.origin !== origin || event.data?.natter !== READY) return;
      const channel = new win.MessageChannel();
      remote = createRemoteCore(channel.port1, { onDelete: () => iframe.remove() });
      iframe.contentWindow.postMessage({ natter: PORT }, origin, [channel.port2]);
      remote.create(config, wasm).then(
        () => finish(null, remote),
        (err) => finish(frameError(`the chat frame from ${origin} could not start the core: ${err.message}`)),
      );
    }
    function onViolation(event) {
      const blocked = /^(frame|child)-src$/.test(event.effectiveDirective) && String(event.blockedURI).startsWith(origin);
      if (blocked) finish(frameError(`this page's ${event.effectiveDirective} directive blocks the chat frame from ${origin}`));
    }
    win.addEventListener('message', onMessage);
    // Composed: reaches the document from inside the widget's shadow root.
    doc.addEventListener('securitypolicyviolation', onViolation, true);
    iframe.src = url;
    root.appendChild(iframe);
  });
}
