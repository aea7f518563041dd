// The live session's UI beyond a first chat (calls, the handoff bar's
// typing line and email form, continue on a phone) is its own chunk
// (session-ui.js), so the core bundle, which every page a shopper opens the
// chat on downloads first, carries only what opens the panel and sends a
// message. This is the core bundle's side of it:
//   - an effect the core bundle has no handler for is the chunk's
//     (effects.js): held, in the order the core sent them, until the chunk
//     is in; the first one held starts the download, as does the panel's
//     opening (boot.js, with the core's rest), so a click finds it there. A
//     type the chunk has no handler for either is reported, as effects.js
//     does without a chunk;
//   - a chunk that cannot load answers what the core would otherwise wait
//     for (a call's voice_runtime_load, a continue link's redeem: as their
//     own failures do), drops the rest with one logged error, and the next
//     held effect tries again;
//   - `voice` stands for voice-effects.js's object until the chunk made it
//     (nothing to hand binary frames to, resume or stop before a call).
//
//   const host = createSessionUiHost({ load, build, dispatch, log });
//   host.run(effect)   carries out (or holds) an effect of the chunk's
//   host.load()    starts the download (once), resolves when it settled
//   host.voice     {onBinary, resume, stop, route, uplinkMs, downlinkMs, micTracks}
// load() resolves to the chunk's parts; build(parts) to createSessionUi's
// {effects, voice}.

// What the core waits for after these, when the chunk cannot carry them out.
const ANSWERS = {
  voice_runtime_load: (e, reason) => ({ type: 'voice_runtime_failed', reason }),
  continue_redeem: (e) => ({ type: 'continue_redeemed', request_id: e.request_id, status: 0, code: '' }),
};

// A flood while the chunk downloads (a staff member's typing, say) is
// bounded; held effects are state changes, the latest of which win anyway.
export const MAX_HELD_EFFECTS = 500;

export function createSessionUiHost({ load, build, dispatch, log }) {
  let built = null;   // createSessionUi's {effects, voice}, once the chunk is in
  let loading = null; // the download under way
  let held = [];

  function fetchChunk() {
    if (built) return Promise.resolve();
    loading ??= Promise.resolve().then(load).then((parts) => {
      built = build(parts);
      loading = null;
      for (const e of held.splice(0)) {
        try {
          run(e);
        } catch (err) { // as core-host.js does for the effects it runs
          log('error', `effect ${e.type} failed: ${err?.message ?? err}`);
        }
      }
    }, (err) => {
      loading = null;
      const dropped = held.splice(0);
      const reason = String(err?.message ?? err);
      log('error', `the session UI could not load (${reason}): ${dropped.length} effect(s) not carried out`);
      for (const e of dropped) if (ANSWERS[e.type]) dispatch(ANSWERS[e.type](e, reason));
    });
    return loading;
  }

  function run(effect) {
    const handler = built?.effects[effect.type];
    if (handler) return handler(effect);
    if (built) return log('warn', `unknown effect type ${JSON.stringify(effect.type)} (core newer than shim?)`);
    if (held.length < MAX_HELD_EFFECTS) held.push(effect);
    else log('warn', `session UI still loading: ${effect.type} dropped`);
    fetchChunk();
  }

  const voice = {
    onBinary: (connId, buffer) => built?.voice.onBinary(connId, buffer),
    resume: () => built?.voice.resume(),
    stop: () => built?.voice.stop(),
    route: () => (built ? built.voice.route() : null),
    uplinkMs: () => (built ? built.voice.uplinkMs() : null),
    downlinkMs: () => (built ? built.voice.downlinkMs() : null),
    micTracks: () => (built ? built.voice.micTracks() : []),
  };

  return { run, load: fetchChunk, voice };
}
