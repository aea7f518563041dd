// Voice mode inside the client: the voice state machine
// (voice/call/voice_machine.hpp, which decides) bridged to the client's events,
// its live session and its effects. Audio itself never passes through
// here: the host encodes, sends, receives and plays it (shim/voice/); this
// class only says when (VoiceUplink, VoicePlayback, VoiceEchoGuard).
//
// What it adds to the machine:
//   * a call id, minted per call, sent with every voice frame; server frames
//     of another call are ignored (a late frame of the last call can never
//     act on this one);
//   * the machine's SendVoiceStart/End/BargeIn become frames on the live
//     session; SessionLive/SessionLost come from the connection machine;
//   * voice.agent start from the server is AgentAudioStarted; the agent's
//     audio has ended when the server sent its last frame (voice.agent end)
//     AND the host reports the playback drained;
//   * the microphone answer is bounded, in two steps: an unanswered prompt
//     gets a hint after kMicPromptHintMs (the shopper may still be reading
//     it: the call stays up); once the host says the mic was allowed
//     ("permitted"), its audio must start within kAudioStartMs, or the call
//     ends with a notice (an audio device that never starts would otherwise
//     leave the shopper at "Allow the microphone…" for ever);
//   * in voice mode Enter sends nothing: it is consumed and logged
//     "Enter ignored in voice mode" (Shift+Enter still types a newline).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "base/effects.hpp"
#include "base/events.hpp"
#include "session/session_frames.hpp"
#include "base/timers.hpp"
#include "voice/call/voice_machine.hpp"

namespace natter {

class Client;

class VoiceCall {
 public:
  explicit VoiceCall(Client& c) : c_(c) {}

  // A call is up (anything but Off).
  bool active() const { return m_.state() != voice::VoiceState::Off; }
  voice::VoiceState state() const { return m_.state(); }

  void on_start(int64_t now);
  void on_end(bool by_host);
  void on_mute(bool muted);
  void on_mic(const std::string& result);
  void on_speech(bool speaking);
  void on_playback_drained();
  // Enter during a call: false when it is a typed turn (text in the
  // composer, not Shift, not the IME's), which the send machine sends as
  // outside a call and the gateway answers aloud; otherwise the call's, and
  // ignored. No key ends or disturbs the call.
  bool on_enter(const EnterPressed& e);
  void on_typed();

  // From the connection machine.
  void on_session_live(uint32_t conn_id);
  void on_session_lost();
  void on_started(const VoiceStarted& f);
  void on_agent(const VoiceAgent& f);
  void on_closed(const VoiceClosed& f);
  void on_refused(const ServerError& f);  // error voice_unavailable for this call
  // A live transcript event, in seq order (session_delivery.cpp): applied
  // whatever the call's state (a late final still belongs in the panel).
  void on_transcript(const std::string& id, const VoiceTranscript& t);
  // TimerName::MicPrompt or AudioStart fired.
  void on_timer(TimerName name);

  static constexpr int64_t kMicPromptHintMs = 15'000;
  static constexpr int64_t kAudioStartMs = 8'000;

 private:
  void feed(const voice::VoiceEvent& e);  // handle + translate every effect
  void translate(const voice::VoiceEffect& e);
  void update_uplink();
  void stop_mic_timers();

  Client& c_;
  voice::VoiceMachine m_;
  std::string call_id_;
  uint32_t conn_id_ = 0;          // the live socket, 0 while down
  uint32_t started_conn_ = 0;     // the socket whose voice.started we got
  bool agent_sent_all_ = false;   // voice.agent end seen for the current utterance
  bool uplink_open_ = false;
  // The cards shown for voice bubbles not yet final (bounded, oldest first).
  static constexpr std::size_t kMaxOpenBubbles = 16;
  std::deque<std::pair<std::string, std::vector<ProductCardShown>>> open_bubbles_;
  uint32_t uplink_conn_ = 0;

  friend struct TransitionProbe;  // tests drive a refused transition
};

}  // namespace natter
