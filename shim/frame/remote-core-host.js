// The run loop (docs/ARCHITECTURE.md, "The run loop") for a core in the
// core frame: the same contract as ../core-host.js, made asynchronous.
// Each event is posted at once with now(); each reply's effects are carried
// out in order as it arrives (the port keeps replies in the order of the
// events); then ONE timer is armed for the deadline in that reply. Replies
// come in order, so the last one received carries the core's newest
// deadline: an earlier reply never re-arms over a later one.
//
// dispatch(event) returns null: the effects are not known yet. keyboard.js
// then falls back to enterConsumedByCore (keyboard.js), the core's rule.
// An event dispatched while effects run (a host listener calling
// natter('send')) is simply posted: the frame feeds the core one at a time.
//
// A reply with an error, or effects that are not JSON, means the core
// failed (../core-host.js says why it is then fed nothing more): later
// replies are dropped, nothing more is posted, and onFailed(err) is called
// once.

export function createRemoteCoreHost({ core, runEffect, now, setTimeout, clearTimeout, console, onFailed = () => {} }) {
  let timer = null;
  let disposed = false;
  let failed = false;

  function arm(deadline) {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (disposed || failed || !(deadline >= 0)) return;
    timer = setTimeout(() => {
      timer = null;
      dispatch({ type: 'tick' });
    }, Math.max(0, deadline - now()));
  }

  function fail(err) {
    failed = true;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    onFailed(err);
  }

  core.onHandled((reply) => {
    if (disposed || failed) return;
    if (reply.error) {
      console.error('[natter] core failed on an event: ' + reply.error);
      fail(new Error(reply.error));
      return;
    }
    let effects;
    try {
      effects = JSON.parse(reply.effects);
    } catch (err) {
      console.error('[natter] core frame sent effects that are not JSON:', err);
      fail(err);
      return;
    }
    for (const effect of effects) {
      try {
        runEffect(effect);
      } catch (err) {
        console.error('[natter] effect ' + effect.type + ' failed:', err);
      }
    }
    arm(reply.deadline);
  });

  function dispatch(event) {
    if (!disposed && !failed) core.handle(JSON.stringify(event), now());
    return null;
  }

  // Stops the timer and frees the frame's core; replies still in flight are dropped.
  function dispose() {
    disposed = true;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    core.delete();
  }

  return { dispatch, dispose };
}
