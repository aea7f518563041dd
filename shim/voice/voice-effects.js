// Voice mode's effects and events between the core and the browser: the
// core's voice effects run here, on a runtime made by voice-runtime.js, and
// what the audio side observes goes back to the core as events. Encoded
// microphone frames go straight to the socket the core named in
// voice_uplink, or to the WebRTC data channel while the core's voice_route
// says "rtc" (rtc-link.js); agent packets from the socket, or from the
// current data channel, go to the runtime. Nothing here decides: no state
// but the ids and the route the core gave, and the runtime once made.
//
//   const voice = createVoiceEffects({ makeRuntime, session, dispatch, ui, log });
//   table entries: voice.effects; binary frames: voice.onBinary(connId, buf)
//
// The runtime is its own chunk (load-runtime.js), and the WebRTC link comes
// with it: makeRuntime resolves to { runtime, createRtcLink }. The core says
// when to download it (voice_runtime_load) and sends the effects that need
// it, rtc_* included, only once told it loaded (voice_runtime_loaded; or
// voice_runtime_failed), so what to do meanwhile is the core's
// (wasm/src/voice/call/voice_runtime.hpp). What stays here is data: agent packets that
// arrive during the download are kept (bounded like the worker's own early
// buffer) and handed over once it is there.

// rtc-link.js's effects, named here so that the core bundle need not carry it.
export const RTC_EFFECTS = ['rtc_open', 'rtc_restart', 'rtc_answer', 'rtc_ping', 'rtc_close'];

export const MAX_EARLY_PACKETS = 250; // 5 s of 20 ms frames, as in voice-worker.js

export function createVoiceEffects({
  makeRuntime, session, dispatch, ui, log, RTCPeerConnection = globalThis.RTCPeerConnection,
}) {
  let runtime = null;
  let loading = false;
  let early = [];       // [connId (0: the channel's), buffer] received during the download
  let uplinkConn = 0;
  let playConn = 0;     // the socket whose call is playing (voice_playback)
  let route = { via: 'websocket', pc_id: 0, rung: '', max_buffered_bytes: 0 }; // voice_route
  let rtc = null;       // the WebRTC link, made with the runtime

  const on = {
    packets: (list) => {
      if (!uplinkConn) return;
      for (const p of list) {
        if (route.via === 'rtc' && rtc?.send(route.pc_id, p, route.max_buffered_bytes)) continue;
        session.sendBinary(uplinkConn, p);
      }
    },
    speaking: (speaking) => dispatch({ type: 'speech_activity', speaking }),
    level: (level) => ui.voice.level(level),
    drained: () => dispatch({ type: 'playback_drained' }),
    micLost: () => dispatch({ type: 'mic_answered', result: 'lost' }),
    failed: (message) => log('error', `voice: ${message}`),
  };

  // The answer always comes after the effect that asked (a runtime made at
  // once, as in tests, included), never inside it.
  function load() {
    if (loading || runtime) return;
    loading = true;
    new Promise((resolve) => resolve(makeRuntime(on))).then((made) => {
      runtime = made.runtime;
      // The channel's agent frames are the playing call's, as the socket's are.
      rtc = made.createRtcLink({
        RTCPeerConnection, dispatch, log, onPacket: (buffer) => { if (playConn) onBinary(playConn, buffer); },
      });
      loading = false;
      dispatch({ type: 'voice_runtime_loaded' });
      for (const [connId, buffer] of early.splice(0)) runtime.agentPacket(connId || playConn, buffer);
    }, (err) => {
      loading = false;
      early = [];
      dispatch({ type: 'voice_runtime_failed', reason: String((err && err.message) || err) });
    });
  }

  // The core sends these only once the runtime loaded: without it, one is a
  // bug in the core, reported and dropped.
  const withRuntime = (name, run) => (e) => {
    if (runtime) run(runtime, e);
    else log('error', `voice: ${name} before the voice runtime loaded`);
  };

  function requestMic(rt) {
    const permitted = () => dispatch({ type: 'mic_answered', result: 'permitted' });
    rt.requestMic({ permitted }).then(
      (result) => dispatch({ type: 'mic_answered', result }),
      (err) => {
        log('error', `voice: ${err.message || err}`);
        dispatch({ type: 'mic_answered', result: 'blocked' });
      },
    );
  }

  const effects = {
    voice_runtime_load: load,
    microphone_requested: withRuntime('microphone_requested', requestMic),
    microphone_released: withRuntime('microphone_released', (rt) => rt.releaseMic()),
    voice_playback: withRuntime('voice_playback', (rt, e) => {
      playConn = e.playing ? e.conn_id : 0;
      rt.setPlayback(e.playing, e.conn_id);
    }),
    voice_uplink: (e) => { uplinkConn = e.open ? e.conn_id : 0; },
    voice_route: (e) => {
      route = e;
      ui.voice.route?.(e);
    },
    ...Object.fromEntries(RTC_EFFECTS.map((name) => [name, withRuntime(name, (rt, e) => rtc.effects[name](e))])),
    voice_echo_guard: withRuntime('voice_echo_guard', (rt, e) => rt.setEchoGuard(e.on)),
    voice_encoder_set: withRuntime('voice_encoder_set', (rt, e) => rt.setEncoder({
      bitrate: e.bitrate, fec: e.fec, loss_perc: e.loss_perc,
    })),
    voice_state_changed: (e) => ui.voice.show(e),
  };

  function onBinary(connId, buffer) {
    if (runtime) runtime.agentPacket(connId, buffer);
    else if (loading && early.length < MAX_EARLY_PACKETS) early.push([connId, buffer]);
  }

  // The core that ran the call failed (boot.js): nothing will end the call
  // any more, so end what the browser holds now. The microphone above all.
  function stop() {
    uplinkConn = 0;
    early = [];
    if (runtime) {
      runtime.releaseMic();
      runtime.setPlayback(false, playConn);
      rtc.closeAll();
    }
    playConn = 0;
    ui.voice.show({ state: 'off', muted: false });
  }

  return {
    effects,
    onBinary,
    stop,
    // The rung the call rides and the channel's counters, for the support dump.
    // codec: the codec build the call loaded ('simd' | 'scalar', shim/voice/codec-build.js)
    route: () => ({ rung: route.rung, via: route.via, ...(rtc ? rtc.counts() : { sent: 0, received: 0, dropped_full: 0 }),
      codec: runtime ? runtime.codecBuild() : null }),
    resume: () => runtime?.resume(),
    micTracks: () => (runtime ? runtime.micTracks() : []),
    uplinkMs: () => (runtime ? runtime.uplinkMs() : null),
    downlinkMs: () => (runtime ? runtime.downlinkMs() : null),
  };
}
