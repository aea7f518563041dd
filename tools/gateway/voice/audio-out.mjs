// The agent's side of one call on one connection: binary audio frames and
// the voice control frames that must stay in order with them. Applies the
// injected audio faults (voice-faults.mjs) when there are any; without them
// every frame is written at once.
//
// `conn`: { send(frame), sendBinary(bytes) }. `faults`: VoiceFaults or null.
export function createAudioOut(conn, faults) {
  const timers = new Set();
  let held = null; // reorder: a frame waiting to go right after the next one
  let lastDueAt = 0; // jitter: when the latest delayed frame goes out

  const later = (ms, fn) => {
    const timer = setTimeout(() => { timers.delete(timer); fn(); }, ms);
    timers.add(timer);
  };

  function emit(bytes) {
    const jitter = faults?.settings.jitter_ms ?? 0;
    const delay = jitter > 0 ? Math.round(faults.random() * jitter) : 0;
    if (delay === 0 && timers.size === 0) { conn.sendBinary(bytes); return; }
    lastDueAt = Math.max(lastDueAt, Date.now() + delay);
    later(delay, () => conn.sendBinary(bytes));
  }

  // One audio frame of the current utterance.
  function sendPacket(bytes) {
    const s = faults?.settings;
    if (s?.drop > 0 && faults.random() < s.drop) return;
    if (held) {
      const first = held;
      held = null;
      emit(bytes);
      emit(first);
      return;
    }
    if (s?.reorder > 0 && faults.random() < s.reorder) { held = bytes; return; }
    emit(bytes);
  }

  // A voice control frame: after every audio frame given before it.
  function sendControl(frame) {
    if (held) { const last = held; held = null; emit(last); }
    if (timers.size === 0) conn.send(frame);
    else later(Math.max(0, lastDueAt - Date.now()) + 1, () => conn.send(frame)); // +1: after ties
  }

  // The utterance was cut (barge-in, end): a held frame was never sent.
  function discardHeld() { held = null; }

  // The connection is gone: nothing more goes out.
  function close() {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    held = null;
  }

  return { sendPacket, sendControl, discardHeld, close };
}
