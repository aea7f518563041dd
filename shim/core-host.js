// Owns the WASM NatterCore and runs the core's loop (docs/ARCHITECTURE.md,
// "The run loop"): feed one event with now(), carry out every effect it
// returned in order, then arm ONE timer for the core's next deadline, which
// feeds {type:'tick'} when it fires.
//
// dispatch(event) returns the effects it ran, so a caller that must act
// synchronously on one of them (keyboard.js and consume_key) can. An event
// dispatched while effects are being carried out (a host listener calling
// natter('send'), say) is queued and fed right after, in order: the core
// always sees events one at a time, never nested.

export function createCoreHost({ core, runEffect, now, setTimeout, clearTimeout, console }) {
  const pending = [];
  let draining = false;
  let timer = null;

  function feed(event) {
    let effects;
    try {
      effects = JSON.parse(core.handle(JSON.stringify(event), now()));
    } catch (err) {
      // A trap inside the core or non-JSON output: report it, keep the page alive.
      console.error('[natter] core failed on ' + event.type + ':', err);
      return [];
    }
    for (const effect of effects) {
      try {
        runEffect(effect);
      } catch (err) {
        console.error('[natter] effect ' + effect.type + ' failed:', err);
      }
    }
    return effects;
  }

  function arm() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const deadline = core.nextDeadline();
    if (deadline < 0) return;
    timer = setTimeout(() => {
      timer = null;
      dispatch({ type: 'tick' });
    }, Math.max(0, deadline - now()));
  }

  function dispatch(event) {
    if (draining) {
      pending.push(event);
      return [];
    }
    draining = true;
    let ran;
    try {
      ran = feed(event);
      while (pending.length) feed(pending.shift());
    } finally {
      draining = false;
    }
    arm();
    return ran;
  }

  // Stops the timer and frees the core (it is not garbage collected).
  function dispose() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    core.delete();
  }

  return { dispatch, dispose };
}
