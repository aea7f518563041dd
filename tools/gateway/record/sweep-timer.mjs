// The retention sweep (retention.mjs), run at start and then every hour.
// `now` and the timer functions are injectable: tests drive the clock.
// A failed sweep is logged and tried again at the next hour; sweeps never
// overlap.
export const SWEEP_EVERY_MS = 3_600_000;

export function startRetentionSweeps({
  record, days, everyMs = SWEEP_EVERY_MS, now = Date.now, setTimer = setInterval, clearTimer = clearInterval, log = () => {},
}) {
  let running = null;
  async function sweepOnce() {
    if (running) return running;
    running = record.sweep({ now: now(), days })
      .then((removed) => {
        const total = Object.values(removed).reduce((a, b) => a + b, 0);
        if (total > 0) log(`[record] retention sweep removed ${Object.entries(removed).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(', ')}`);
        return removed;
      })
      .catch((error) => { log(`[record] retention sweep failed: ${error.message}`); return null; })
      .finally(() => { running = null; });
    return running;
  }
  const first = sweepOnce();
  const timer = setTimer(sweepOnce, everyMs);
  timer?.unref?.();
  return { first, sweepOnce, stop: () => clearTimer(timer) };
}
