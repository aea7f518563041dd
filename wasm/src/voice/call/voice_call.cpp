#include "voice/call/voice_call.hpp"
#include "boundary/json_limits.hpp"
#include "base/text_limits.hpp"

#include <algorithm>
#include <iterator>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "client.hpp"

namespace natter {

namespace v = natter::voice;

void VoiceCall::feed(const v::VoiceEvent& e) {
  m_.handle(e);
  while (auto effect = m_.poll()) translate(*effect);
  update_uplink();
  if (!active() || m_.state() == v::VoiceState::Ending) c_.ladder_.on_call_down();
}

void VoiceCall::on_start(int64_t now) {
  if (c_.config_.session_url.empty()) {
    c_.out_.emplace_back(NoticeShown{"voice_unavailable", "Voice is not available on this site. You can keep chatting by text."});
    return;
  }
  if (!c_.config_.voice_missing.empty()) {  // the browser cannot do it: say so, keep text going
    c_.out_.emplace_back(Log{"info", "voice calls need what this browser lacks: " + c_.config_.voice_missing});
    c_.out_.emplace_back(NoticeShown{"voice_unsupported", "Voice calls do not work in this browser. You can keep chatting by text."});
    return;
  }
  const bool new_call = m_.state() == v::VoiceState::Off || m_.state() == v::VoiceState::Ending;
  if (new_call) {
    call_id_ = "call-" + c_.ids_.uuid();
    started_conn_ = 0;
    agent_sent_all_ = false;
    ++c_.stats_.voice_calls;
  }
  feed(v::StartPressed{});
  c_.conn_.want(now);  // voice rides on the live session
}

void VoiceCall::on_end(bool by_host) {
  if (by_host) feed(v::HostEnd{});
  else feed(v::EndPressed{});
}

void VoiceCall::on_mute(bool muted) {
  if (muted) feed(v::MutePressed{});
  else feed(v::UnmutePressed{});
}

void VoiceCall::on_mic(const std::string& result) {
  if (result == "permitted") {  // progress, not an answer: now the audio must start
    if (!c_.timers_.armed(TimerName::MicPrompt)) return;  // no prompt of ours is open
    c_.timers_.cancel(TimerName::MicPrompt);
    c_.timers_.set(TimerName::AudioStart, c_.last_now_ + kAudioStartMs);
    return;
  }
  stop_mic_timers();
  if (result == "granted") feed(v::MicGranted{});
  else if (result == "denied") feed(v::MicDenied{});
  else if (result == "missing") feed(v::MicMissing{});
  else if (result == "blocked") feed(v::MicBlocked{});
  else if (result == "lost") feed(v::MicRevoked{});
  else c_.out_.emplace_back(Log{"warn", "ignored microphone answer '" + result + "'"});
}

void VoiceCall::on_speech(bool speaking) {
  if (speaking) feed(v::SpeechStarted{});
  else feed(v::SpeechEnded{});
}

void VoiceCall::on_playback_drained() {
  if (!agent_sent_all_) return;  // a gap in the stream, not its end
  agent_sent_all_ = false;
  feed(v::AgentAudioEnded{});
}

bool VoiceCall::on_enter(const EnterPressed& e) {
  if (e.shift || e.composing) return true;  // a newline, or the IME's own Enter
  if (!trim(e.text).empty()) return false;  // a typed turn
  c_.out_.emplace_back(ConsumeKey{});
  if (!e.repeat) feed(v::EnterPressed{});
  return true;
}

void VoiceCall::on_typed() { feed(v::TextTyped{}); }

void VoiceCall::on_session_live(uint32_t conn_id) {
  conn_id_ = conn_id;
  started_conn_ = 0;
  // Between calls the machine only notes it: no effect, the uplink stays
  // closed, the ladder off. So feed() stays off a first chat's path, and
  // the core's split leaves it in the rest.
  if (!active()) return m_.handle(v::SessionLive{});
  feed(v::SessionLive{});
}

void VoiceCall::on_session_lost() {
  c_.ladder_.on_call_down();
  conn_id_ = 0;
  started_conn_ = 0;
  agent_sent_all_ = false;
  feed(v::SessionLost{});
}

void VoiceCall::on_started(const VoiceStarted& f) {
  if (f.call_id != call_id_ || !active()) return;
  started_conn_ = conn_id_;
  update_uplink();
  c_.ladder_.on_call_live(call_id_, conn_id_, f.rtc && c_.config_.rtc, c_.last_now_);
}

void VoiceCall::on_agent(const VoiceAgent& f) {
  if (f.call_id != call_id_) return;
  if (f.start) {
    agent_sent_all_ = false;
    feed(v::AgentAudioStarted{});
  } else if (f.reason == "done") {
    agent_sent_all_ = true;  // ends when the host has played it all
  } else {
    feed(v::AgentAudioEnded{});  // cut short (barge-in, call closed)
  }
}

void VoiceCall::on_closed(const VoiceClosed& f) {
  if (f.call_id != call_id_) return;
  started_conn_ = 0;
  c_.ladder_.on_call_down();
  feed(v::VoiceClosed{});
}

void VoiceCall::on_refused(const ServerError& f) {
  if (f.call_id.empty() || f.call_id != call_id_) return;
  started_conn_ = 0;
  c_.ladder_.on_call_down();
  feed(v::CallRefused{});
}

void VoiceCall::on_transcript(const std::string& id, const VoiceTranscript& t) {
  auto open = std::find_if(open_bubbles_.begin(), open_bubbles_.end(), [&](const auto& b) { return b.first == id; });
  if (open == open_bubbles_.end()) {
    open_bubbles_.emplace_back(id, std::vector<ProductCardShown>{});
    if (open_bubbles_.size() > kMaxOpenBubbles) open_bubbles_.pop_front();
    open = std::prev(open_bubbles_.end());
  }
  const std::string role = t.agent ? "agent" : "shopper";
  c_.out_.emplace_back(VoiceTranscriptShown{id, role, t.text, t.final, t.agent && t.cut});
  auto& cards = open->second;
  for (const auto& p : t.products) {
    if (!t.agent) break;  // only the agent's answer has cards
    if (std::any_of(cards.begin(), cards.end(), [&](const auto& c) { return c.product_id == p.product_id; })) continue;
    cards.push_back(ProductCardShown{id, p.product_id, p.name, p.price, p.currency, p.url, p.image_url});
    c_.out_.emplace_back(cards.back());
  }
  if (!t.final) return;
  std::vector<ProductCardShown> kept = std::move(cards);
  open_bubbles_.erase(open);
  nlohmann::json message = t.agent ? json_object({{"role", "agent"}, {"reply_to", id}, {"text", t.text}, {"cut", t.cut}})
                                   : json_object({{"role", "user"}, {"message_id", id}, {"text", t.text}});
  message["voice"] = true;
  message["call_id"] = t.call_id;
  c_.delivery_.record_voice(id, !t.agent, t.text, t.agent && t.cut, std::move(kept));
  c_.out_.emplace_back(HostEvent{"message", message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
}

void VoiceCall::stop_mic_timers() {
  c_.timers_.cancel(TimerName::MicPrompt);
  c_.timers_.cancel(TimerName::AudioStart);
}

void VoiceCall::on_timer(TimerName name) {
  if (!active()) return;  // both are cancelled with the request; this is a guard
  if (name == TimerName::MicPrompt) {
    c_.out_.emplace_back(Log{"info", "the microphone prompt is still unanswered"});
    c_.out_.emplace_back(NoticeShown{"voice_mic_waiting", ""});  // by code only: a call's notice
  } else if (name == TimerName::AudioStart) {
    c_.out_.emplace_back(Log{"warn", "the microphone was allowed but the browser's audio did not start"});
    feed(v::AudioStalled{});
  }
}

void VoiceCall::update_uplink() {
  const v::VoiceState s = m_.state();
  const bool hearing = s == v::VoiceState::Listening || s == v::VoiceState::UserSpeaking ||
                       s == v::VoiceState::AgentSpeaking;
  const bool open = hearing && !m_.muted() && started_conn_ != 0 && started_conn_ == conn_id_;
  const uint32_t conn = open ? conn_id_ : 0;
  if (open == uplink_open_ && conn == uplink_conn_) return;
  uplink_open_ = open;
  uplink_conn_ = conn;
  c_.out_.emplace_back(VoiceUplink{conn, open});
}

void VoiceCall::translate(const v::VoiceEffect& effect) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, v::RequestMicrophone>) {
          c_.timers_.cancel(TimerName::AudioStart);
          c_.timers_.set(TimerName::MicPrompt, c_.last_now_ + kMicPromptHintMs);
          c_.runtime_.want_mic(true);
        }
        else if constexpr (std::is_same_v<T, v::ReleaseMicrophone>) {
          stop_mic_timers();
          c_.runtime_.want_mic(false);
        }
        else if constexpr (std::is_same_v<T, v::SendVoiceStart>) c_.conn_.send(encode_voice_start(call_id_, e.greeting));
        else if constexpr (std::is_same_v<T, v::SendVoiceEnd>) c_.conn_.send(encode_voice_end(call_id_));
        else if constexpr (std::is_same_v<T, v::SendBargeIn>) {
          ++c_.stats_.barge_ins;
          c_.conn_.send(encode_voice_barge_in(call_id_));
        }
        else if constexpr (std::is_same_v<T, v::StartPlayback>) c_.runtime_.want_playback(true, conn_id_);
        else if constexpr (std::is_same_v<T, v::StopPlayback>) c_.runtime_.want_playback(false, 0);
        else if constexpr (std::is_same_v<T, v::SetMuted>) {
          c_.out_.emplace_back(VoiceStateChanged{v::voice_state_name(m_.state()), e.muted});
        }
        else if constexpr (std::is_same_v<T, v::SetEchoGuard>) c_.runtime_.want_echo_guard(e.on);
        else if constexpr (std::is_same_v<T, v::StateChanged>) {
          const char* name = v::voice_state_name(e.state);
          c_.out_.emplace_back(VoiceStateChanged{name, m_.muted()});
          c_.out_.emplace_back(HostEvent{"voice", json_object({{"state", name}, {"muted", m_.muted()}}).dump()});
        }
        else if constexpr (std::is_same_v<T, v::ShowError>) {
          // By code only: the session UI chunk shows its English and raises
          // the host's error event (shim/session-ui/call-notices.js).
          if (e.text.empty()) {
            c_.out_.emplace_back(NoticeShown{e.code, "", "", true});
            return;
          }
          c_.out_.emplace_back(NoticeShown{e.code, e.text});
          c_.out_.emplace_back(HostEvent{"error", json_object({{"code", e.code}, {"message", e.text}}).dump()});
        }
        else if constexpr (std::is_same_v<T, v::Log>) c_.out_.emplace_back(Log{"info", e.text});
        else if constexpr (std::is_same_v<T, v::Refused>) {
          c_.refuse_transition("voice call", v::state_name(e.from), v::state_name(e.to));
        }
        else static_assert(sizeof(T) == 0, "every voice effect is translated");
      },
      effect);
}

}  // namespace natter
