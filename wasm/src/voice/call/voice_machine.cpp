#include "voice/call/voice_machine.hpp"

namespace natter::voice {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace

using S = VoiceState;
// The names VoiceStateChanged carries, in enum order.
const char* const kVoiceCallNames[] = {"off", "requesting_mic", "connecting", "agent_speaking",
                                       "listening", "user_speaking", "ending"};
// Derived from the rules above; a seeded walk over every event
// (tests/native/voice_machine_test.cpp) reaches each row and nothing else.
const Transition<VoiceState> kVoiceCallTransitions[] = {
    {S::Off, S::RequestingMic, NATTER_ON("Start")},
    {S::RequestingMic, S::Connecting, NATTER_ON("mic granted, session down")},
    {S::RequestingMic, S::Listening, NATTER_ON("mic granted")},
    {S::RequestingMic, S::AgentSpeaking, NATTER_ON("mic granted, greeting playing")},
    {S::RequestingMic, S::Off, NATTER_ON("first mic request failed, End before the stream opened, or call refused or ended")},
    {S::RequestingMic, S::Ending, NATTER_ON("End")},
    {S::Connecting, S::Listening, NATTER_ON("session live")},
    {S::Connecting, S::RequestingMic, NATTER_ON("mic lost")},
    {S::Connecting, S::Off, NATTER_ON("End (no session to close the stream on)")},
    {S::Listening, S::UserSpeaking, NATTER_ON("speech started")},
    {S::Listening, S::AgentSpeaking, NATTER_ON("agent audio started")},
    {S::Listening, S::Connecting, NATTER_ON("session lost")},
    {S::Listening, S::RequestingMic, NATTER_ON("mic lost")},
    {S::Listening, S::Ending, NATTER_ON("End")},
    {S::Listening, S::Off, NATTER_ON("call refused or ended by the server")},
    {S::AgentSpeaking, S::Listening, NATTER_ON("agent audio ended")},
    {S::AgentSpeaking, S::UserSpeaking, NATTER_ON("barge-in")},
    {S::AgentSpeaking, S::Connecting, NATTER_ON("session lost")},
    {S::AgentSpeaking, S::RequestingMic, NATTER_ON("mic lost")},
    {S::AgentSpeaking, S::Ending, NATTER_ON("End")},
    {S::AgentSpeaking, S::Off, NATTER_ON("call refused or ended by the server")},
    {S::UserSpeaking, S::Listening, NATTER_ON("speech ended, or muted")},
    {S::UserSpeaking, S::AgentSpeaking, NATTER_ON("speech ended while agent audio plays")},
    {S::UserSpeaking, S::Connecting, NATTER_ON("session lost")},
    {S::UserSpeaking, S::RequestingMic, NATTER_ON("mic lost")},
    {S::UserSpeaking, S::Ending, NATTER_ON("End")},
    {S::UserSpeaking, S::Off, NATTER_ON("call refused or ended by the server")},
    {S::Ending, S::Off, NATTER_ON("voice stream closed, or session lost")},
    {S::Ending, S::RequestingMic, NATTER_ON("Start (a new call)")},
};
const std::size_t kVoiceCallTransitionCount = sizeof(kVoiceCallTransitions) / sizeof(kVoiceCallTransitions[0]);
const MachineTable<VoiceState> kVoiceCallMachine{"voice call", kVoiceCallNames, kVoiceCallTransitions};
const MachineTable<VoiceState>& table_of(VoiceState) { return kVoiceCallMachine; }

std::optional<VoiceEffect> VoiceMachine::poll() {
  if (out_.empty()) return std::nullopt;
  VoiceEffect e = std::move(out_.front());
  out_.pop_front();
  return e;
}

bool VoiceMachine::can_go(VoiceState s) {
  if (s == state_ || is_legal(state_, s)) return true;
  emit(Refused{state_, s});
  return false;
}

void VoiceMachine::set_state(VoiceState s) {
  if (s == state_ || !can_go(s)) return;
  state_ = s;
  emit(StateChanged{s});
}

void VoiceMachine::settle() {
  if (!in_call()) return;
  if (mic_ != Mic::Held) return set_state(VoiceState::RequestingMic);
  if (!session_live_) return set_state(VoiceState::Connecting);
  if (user_speaking_) return set_state(VoiceState::UserSpeaking);
  if (agent_audio_) return set_state(VoiceState::AgentSpeaking);
  set_state(VoiceState::Listening);
}

void VoiceMachine::open_voice_stream() {
  if (stream_open_ || !session_live_) return;
  emit(SendVoiceStart{!greeted_});
  stream_open_ = true;
}

void VoiceMachine::stop_agent_audio() {
  if (!agent_audio_) return;
  agent_audio_ = false;
  emit(StopPlayback{});
  emit(SetEchoGuard{false});
}

void VoiceMachine::start() {
  if (in_call()) {
    if (mic_ != Mic::Failed) return;  // idempotent
    mic_ = Mic::Requesting;
    emit(RequestMicrophone{});
    return;
  }
  // A new call (from Off, or while the last one is still closing).
  if (!can_go(VoiceState::RequestingMic)) return;
  mic_ = Mic::Requesting;
  had_mic_ = greeted_ = agent_audio_ = user_speaking_ = muted_ = false;
  stream_open_ = false;
  state_ = VoiceState::RequestingMic;
  emit(StateChanged{state_});
  emit(RequestMicrophone{});
  open_voice_stream();  // the greeting can play while the prompt is open
}

void VoiceMachine::mic_failed(const char* code, const char* text) {
  if (!in_call() || mic_ == Mic::Held) return;
  if (!had_mic_ && !can_go(VoiceState::Off)) return;
  emit(ShowError{code, text});
  if (had_mic_) {
    mic_ = Mic::Failed;  // the call stays up; Start asks again
    return;
  }
  // The call never got a microphone: voice mode closes, text chat goes on.
  stop_agent_audio();
  if (stream_open_ && session_live_) emit(SendVoiceEnd{});
  stream_open_ = false;
  mic_ = Mic::None;
  set_state(VoiceState::Off);
}

void VoiceMachine::end() {
  if (!in_call()) return;
  if (!can_go(stream_open_ && session_live_ ? VoiceState::Ending : VoiceState::Off)) return;
  if (mic_ == Mic::Requesting || mic_ == Mic::Held) emit(ReleaseMicrophone{});
  mic_ = Mic::None;
  stop_agent_audio();
  user_speaking_ = false;
  const bool wait_close = stream_open_ && session_live_;
  if (wait_close) emit(SendVoiceEnd{});
  stream_open_ = false;
  set_state(wait_close ? VoiceState::Ending : VoiceState::Off);
}

// The server refused or ended the call, so it keeps nothing of it: said
// once, the call over here too (no voice.end), the microphone given back,
// text chat goes on; a later Start begins a new call.
void VoiceMachine::ended_by_server(const char* code) {
  if (!in_call() || !can_go(VoiceState::Off)) return;
  emit(ShowError{code, ""});
  if (mic_ == Mic::Requesting || mic_ == Mic::Held) emit(ReleaseMicrophone{});
  mic_ = Mic::None;
  stop_agent_audio();
  user_speaking_ = false;
  stream_open_ = false;
  set_state(VoiceState::Off);
}

void VoiceMachine::handle(const VoiceEvent& event) {
  std::visit(
      Overloaded{
          [&](const StartPressed&) { start(); },
          [&](const MicGranted&) {
            if (!in_call()) return emit(ReleaseMicrophone{});  // a late grant: give it back
            if (mic_ == Mic::Held) return;
            mic_ = Mic::Held;
            had_mic_ = true;
            if (muted_) emit(SetMuted{true});
            settle();
          },
          [&](const MicDenied&) { mic_failed("mic_denied"); },
          [&](const MicMissing&) { mic_failed("mic_missing"); },
          [&](const MicBlocked&) { mic_failed("voice_blocked", kVoiceBlockedText); },
          [&](const AudioStalled&) {
            if (!in_call() || mic_ != Mic::Requesting) return;
            emit(ReleaseMicrophone{});  // the host holds the stream its audio never used
            mic_failed("voice_audio_stalled");
          },
          [&](const MicRevoked&) {
            if (!in_call() || mic_ != Mic::Held) return;
            mic_ = Mic::Requesting;
            user_speaking_ = false;
            emit(ShowError{"mic_lost", ""});
            emit(RequestMicrophone{});
            settle();
          },
          [&](const SessionLive&) {
            session_live_ = true;
            if (!in_call()) return;
            open_voice_stream();
            settle();
          },
          [&](const SessionLost&) {
            session_live_ = false;
            stream_open_ = false;
            if (state_ == VoiceState::Ending) return set_state(VoiceState::Off);
            stop_agent_audio();
            user_speaking_ = false;
            settle();
          },
          [&](const AgentAudioStarted&) {
            if (!in_call() || !session_live_ || agent_audio_) return;
            agent_audio_ = greeted_ = true;
            emit(StartPlayback{});
            emit(SetEchoGuard{true});
            settle();
          },
          [&](const AgentAudioEnded&) {
            if (!agent_audio_) return;
            agent_audio_ = false;
            emit(SetEchoGuard{false});
            settle();
          },
          [&](const SpeechStarted&) {
            if (!in_call() || mic_ != Mic::Held || !session_live_ || muted_ || user_speaking_) return;
            if (agent_audio_) {  // barge-in
              agent_audio_ = false;
              emit(StopPlayback{});
              emit(SendBargeIn{});
              emit(SetEchoGuard{false});
            }
            user_speaking_ = true;
            settle();
          },
          [&](const SpeechEnded&) {
            if (!user_speaking_) return;
            user_speaking_ = false;
            settle();
          },
          [&](const MutePressed&) {
            if (!in_call() || muted_) return;
            muted_ = true;
            user_speaking_ = false;
            emit(SetMuted{true});
            settle();
          },
          [&](const UnmutePressed&) {
            if (!in_call() || !muted_) return;
            muted_ = false;
            emit(SetMuted{false});
          },
          [&](const EndPressed&) { end(); },
          [&](const HostEnd&) { end(); },
          [&](const VoiceClosed&) {
            if (state_ == VoiceState::Ending) return set_state(VoiceState::Off);
            // Not asked for: the server ended the call (a packet flood, an
            // instance going away).
            if (stream_open_) ended_by_server("voice_ended");
          },
          [&](const CallRefused&) { ended_by_server("voice_busy"); },
          [&](const EnterPressed&) {
            if (state_ != VoiceState::Off) emit(Log{kEnterIgnoredText});
          },
          [&](const TextTyped&) {},
      },
      event);
}

}  // namespace natter::voice
