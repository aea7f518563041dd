// Voice mode's effects and events between the core and the browser: the
// core's voice effects run here (on a runtime made lazily by
// voice-runtime.js), and what the audio side observes goes back to the
// core as events. Encoded microphone frames go straight to the socket the
// core named in voice_uplink, or to the WebRTC data channel while the
// core's voice_route says "rtc" (rtc-link.js); agent packets from the
// socket, or from the current data channel, go to the runtime. Nothing
// here decides: no state but the ids and the route the core gave.
//
//   const voice = createVoiceEffects({ makeRuntime, session, dispatch, ui, log });
//   table entries: voice.effects; binary frames: voice.onBinary(connId, buf)
//
// makeRuntime(on) may return the runtime or a Promise of it: the runtime is
// its own chunk, downloaded on the first call (load-runtime.js). Until it is
// there, every effect and agent packet that would reach it waits in one
// queue and is applied in arrival order once it loads (packets bounded like
// the worker's own early buffer). A release before the load cancels the
// request still waiting (the core ended the call: no prompt, no open mic,
// and the core ignores a missing answer). A failed load answers each waiting
// request with mic_answered 'blocked' (voice cannot run on this page: the
// core shows its 'voice_blocked' notice; the text chat goes on), drops the
// rest, and the next request tries again.

import { createRtcLink } from './rtc-link.js';

export const MAX_EARLY_PACKETS = 250; // 5 s of 20 ms frames, as in voice-worker.js

export function createVoiceEffects({
  makeRuntime, session, dispatch, ui, log, RTCPeerConnection = globalThis.RTCPeerConnection,
}) {
  let runtime = null;
  let loading = false;
  let waiting = [];     // [{run(runtime), fail?(), mic?}] in arrival order
  let earlyPackets = 0;
  let uplinkConn = 0;
  let playConn = 0;     // the socket whose call is playing (voice_playback)
  let route = { via: 'websocket', pc_id: 0, rung: '', max_buffered_bytes: 0 }; // voice_route

  // The channel's agent frames are the playing call's, as the socket's are.
  const rtc = createRtcLink({
    RTCPeerConnection, dispatch, log, onPacket: (buffer) => { if (playConn) onBinary(playConn, buffer); },
  });

  const on = {
    packets: (list) => {
      if (!uplinkConn) return;
      for (const p of list) {
        if (route.via === 'rtc' && rtc.send(route.pc_id, p, route.max_buffered_bytes)) continue;
        session.sendBinary(uplinkConn, p);
      }
    },
    speaking: (speaking) => dispatch({ type: 'speech_activity', speaking }),
    level: (level) => ui.voice.level(level),
    drained: () => dispatch({ type: 'playback_drained' }),
    micLost: () => dispatch({ type: 'mic_answered', result: 'lost' }),
    failed: (message) => log('error', `voice: ${message}`),
  };

  function settle(list, loaded) {
    waiting = [];
    earlyPackets = 0;
    for (const step of list) {
      if (loaded) step.run(loaded);
      else step.fail?.();
    }
  }

  function loaded(made) {
    runtime = made;
    loading = false;
    settle(waiting, made);
  }

  function failed(err) {
    loading = false;
    log('error', `voice: the voice code could not load: ${(err && err.message) || err}`);
    settle(waiting, null);
  }

  // A runtime made at once (tests) is used at once; a Promise waits.
  function load() {
    loading = true;
    let made;
    try {
      made = makeRuntime(on);
    } catch (err) {
      made = Promise.reject(err); // answered later, never inside the effect
    }
    if (made && typeof made.then === 'function') made.then(loaded, failed);
    else loaded(made);
  }

  // Runs step on the runtime; queues it while the runtime loads; `start`:
  // a step that needs the runtime starts the download.
  function toRuntime(step, { start = false } = {}) {
    if (runtime) return step.run(runtime);
    if (!loading && !start) return undefined; // no runtime, none coming: nothing to act on
    waiting.push(step);
    if (!loading) load();
    return undefined;
  }

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
    microphone_requested: () => toRuntime({
      mic: true,
      run: requestMic,
      fail: () => dispatch({ type: 'mic_answered', result: 'blocked' }),
    }, { start: true }),
    microphone_released: () => {
      if (!runtime) waiting = waiting.filter((step) => !step.mic);
      toRuntime({ run: (rt) => rt.releaseMic() });
    },
    // Only playing starts the download: stopping needs no runtime that is not there.
    voice_playback: (e) => {
      playConn = e.playing ? e.conn_id : 0;
      toRuntime({ run: (rt) => rt.setPlayback(e.playing, e.conn_id) }, { start: e.playing });
    },
    voice_uplink: (e) => { uplinkConn = e.open ? e.conn_id : 0; },
    voice_route: (e) => {
      route = e;
      ui.voice.route?.(e);
    },
    ...rtc.effects,
    voice_echo_guard: (e) => toRuntime({ run: (rt) => rt.setEchoGuard(e.on) }),
    voice_state_changed: (e) => ui.voice.show(e),
  };

  function onBinary(connId, buffer) {
    if (!runtime && loading) {
      if (earlyPackets >= MAX_EARLY_PACKETS) return;
      earlyPackets++;
    }
    toRuntime({ run: (rt) => rt.agentPacket(connId, buffer) });
  }

  return {
    effects,
    onBinary,
    // The rung the call rides and the channel's counters, for the support dump.
    route: () => ({ rung: route.rung, via: route.via, ...rtc.counts() }),
    resume: () => runtime?.resume(),
    micTracks: () => (runtime ? runtime.micTracks() : []),
    uplinkMs: () => (runtime ? runtime.uplinkMs() : null),
    downlinkMs: () => (runtime ? runtime.downlinkMs() : null),
  };
}
