// A clock and timers the shim's run loops can be given instead of the
// browser's (tests of core-host.js and frame/remote-core-host.js).
//   const clock = fakeClock();   // clock.now(), setTimeout, clearTimeout
//   clock.advance(to)            // moves time and fires what is due
//   clock.timers                 // id -> {fn, at, ms}
export function fakeClock() {
  const timers = new Map();
  let nextId = 1;
  const clock = {
    t: 1000,
    now: () => clock.t,
    setTimeout: (fn, ms) => { const id = nextId++; timers.set(id, { fn, at: clock.t + ms, ms }); return id; },
    clearTimeout: (id) => { timers.delete(id); },
    timers,
    // Advances to `to` and fires what is due, as a browser would.
    advance(to) {
      clock.t = to;
      for (const [id, timer] of [...timers]) {
        if (timer.at <= to) { timers.delete(id); timer.fn(); }
      }
    },
  };
  return clock;
}
