#include "voice/call/voice_runtime.hpp"

#include "client.hpp"

namespace natter {

using R = RuntimeState;
const char* const kRuntimeNames[] = {"Absent", "Loading", "Ready"};
const Transition<RuntimeState> kRuntimeTransitions[] = {
    {R::Absent, R::Loading, NATTER_ON("the call needs the mic or plays agent audio")},
    {R::Loading, R::Ready, NATTER_ON("loaded")},
    {R::Loading, R::Absent, NATTER_ON("the download failed")},
};
const std::size_t kRuntimeTransitionCount = sizeof(kRuntimeTransitions) / sizeof(kRuntimeTransitions[0]);
const MachineTable<RuntimeState> kRuntimeMachine{"voice runtime", kRuntimeNames, kRuntimeTransitions};
const MachineTable<RuntimeState>& table_of(RuntimeState) { return kRuntimeMachine; }

bool VoiceRuntime::go(RuntimeState to) { return machine_go(state_, to, c_); }

void VoiceRuntime::need() {
  if (state_ == R::Absent && go(R::Loading)) c_.out_.emplace_back(VoiceRuntimeLoad{});
}

void VoiceRuntime::want_mic(bool on) {
  if (state_ == R::Ready) {
    if (on) c_.out_.emplace_back(MicrophoneRequested{});
    else c_.out_.emplace_back(MicrophoneReleased{});
    return;
  }
  mic_ = on;  // released before the load: the browser is never asked
  if (on) need();
}

void VoiceRuntime::want_playback(bool playing, uint32_t conn_id) {
  if (state_ == R::Ready) {
    c_.out_.emplace_back(VoicePlayback{playing, conn_id});
    return;
  }
  playing_ = playing;
  play_conn_ = playing ? conn_id : 0;
  if (playing) need();
}

void VoiceRuntime::want_echo_guard(bool on) {
  if (state_ == R::Ready) {
    c_.out_.emplace_back(VoiceEchoGuard{on});
    return;
  }
  echo_guard_ = on;
}

void VoiceRuntime::on_loaded() {
  if (state_ != R::Loading || !go(R::Ready)) return;  // a late or repeated answer
  if (mic_) c_.out_.emplace_back(MicrophoneRequested{});
  if (playing_) c_.out_.emplace_back(VoicePlayback{true, play_conn_});
  if (echo_guard_) c_.out_.emplace_back(VoiceEchoGuard{true});
  mic_ = playing_ = echo_guard_ = false;
  play_conn_ = 0;
}

void VoiceRuntime::on_failed(const std::string& reason) {
  if (state_ != R::Loading || !go(R::Absent)) return;
  c_.out_.emplace_back(Log{"error", "voice: the voice code could not load: " + reason});
  const bool asked = mic_;
  mic_ = playing_ = echo_guard_ = false;
  play_conn_ = 0;
  if (asked) c_.voice_.on_mic("blocked");
}

}  // namespace natter
