// Voice mode's effects and events between the core and the browser: the
// core's voice effects run here (on a runtime made lazily by
// voice-runtime.js), and what the audio side observes goes back to the
// core as events. Encoded microphone frames go straight to the socket the
// core named in voice_uplink; agent packets from the socket go to the
// runtime. Nothing here decides: no state but the ids the core gave.
//
//   const voice = createVoiceEffects({ makeRuntime, session, dispatch, ui, log });
//   table entries: voice.effects; binary frames: voice.onBinary(connId, buf)

export function createVoiceEffects({ makeRuntime, session, dispatch, ui, log }) {
  let runtime = null;
  let uplinkConn = 0;

  function ensureRuntime() {
    runtime = runtime || makeRuntime({
      packets: (list) => {
        if (!uplinkConn) return;
        for (const p of list) session.sendBinary(uplinkConn, p);
      },
      speaking: (speaking) => dispatch({ type: 'speech_activity', speaking }),
      level: (level) => ui.voice.level(level),
      drained: () => dispatch({ type: 'playback_drained' }),
      micLost: () => dispatch({ type: 'mic_answered', result: 'lost' }),
      failed: (message) => log('error', `voice: ${message}`),
    });
    return runtime;
  }

  const effects = {
    microphone_requested: () => {
      ensureRuntime().requestMic().then(
        (result) => dispatch({ type: 'mic_answered', result }),
        (err) => {
          log('error', `voice: ${err.message || err}`);
          dispatch({ type: 'mic_answered', result: 'missing' });
        },
      );
    },
    microphone_released: () => runtime?.releaseMic(),
    voice_playback: (e) => ensureRuntime().setPlayback(e.playing, e.conn_id),
    voice_uplink: (e) => { uplinkConn = e.open ? e.conn_id : 0; },
    voice_echo_guard: (e) => runtime?.setEchoGuard(e.on),
    voice_state_changed: (e) => ui.voice.show(e),
  };

  return {
    effects,
    onBinary: (connId, buffer) => runtime?.agentPacket(connId, buffer),
    resume: () => runtime?.resume(),
    micTracks: () => (runtime ? runtime.micTracks() : []),
  };
}
