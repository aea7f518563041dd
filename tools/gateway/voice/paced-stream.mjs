// Plays a list of 20 ms frames in real time: the first `headStart` frames at
// once (they fill the client's jitter buffer), then one per 20 ms. Each
// frame's time is computed from the start, not from the previous timer, so
// late timers do not add up (drift-corrected); a late timer sends every
// frame that is due at once.
export const HEAD_START_FRAMES = 3;

// `sendFrame(index)` sends frame `index`; `onDone()` runs after the last.
// Returns { stop() }: no frame is sent after stop(), and onDone never runs.
// now / setTimer / clearTimer: the clock and timers (tests pass fake ones).
export function playPaced(count, { sendFrame, onDone, frameMs = 20, headStart = HEAD_START_FRAMES,
  now = () => performance.now(), setTimer = setTimeout, clearTimer = clearTimeout }) {
  const startedAt = now();
  const dueAt = (i) => startedAt + Math.max(0, i - headStart + 1) * frameMs;
  let next = 0;
  let timer = null;
  let stopped = false;

  function tick() {
    timer = null;
    const t = now();
    while (!stopped && next < count && dueAt(next) <= t) sendFrame(next++);
    if (stopped) return;
    if (next >= count) { stopped = true; onDone(); return; }
    timer = setTimer(tick, Math.max(0, dueAt(next) - now()));
  }

  tick();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimer(timer);
    },
  };
}
