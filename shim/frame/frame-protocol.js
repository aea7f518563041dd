// The messages between the host page and the core frame (core-frame.js).
// Window messages (handshake only):
//   frame -> parent  {natter: READY}                       targetOrigin '*'
//   host  -> frame   {natter: PORT} + [MessagePort]        targetOrigin = frame origin
// Port messages, answered in the order they were sent (the frame handles
// one at a time; a handle sent before `created` waits for it):
//   host -> frame  {type: 'create', config: <config JSON text>, wasm: {path, integrity}}
//   frame -> host  {type: 'created', ...state} | {type: 'failed', message}
//   host -> frame  {type: 'handle', event: <event JSON text>, now: <ms>}
//   frame -> host  {type: 'handled', effects: <effects JSON text>, error?: <text>, ...state}
//   host -> frame  {type: 'dispose'}                       (no answer; the core is freed)
// state = {conversation_id, deadline (ms, -1 for none), stats: <stats JSON text>}:
// the core's state after the message, so the host never asks synchronously.

export const READY = 'core-frame-ready';
export const PORT = 'core-frame-port';
