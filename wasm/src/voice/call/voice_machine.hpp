// The voice session state machine (issue "Voice mode"): one call at a time,
// sans-IO. Events in, effects out, both plain value types; no clock, no
// audio, no sockets. The audio path (resampler, framer, codec, jitter buffer,
// VAD) runs beside it; this machine only decides.
//
// Run loop: handle(event), then poll() until it returns nothing, carrying out
// each effect in order.
//
// States (named after what the call waits for):
//   Off            no call. Text chat is untouched by anything here.
//   RequestingMic  the call is up but has no microphone: the permission
//                  prompt is open, or the device went away and we asked again.
//   Connecting     mic held, the live session is down (first connect or reconnect).
//   AgentSpeaking  the agent's audio is playing (the greeting first).
//   Listening      mic open, waiting for the shopper to speak.
//   UserSpeaking   the VAD hears the shopper.
//   Ending         End was pressed: mic released at once, waiting for the
//                  server to close the voice stream (VoiceClosed or SessionLost).
// Inside a call the state follows from facts, in this order: no mic ->
// RequestingMic; no session -> Connecting; shopper speaking -> UserSpeaking;
// agent audio -> AgentSpeaking; else Listening.
//
// Rules:
//   * Start twice is idempotent (no effects), except that after the mic
//     failed mid-call Start asks for it again.
//   * Only End or HostEnd ends a call, and ending releases the microphone in
//     the same step (ReleaseMicrophone). A mic denied or missing on the
//     call's FIRST request means the call never started: back to Off with a
//     clear error. Later failures keep the call up (the agent can still talk).
//   * SessionLost keeps the microphone; SessionLive resumes the call without
//     asking for it again. The voice stream is (re)opened with SendVoiceStart,
//     whose `greeting` is true only until the call's first agent audio: the
//     greeting is never repeated after a reconnect.
//   * Agent audio that starts while the mic prompt is still open is played
//     (StartPlayback), never dropped; the call then resumes in AgentSpeaking.
//   * AudioStalled (the host allowed the mic but its audio never started)
//     fails the request like MicBlocked, and also releases the microphone
//     the host already holds.
//   * Barge-in: speech start while AgentSpeaking -> StopPlayback,
//     SendBargeIn, UserSpeaking. EchoGuard{on} tells the VAD the agent is
//     audible (see vad.hpp).
//   * Muted: VAD events are ignored. Enter on an empty composer only logs
//     "Enter ignored in voice mode" (Enter with text is a typed turn, sent by
//     the send machine: VoiceCall::on_enter); typed text never ends the call.
//   * An event that does not apply is ignored and the state is unchanged.
//
// The states follow from the facts, and every change of state is checked
// against kVoiceCallTransitions (docs/voice-call-states.md is generated from
// it): a change not listed is a bug in this file, reported as a Refused
// effect before any other effect of the step, with the state unchanged.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <variant>

#include "base/machine.hpp"

namespace natter::voice {

enum class VoiceState { Off, RequestingMic, Connecting, AgentSpeaking, Listening, UserSpeaking, Ending };
// Its table (base/machine.hpp: is_legal, state_name); the names are the
// ones VoiceStateChanged carries.
const MachineTable<VoiceState>& table_of(VoiceState);
using natter::is_legal;
using natter::state_name;
inline const char* voice_state_name(VoiceState s) { return state_name(s); }

extern const Transition<VoiceState> kVoiceCallTransitions[];
extern const std::size_t kVoiceCallTransitionCount;

// ---- events ----
struct StartPressed {};
struct MicGranted {};
struct MicDenied {};
struct MicMissing {};    // no input device
struct MicBlocked {};    // the browser refused what voice needs (CSP, CORS, no AudioWorklet, insecure page)
struct MicRevoked {};    // device unplugged or permission withdrawn mid-call
struct AudioStalled {};  // the mic was allowed but the browser's audio never started
struct SessionLive {};
struct SessionLost {};
struct AgentAudioStarted {};
struct AgentAudioEnded {};
struct SpeechStarted {}; // from the VAD
struct SpeechEnded {};
struct MutePressed {};
struct UnmutePressed {};
struct EndPressed {};
struct HostEnd {};
struct VoiceClosed {};   // the server closed the voice stream (asked by End, or not: it ended the call)
struct CallRefused {};   // the server would not open the call (busy, or voice not loaded): it kept nothing
struct EnterPressed {};
struct TextTyped {};
using VoiceEvent = std::variant<StartPressed, MicGranted, MicDenied, MicMissing, MicBlocked, MicRevoked, AudioStalled, SessionLive,
                                SessionLost, AgentAudioStarted, AgentAudioEnded, SpeechStarted, SpeechEnded,
                                MutePressed, UnmutePressed, EndPressed, HostEnd, VoiceClosed, CallRefused,
                                EnterPressed, TextTyped>;

// ---- effects ----
struct RequestMicrophone {};
struct ReleaseMicrophone {};
struct SendVoiceStart { bool greeting = true; };
struct SendVoiceEnd {};
struct StartPlayback {};
struct StopPlayback {};
struct SendBargeIn {};
struct SetMuted { bool muted = false; };
struct SetEchoGuard { bool on = false; };
struct StateChanged { VoiceState state = VoiceState::Off; };
struct ShowError { std::string code, text; };  // text "": said by code only (above)
struct Log { std::string text; };
// A change of state the table does not list: refused, the state unchanged.
struct Refused { VoiceState from = VoiceState::Off, to = VoiceState::Off; };
using VoiceEffect = std::variant<RequestMicrophone, ReleaseMicrophone, SendVoiceStart, SendVoiceEnd,
                                 StartPlayback, StopPlayback, SendBargeIn, SetMuted, SetEchoGuard,
                                 StateChanged, ShowError, Log, Refused>;

// The one error text of a call the core says itself: a failed download of
// the session UI or voice runtime chunk ends in it, so no chunk can carry its
// English. The others are said by code only (ShowError with no text): their
// English ships with the session UI chunk (shim/i18n/en-call.js).
constexpr const char* kVoiceBlockedText =
    "Voice calls are not available on this page. You can keep chatting by text.";
constexpr const char* kEnterIgnoredText = "Enter ignored in voice mode";

class VoiceMachine {
 public:
  void handle(const VoiceEvent& event);
  std::optional<VoiceEffect> poll();

  VoiceState state() const { return state_; }
  bool muted() const { return muted_; }

 private:
  enum class Mic { None, Requesting, Held, Failed };

  bool in_call() const { return state_ != VoiceState::Off && state_ != VoiceState::Ending; }
  // Built in place: no VoiceEffect is moved (one move per alternative in the WASM).
  template <typename E>
  void emit(E&& e) { out_.emplace_back(std::forward<E>(e)); }
  // True when the table allows state_ -> s; else reports Refused. Checked
  // before a step's other effects where the step knows its target.
  bool can_go(VoiceState s);
  void set_state(VoiceState s);
  void settle();  // recomputes the in-call state from the facts
  void start();
  void mic_failed(const char* code, const char* text = "");
  void end();
  void ended_by_server(const char* code);
  void stop_agent_audio();
  void open_voice_stream();

  VoiceState state_ = VoiceState::Off;
  Mic mic_ = Mic::None;
  bool had_mic_ = false;        // the mic was granted at least once this call
  bool session_live_ = false;   // tracked in every state
  bool stream_open_ = false;    // SendVoiceStart sent on the current session
  bool greeted_ = false;        // agent audio already played this call
  bool agent_audio_ = false;
  bool user_speaking_ = false;
  bool muted_ = false;
  std::deque<VoiceEffect> out_;

  friend struct VoiceMachineProbe;  // test-only: drives set_state directly
};

}  // namespace natter::voice
