// Whether the browser's audio side (the voice runtime: AudioContext,
// worklets, worker, getUserMedia; its own chunk, downloaded on the first
// call) is there to carry out the call's audio effects, and what the call
// wants of it meanwhile. The shim only downloads when told (VoiceRuntimeLoad)
// and answers VoiceRuntimeLoaded / VoiceRuntimeFailed.
//
// States (docs/voice-runtime-states.md is generated from kRuntimeTransitions):
//   Absent   nothing loaded (before the first call, or after a failed load)
//   Loading  VoiceRuntimeLoad emitted, no answer yet
//   Ready    loaded: audio effects go out at once, for the page's life
// Rules:
//   * a microphone request or playing agent audio needs the runtime: from
//     Absent it starts the download;
//   * until Ready the call's wishes are kept, not queued: the microphone
//     (asked for, or not any more: End before the load means the browser is
//     never asked), playback (playing on which socket) and the echo guard;
//     Ready sends what is still wished, in that order;
//   * the WebRTC link is in the chunk too (shim/voice/rtc-link.js): the
//     ladder climbs off the WebSocket only once Ready (VoiceLadder::climb),
//     so no rtc_* effect goes out before it; frames ride the socket meanwhile;
//   * a failed load answers a wished microphone with "blocked" (the call
//     says voice cannot run here; text goes on), forgets the rest, and the
//     next request downloads again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/machine.hpp"

namespace natter {

class Client;

enum class RuntimeState : uint8_t { Absent, Loading, Ready };
// Its table (base/machine.hpp: is_legal, state_name, machine_go).
const MachineTable<RuntimeState>& table_of(RuntimeState);
extern const Transition<RuntimeState> kRuntimeTransitions[];
extern const std::size_t kRuntimeTransitionCount;

class VoiceRuntime {
 public:
  explicit VoiceRuntime(Client& c) : c_(c) {}

  // What the call wants (VoiceCall::translate), carried out once Ready.
  void want_mic(bool on);
  void want_playback(bool playing, uint32_t conn_id);
  void want_echo_guard(bool on);
  // The shim's answers to VoiceRuntimeLoad.
  void on_loaded();
  void on_failed(const std::string& reason);

  RuntimeState state() const { return state_; }

 private:
  friend struct TransitionProbe;
  bool go(RuntimeState to);
  void need();  // Absent -> Loading

  Client& c_;
  RuntimeState state_ = RuntimeState::Absent;
  bool mic_ = false;            // wished until Ready
  bool playing_ = false;
  uint32_t play_conn_ = 0;
  bool echo_guard_ = false;
};

}  // namespace natter
