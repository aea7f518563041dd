// The voice runtime's line to its worker (voice-worker.js), whatever origin
// the widget was embedded from:
//
//   same origin as the page: a dedicated Worker, as simple as it gets;
//   another origin: a page may not start a Worker from a foreign URL (and a
//     blob: or data: worker is what a strict CSP forbids), so a hidden
//     iframe from the widget's origin (natter.voiceframe.<hash>.html,
//     voice-frame.js) starts it there and gets one end of a MessageChannel;
//     the other end stays here. Messages then go page <-> worker directly.
//
//   const link = openVoiceLink({ win, doc, root, workerUrl, frameUrl, onFailed });
//   link.port.postMessage(msg, transfer); link.port.onmessage = …; link.close();
//
// onFailed(err) is called at most once, with a NatterVoiceBlocked error whose
// message names the fix (a CSP directive to add, a header to send).
import { VOICE_READY, VOICE_PORT } from './voice-frame-protocol.js';

export const VOICE_FRAME_TIMEOUT_MS = 10000;

export function voiceBlocked(message) {
  const err = new Error(message);
  err.name = 'NatterVoiceBlocked';
  return err;
}

function directWorker({ win, workerUrl, fail }) {
  const origin = new URL(workerUrl).origin;
  let worker;
  try {
    worker = new win.Worker(workerUrl);
  } catch (err) {
    fail(voiceBlocked(`the voice worker ${workerUrl} could not start (${err.message}): `
      + `allow ${origin} in this page's worker-src (or script-src) directive`));
    return { port: { postMessage() {}, onmessage: null }, close() {} };
  }
  worker.onerror = (e) => fail(voiceBlocked(`the voice worker ${workerUrl} failed: ${e.message || 'it could not load'}`));
  return { port: worker, close: () => worker.terminate() };
}

function framedWorker({ win, doc, root, frameUrl, fail, setTimeout, clearTimeout, timeoutMs }) {
  const origin = new URL(frameUrl).origin;
  const channel = new win.MessageChannel();
  const status = new win.MessageChannel();
  const iframe = doc.createElement('iframe');
  iframe.hidden = true; // an attribute, not a style: strict style-src stays happy
  iframe.title = 'Natter voice';
  iframe.setAttribute('aria-hidden', 'true');
  iframe.tabIndex = -1;
  let connected = false;

  const done = () => {
    clearTimeout(timer);
    win.removeEventListener('message', onMessage);
    doc.removeEventListener('securitypolicyviolation', onViolation, true);
  };
  const failed = (err) => {
    done();
    fail(err);
  };
  const timer = setTimeout(() => failed(voiceBlocked(`the voice frame ${frameUrl} did not answer within ${timeoutMs / 1000} s: `
    + `${origin} must serve it without X-Frame-Options or a frame-ancestors that excludes this page`)), timeoutMs);

  function onMessage(event) {
    // Only our own frame, from the origin we loaded it from.
    if (connected || event.source !== iframe.contentWindow || event.origin !== origin || event.data?.natter !== VOICE_READY) return;
    connected = true;
    done();
    iframe.contentWindow.postMessage({ natter: VOICE_PORT }, origin, [channel.port2, status.port2]);
  }
  function onViolation(event) {
    if (/^(frame|child)-src$/.test(event.effectiveDirective) && String(event.blockedURI).startsWith(origin)) {
      failed(voiceBlocked(`this page's ${event.effectiveDirective} directive blocks the voice frame: add ${origin} to frame-src`));
    }
  }
  status.port1.onmessage = (e) => { if (e.data?.failed) fail(voiceBlocked(e.data.failed)); };
  win.addEventListener('message', onMessage);
  // Composed: reaches the document from inside the widget's shadow root.
  doc.addEventListener('securitypolicyviolation', onViolation, true);
  iframe.src = frameUrl;
  root.appendChild(iframe);
  return {
    port: channel.port1, // messages posted now wait in the port until the worker takes it
    close() {
      done();
      channel.port1.close();
      status.port1.close();
      iframe.remove();
    },
  };
}

export function openVoiceLink({ win, doc, root, workerUrl, frameUrl, onFailed,
  setTimeout = win.setTimeout.bind(win), clearTimeout = win.clearTimeout.bind(win), timeoutMs = VOICE_FRAME_TIMEOUT_MS }) {
  let told = false;
  const fail = (err) => {
    if (told) return;
    told = true;
    onFailed(err);
  };
  if (new URL(workerUrl).origin === win.location.origin) return directWorker({ win, workerUrl, fail });
  return framedWorker({ win, doc, root, frameUrl, fail, setTimeout, clearTimeout, timeoutMs });
}
