// Carries out the core's live-session effects (docs/boundary.md,
// "Effects"; docs/protocol.md, "The live session") and reports back as
// events carrying the conn_id the core gave:
//
//   ws_connect {conn_id, url}  -> new WebSocket(url), one per conn_id, then
//       ws_opened {conn_id}                          onopen
//       ws_frame  {conn_id, text}                    each TEXT frame, verbatim
//       ws_closed {conn_id, code, reason, was_open}  onclose; was_open is true
//                                                    iff onopen fired (false:
//                                                    the upgrade failed)
//   ws_send  {conn_id, text}   -> socket.send(text)
//   ws_close {conn_id, code, reason} -> socket.close(code, reason); a code the
//       browser would refuse (anything but 1000 or 3000-4999) becomes 1000,
//       a reason longer than 123 UTF-8 bytes is cut (the browser would throw)
//   http_probe {conn_id, url}  -> plain GET, no credentials, then
//       probe_answered {conn_id, status (0: failed below HTTP), retry_after_ms (-1: none)}
//
// Nothing here judges or retries: the core decides when to connect, what a
// close means and which ids are stale. Every report carries the id of the
// socket it came from, including the close of a socket the core already
// closed (the core drops it); this file never filters and never reconnects.
//
// Binary frames carry voice packets (docs/protocol.md, "Voice frames"):
// they go to `onBinary(conn_id, ArrayBuffer)`, never to the core as text.
// Without an onBinary (no voice), the first one on a socket is logged as a
// warning and dropped. sendBinary(conn_id, bytes) sends one (voice uplink).
//
// `WebSocket` and `fetch` come from the platform (platform.js), so node
// tests inject fakes; `log(level, text)` is log.js.

import { parseRetryAfter } from './retry-after.js';

const OPEN = 1;
const MAX_REASON_BYTES = 123; // RFC 6455: a close frame's payload is at most 125 bytes

// The code the browser accepts for close(): 1000 or an application code.
export function closeCode(code) {
  return code === 1000 || (Number.isInteger(code) && code >= 3000 && code <= 4999) ? code : 1000;
}

// `reason` cut (at a character boundary) to what close() accepts.
export function closeReason(reason) {
  let text = String(reason ?? '');
  const encoder = new TextEncoder();
  while (encoder.encode(text).length > MAX_REASON_BYTES) text = Array.from(text).slice(0, -1).join('');
  return text;
}

export function createWsTransport({ WebSocket, fetch, dispatch, wallNow, log, onBinary = null }) {
  const sockets = new Map(); // conn_id -> WebSocket (until its close event)
  let epoch = 0; // detachAll() count: a probe answers only in its own

  function connect({ conn_id, url }) {
    let socket;
    try {
      socket = new WebSocket(url);
    } catch (err) {
      // A URL the browser refuses outright (bad scheme, blocked port,
      // mixed content): reported like any upgrade that failed, one turn later.
      const reason = String(err?.message ?? err);
      Promise.resolve().then(() => dispatch({ type: 'ws_closed', conn_id, code: 1006, reason, was_open: false }));
      return;
    }
    sockets.set(conn_id, socket);
    let wasOpen = false;
    let warnedBinary = false;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      wasOpen = true;
      dispatch({ type: 'ws_opened', conn_id });
    };
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') {
        dispatch({ type: 'ws_frame', conn_id, text: event.data });
      } else if (onBinary) {
        onBinary(conn_id, event.data);
      } else if (!warnedBinary) {
        warnedBinary = true;
        log('warn', `ignored a binary frame on connection ${conn_id} (the session speaks text frames only)`);
      }
    };
    // An error is always followed by a close, which is what gets reported.
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (sockets.get(conn_id) === socket) sockets.delete(conn_id);
      dispatch({
        type: 'ws_closed',
        conn_id,
        code: Number.isInteger(event.code) ? event.code : 1006,
        reason: String(event.reason ?? ''),
        was_open: wasOpen,
      });
    };
  }

  function send({ conn_id, text }) {
    const socket = sockets.get(conn_id);
    if (!socket || socket.readyState !== OPEN) {
      log('debug', `ws_send for connection ${conn_id}, which is not open: frame not sent`);
      return;
    }
    socket.send(text);
  }

  // Voice frames: dropped silently when the socket is not open (live audio
  // is not queued; the core resends nothing of it either).
  function sendBinary(conn_id, bytes) {
    const socket = sockets.get(conn_id);
    if (socket && socket.readyState === OPEN) socket.send(bytes);
  }

  function close({ conn_id, code, reason }) {
    const socket = sockets.get(conn_id);
    if (!socket) return; // already closed; its ws_closed is on its way or sent
    socket.close(closeCode(code), closeReason(reason));
  }

  async function probe({ conn_id, url }) {
    const asked = epoch;
    let status = 0;
    let retryAfterMs = -1;
    try {
      const response = await fetch(url, { method: 'GET', credentials: 'omit', cache: 'no-store' });
      status = response.status;
      retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), wallNow());
      response.body?.cancel?.().catch(() => {});
    } catch {
      // refused, reset, offline: status 0
    }
    if (asked === epoch) dispatch({ type: 'probe_answered', conn_id, status, retry_after_ms: retryAfterMs });
  }

  // Closes every socket (a test or the headless client tearing down).
  function closeAll() {
    for (const socket of sockets.values()) socket.close(1000, 'closed');
  }

  // The core that owned these sockets is gone (another conversation opened,
  // boot.js): every socket closes without a word to the next core, whose
  // conn_ids start over. Probes still under way are dropped too.
  function detachAll() {
    epoch += 1;
    for (const socket of sockets.values()) {
      socket.onopen = socket.onmessage = socket.onclose = null;
      socket.close(1000, 'closed');
    }
    sockets.clear();
  }

  return { connect, send, sendBinary, close, probe, closeAll, detachAll };
}
