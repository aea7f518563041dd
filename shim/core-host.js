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
//
// A core that fails (a trap or abort inside the WASM, or output that is not
// JSON: a bug in the core, never bad input, which it answers with effects)
// is fed nothing more: a trap unwinds without finishing the turn or
// restoring the module's stack pointer, so its memory is no longer trusted.
// onFailed(err, event) is called once; boot.js decides what replaces it.
// dispatch then returns null, as a core in the frame does (no answer to act
// on: keyboard.js applies the core's Enter rule).

export function createCoreHost({ core, runEffect, now, setTimeout, clearTimeout, console, onFailed = () => {} }) {
  const pending = [];
  let draining = false;
  let timer = null;
  let failed = false;

  function feed(event) {
    if (failed) return null;
    let effects;
    try {
      effects = JSON.parse(core.handle(JSON.stringify(event), now()));
    } catch (err) {
      failed = true;
      pending.length = 0;
      console.error('[natter] core failed on ' + event.type + ':', err);
      onFailed(err, event);
      return null;
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
    if (failed) return;
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

  // Stops the timer and frees the core (it is not garbage collected); a
  // failed core is not called again, not even to free it: its module
  // instance is dropped whole (each core boots its own, boot.js startCore).
  function dispose() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (!failed) core.delete();
  }

  return { dispatch, dispose };
}
