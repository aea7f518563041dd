// Entry of the voice frame (natter.voiceframe.<hash>.js, run by
// natter.voiceframe.<hash>.html on the widget's own origin). A page may not
// start a Worker from another origin, so when the widget is embedded from
// elsewhere the voice runtime (voice-runtime.js) frames this page, and this
// page starts the voice worker, which is same-origin here, and hands it the
// page's MessagePort. From then on the page's main thread and worklets talk
// to the worker directly over ports; this frame's own thread carries no
// audio (shim/voice/README.md, "Across origins").
//
// The worker's file is named by this page itself (data-worker on the script
// tag; the page's content hash covers it): a framing page cannot make it
// start anything else.
//
// Window messages (handshake only; voice-link.js is the other side):
//   frame -> parent  {natter: VOICE_READY}                      targetOrigin '*'
//   parent -> frame  {natter: VOICE_PORT} + [worker port, status port]
// Status port, frame -> parent: {failed: message} when the worker cannot
// start or stops with an error.
import { VOICE_READY, VOICE_PORT } from './voice-frame-protocol.js';

const workerFile = document.currentScript && document.currentScript.dataset.worker;
let connected = false;

function start(workerPort, statusPort) {
  let worker;
  try {
    worker = new Worker(new URL(workerFile, location.href).href);
  } catch (err) {
    statusPort.postMessage({ failed: `the voice worker could not start: ${err && err.message || err}` });
    return;
  }
  worker.onerror = (e) => statusPort.postMessage({ failed: `the voice worker failed: ${e.message || 'load error'}` });
  worker.postMessage({ connect: workerPort }, [workerPort]);
}

addEventListener('message', (event) => {
  // Only our parent hands us the ports, and only once.
  if (connected || event.source !== parent || event.data?.natter !== VOICE_PORT || event.ports.length !== 2) return;
  connected = true;
  start(event.ports[0], event.ports[1]);
});
if (workerFile) parent.postMessage({ natter: VOICE_READY }, '*'); // carries nothing secret
