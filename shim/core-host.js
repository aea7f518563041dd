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
//
// A call that needs the part of the core still loading (CoreRestPending,
// shim/core-api.js) changed nothing: that event and every one after it wait,
// in order, and are fed once that part is in. dispatch returns null
// meanwhile, as above.

export function createCoreHost({ core, runEffect, now, setTimeout, clearTimeout, console, onFailed = () => {} }) {
  const pending = [];
  let draining = false;
  let timer = null;
  let failed = false;
  let disposed = false;
  let waiting = false; // for the rest of the core (CoreRestPending)

  const restPending = (err) => err?.name === 'CoreRestPending';
  // Feeds what waited once the rest is in, then arms the timer.
  function waitFor(ready) {
    waiting = true;
    ready.then(() => {
      waiting = false;
      if (disposed || failed) return;
      drain();
      arm();
    });
  }

  function feed(event) {
    if (failed) return null;
    let effects;
    try {
      effects = JSON.parse(core.handle(JSON.stringify(event), now()));
    } catch (err) {
      if (restPending(err)) {
        pending.unshift(event);
        waitFor(err.ready);
        return null;
      }
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
    if (failed || waiting) return;
    let deadline;
    try {
      deadline = core.nextDeadline();
    } catch (err) {
      if (!restPending(err)) throw err;
      waitFor(err.ready);
      return;
    }
    if (deadline < 0) return;
    timer = setTimeout(() => {
      timer = null;
      dispatch({ type: 'tick' });
    }, Math.max(0, deadline - now()));
  }

  function drain(first) {
    draining = true;
    let ran = null;
    try {
      if (first) ran = feed(first);
      while (pending.length && !waiting) feed(pending.shift());
    } finally {
      draining = false;
    }
    return ran;
  }

  function dispatch(event) {
    if (draining || waiting) {
      pending.push(event);
      return waiting ? null : [];
    }
    const ran = drain(event);
    arm();
    return ran;
  }

  // Stops the timer and frees the core (it is not garbage collected); a
  // failed core is not called again, not even to free it: its module
  // instance is dropped whole (each core boots its own, boot.js startCore).
  function dispose() {
    disposed = true;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (!failed) core.delete();
  }

  return { dispatch, dispose };
}
