// Subscribers registered with natter('on', name, fn). The core emits
// host_event effects (message, error, send_blocked, and session
// {resumed: false} when the live session had to start afresh); the panel
// emits open and close. A listener that throws is reported and does not stop the
// others, nor the effect loop that called emit.

export const EVENT_NAMES = [
  'message', 'error', 'send_blocked', 'open', 'close', 'session', 'voice', 'handoff', 'product_saved', 'product_unsaved',
];

export function createListeners({ console }) {
  const byName = new Map(EVENT_NAMES.map((n) => [n, new Set()]));

  function on(name, fn) {
    const set = byName.get(name);
    if (!set) throw new Error(`unknown event '${name}' (known: ${EVENT_NAMES.join(', ')})`);
    if (typeof fn !== 'function') throw new Error(`natter('on', '${name}', fn) needs a function`);
    set.add(fn);
  }

  function off(name, fn) {
    const set = byName.get(name);
    if (set) set.delete(fn);
  }

  function emit(name, payload) {
    const set = byName.get(name);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(payload);
      } catch (err) {
        console.error(`[natter] a natter('on', '${name}') listener threw:`, err);
      }
    }
  }

  return { on, off, emit };
}
