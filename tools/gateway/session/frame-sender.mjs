// Sends server frames on one WebSocket, applying that connection's injected
// connection fault (session-faults.mjs), if any. Frames are sent in the order
// given unless the fault says otherwise; nothing is sent once the socket is
// no longer open. `send(frame)` takes a frame object; call `opened()` once
// after the handshake. `sendBinary(bytes)` sends one voice packet: connection
// faults neither count nor delay those (voice has its own, voice-faults.mjs),
// but a dropped or muted connection sends none.
import { WebSocket } from 'ws';

const REORDER_FLUSH_MS = 50;

export function createFrameSender(ws, fault = null) {
  let written = 0;
  let stopped = false; // drop or mute reached: nothing more goes out
  const timers = new Set();
  const later = (ms, fn) => {
    const timer = setTimeout(() => { timers.delete(timer); fn(); }, ms);
    timers.add(timer);
    return timer;
  };
  ws.once('close', () => { for (const t of timers) clearTimeout(t); timers.clear(); });

  function write(text) {
    if (stopped || ws.readyState !== WebSocket.OPEN) return;
    written += 1;
    const limit = fault?.frames;
    if (fault?.action === 'drop_after_frames' && written >= limit) {
      stopped = true;
      ws.send(text, () => ws.terminate());
      return;
    }
    ws.send(text);
    if (fault?.action === 'mute_after_frames' && written >= limit) stopped = true;
  }

  let held = null; // reorder_frames: an event frame waiting for its partner
  let heldTimer = null;
  function flushHeld() {
    if (held === null) return;
    const text = held;
    held = null;
    clearTimeout(heldTimer);
    timers.delete(heldTimer);
    write(text);
  }

  function send(frame) {
    const text = JSON.stringify(frame);
    switch (fault?.action) {
      case 'delay_frames':
        later(fault.ms, () => write(text));
        return;
      case 'duplicate_frames':
        write(text);
        if (frame.type === 'event' || frame.type === 'ack') write(text);
        return;
      case 'reorder_frames':
        if (frame.type !== 'event') { flushHeld(); write(text); return; }
        if (held === null) { held = text; heldTimer = later(REORDER_FLUSH_MS, flushHeld); return; }
        write(text);
        flushHeld();
        return;
      default:
        write(text);
    }
  }

  function sendBinary(bytes) {
    if (!stopped && ws.readyState === WebSocket.OPEN) ws.send(bytes, { binary: true });
  }

  // Closes with a close frame, after the frames already given (delay_frames
  // delays the close as much as the frames before it).
  function close(code, reason) {
    if (fault?.action === 'delay_frames') later(fault.ms, () => ws.close(code, reason));
    else { flushHeld(); ws.close(code, reason); }
  }

  // Applies the drop/close-on-open faults once the handshake is done.
  function opened() {
    if (fault?.action === 'drop_after_frames' && fault.frames === 0) {
      stopped = true;
      ws.terminate();
    } else if (fault?.action === 'close_after_open') {
      later(fault.ms, () => (fault.code === undefined ? ws.terminate() : ws.close(fault.code, 'injected')));
    }
  }

  return { send, sendBinary, close, opened };
}
