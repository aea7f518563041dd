#include "session/connection_machine.hpp"

#include <algorithm>
#include <type_traits>

#include "base/backoff.hpp"
#include "client.hpp"
#include "base/wire_codes.hpp"
#include "base/call_apart.hpp"
#include "session/connection_bounds.hpp"

namespace natter {

using S = ConnState;
using namespace conn;

bool ConnectionMachine::may_go(ConnState to) { return machine_may_go(state_, to, c_); }

bool ConnectionMachine::go(ConnState to) { return machine_go(state_, to, c_); }

void ConnectionMachine::status(const char* state, const char* code, const std::string& text, int64_t retry_in_ms,
                               bool can_retry_now) {
  c_.out_.emplace_back(StatusChanged{state, text, retry_in_ms, can_retry_now, diagnosis_, code, diagnosis_code_,
                                  diagnosis_status_});
}

void ConnectionMachine::want(int64_t now) {
  wanted_ = true;
  if (state_ == S::Idle || state_ == S::Closed) connect_now(now);
}

void ConnectionMachine::connect_now(int64_t now) {
  const bool have_token = c_.token_.fresh(now);
  const S next = have_token ? S::ExpectOpen : S::ExpectToken;
  if (!may_go(next)) return;
  if (state_ == S::ExpectOpen || state_ == S::ExpectWelcome) abandon_socket(wire::kCloseNormal, "superseded");
  c_.timers_.cancel(TimerName::Reconnect);
  if (state_ == S::ExpectToken) c_.token_.abandon();  // ask afresh: the old fetch may be doomed
  if (!have_token) c_.token_.ready(now);              // emits TokenRequested
  go(next);
  wanted_ = true;
  ++attempts_;
  if (outage_since_ < 0) outage_since_ = now;
  started_offline_ = !online_;
  if (have_token) open_socket(now);
  else c_.timers_.set(TimerName::ConnectTimeout, now + kConnectTimeoutMs);
  if (ever_welcomed_) status("connecting", "reconnecting_now", "Reconnecting…");
  else status("connecting", "connecting", "Connecting…");
}

void ConnectionMachine::open_socket(int64_t now) {
  ++c_.stats_.connect_attempts;
  conn_id_ = c_.ids_.request_id();
  c_.out_.emplace_back(WsConnect{conn_id_, c_.config_.session_url});
  c_.timers_.set(TimerName::ConnectTimeout, now + kConnectTimeoutMs);
}

void ConnectionMachine::on_token(bool ready, int64_t now) {
  if (state_ != S::ExpectToken) return;
  if (ready) {
    if (go(S::ExpectOpen)) open_socket(now);
    return;
  }
  if (wanted_ && !may_go(reconnect_state())) return;
  c_.timers_.cancel(TimerName::ConnectTimeout);
  schedule_reconnect(now);
}

// Forgets the current socket: closes it and makes its id stale.
void ConnectionMachine::abandon_socket(int code, const std::string& reason) {
  if (conn_id_ != 0) c_.out_.emplace_back(WsClose{conn_id_, code, reason});
  conn_id_ = 0;
  stop_live_timers();
  c_.timers_.cancel(TimerName::ConnectTimeout);
}

void ConnectionMachine::stop_live_timers() {
  if (c_.config_.canaries & kCanaryHeartbeatAfterClose) return;
  c_.timers_.cancel(TimerName::Heartbeat);
  c_.timers_.cancel(TimerName::Liveness);
  c_.timers_.cancel(TimerName::StableUptime);
}

bool ConnectionMachine::stale(uint32_t conn_id) const {
  if (c_.config_.canaries & kCanaryAcceptStaleConnIds) return false;
  return conn_id == 0 || conn_id != conn_id_;
}

void ConnectionMachine::on_opened(const WsOpened& e, int64_t now) {
  if (stale(e.conn_id) || state_ != S::ExpectOpen) return;
  if (!go(S::ExpectWelcome)) return;
  opened_at_ = now;
  upgrade_failures_ = 0;
  if (c_.config_.canaries & kCanaryResetBackoffOnOpen) attempts_ = 0;
  c_.timers_.set(TimerName::ConnectTimeout, now + kConnectTimeoutMs);
  Hello h{c_.config_.conversation_id, c_.delivery_.resume_token(), c_.config_.tab_id, c_.config_.build,
          c_.delivery_.last_event_seq(), c_.identity_.json_text(), c_.token_.token(), c_.link_.revoke_pending(),
          c_.config_.rtc};
  h.conversation_key = c_.config_.conversation_key;  // so the session binds it for a later POST
  c_.out_.emplace_back(WsSend{conn_id_, encode_hello(h)});
  c_.identity_.on_hello_sent();
  if (c_.config_.canaries & kCanaryFlushBeforeWelcome) c_.delivery_.flush_outbox();
}

void ConnectionMachine::send(const std::string& frame) {
  if (state_ == S::Live || state_ == S::ExpectWelcome) c_.out_.emplace_back(WsSend{conn_id_, frame});
}

void ConnectionMachine::on_frame(const WsFrame& e, int64_t now) {
  if (stale(e.conn_id)) return;
  if (state_ != S::ExpectWelcome && state_ != S::Live) return;
  if (state_ == S::Live) c_.timers_.set(TimerName::Liveness, now + 2 * heartbeat_ms_ - heartbeat_ms_ / 3);
  ServerFrame frame;
  if (auto err = decode_server_frame_into(e.text, frame)) {
    ++c_.stats_.protocol_errors;
    c_.out_.emplace_back(Log{"warn", "ignored session frame (" + err->code + "): " + err->detail});
    return;
  }
  std::visit(
      [&](const auto& f) {
        using T = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<T, Welcome>) {
          if (state_ == S::ExpectWelcome) on_welcome(f, now);
        } else if constexpr (std::is_same_v<T, Ack>) {
          if (state_ == S::Live) c_.delivery_.on_ack(f);
        } else if constexpr (std::is_same_v<T, ServerEvent>) {
          if (state_ == S::Live) c_.delivery_.on_event(f, now);
        } else if constexpr (std::is_same_v<T, VoiceStarted>) {
          if (state_ == S::Live) c_.voice_.on_started(f);
        } else if constexpr (std::is_same_v<T, VoiceAgent>) {
          if (state_ == S::Live) c_.voice_.on_agent(f);
        } else if constexpr (std::is_same_v<T, StaffTyping>) {
          if (state_ == S::Live) c_.presence_.on_typing(f, now);
        } else if constexpr (std::is_same_v<T, EmailSaved>) {
          if (state_ == S::Live) c_.presence_.on_email_saved(f);
        } else if constexpr (std::is_same_v<T, VoiceClosed>) {
          if (state_ == S::Live) c_.voice_.on_closed(f);
        } else if constexpr (std::is_same_v<T, ContinueOffered>) {
          if (state_ == S::Live) c_.link_.on_offered(f, now);
        } else if constexpr (std::is_same_v<T, RtcConfigFrame>) {
          if (state_ == S::Live) c_.ladder_.on_config(f, now);
        } else if constexpr (std::is_same_v<T, RtcAnswerFrame>) {
          if (state_ == S::Live) c_.ladder_.on_answer(f);
        } else if constexpr (std::is_same_v<T, RtcClosedFrame>) {
          if (state_ == S::Live) c_.ladder_.on_server_closed(f, now);
        } else if constexpr (std::is_same_v<T, ServerError>) {
          c_.out_.emplace_back(Log{"warn", "server error (" + f.code + "): " + f.message});
          c_.link_.on_error(f);
          if (f.code == wire::kErrorVoiceUnavailable && state_ == S::Live) c_.voice_.on_refused(f);
          if (f.code == wire::kErrorUnsupportedVersion && may_go(S::Failed)) {
            abandon_socket(wire::kCloseNormal, "unsupported version");
            c_.session_down();
            refused(now);
          }
        }
      },
      frame);
}

void ConnectionMachine::on_welcome(const Welcome& w, int64_t now) {
  if (!c_.release_.serves_us(w))  // welcomed, but not served: never used (call_apart.hpp: no first chat's)
    return call_apart(+[](ConnectionMachine& m, int64_t now) {
      if (!m.may_go(S::Failed)) return;
      m.abandon_socket(wire::kCloseNormal, "client too old");
      m.c_.session_down();
      m.refused(now);
    }, *this, now);
  if (!go(S::Live)) return;
  c_.timers_.cancel(TimerName::ConnectTimeout);
  heartbeat_ms_ = w.heartbeat_ms;
  c_.timers_.set(TimerName::Heartbeat, now + heartbeat_ms_);
  c_.timers_.set(TimerName::Liveness, now + 2 * heartbeat_ms_ - heartbeat_ms_ / 3);
  c_.timers_.set(TimerName::StableUptime, now + kStableAfterMs);
  ++c_.stats_.sessions_opened;
  c_.session_up(now);
  if (ever_welcomed_) ++c_.stats_.reconnects;
  ever_welcomed_ = true;
  stable_ = false;
  status("connected", "connected", "Connected");
  c_.adopt_session_id(w.session_id);  // before delivery persists the welcome's token
  c_.identity_.on_live();  // before the outbox: a changed visitor applies to what is re-sent
  c_.delivery_.on_live(w);
  c_.voice_.on_session_live(conn_id_);
  c_.control_.on_live();
  c_.link_.on_welcome(w);
  c_.presence_.on_live();
  c_.release_.on_welcome();
}

void ConnectionMachine::schedule_reconnect(int64_t now, int64_t retry_after_ms) {
  if (!wanted_) return;
  if (!go(reconnect_state())) return;
  if (outage_since_ < 0) outage_since_ = now;
  if (!online_) {
    c_.timers_.set(TimerName::Reconnect, now + kOfflineSafetyNetMs);
    status("offline", "offline", "You're offline — messages will send when you're back.");
    return;
  }
  const double r = (c_.config_.canaries & kCanaryNoJitter) ? 0.5 : c_.ids_.random().next_unit();
  const int64_t delay = reconnect_delay_ms(attempts_, now - outage_since_, r, retry_after_ms);
  c_.timers_.set(TimerName::Reconnect, now + delay);
  status("reconnecting", "reconnecting", "Reconnecting in " + seconds_text(delay) + "…", delay, true);
}


void ConnectionMachine::on_network(bool online, int64_t now) {
  online_ = online;
  if (!online) {
    if (state_ == S::Backoff) schedule_reconnect(now);  // -> Offline, safety net kept
    // A live socket may have died with the network: a ping must be answered
    // within kVerifyAfterWakeMs, or the socket is dropped then rather than
    // at the liveness deadline (up to ~25 s later). A false alarm costs a ping.
    if (state_ == S::Live) verify_live(now);
    return;
  }
  // A socket (or token fetch) started while the network was down is doomed: start afresh.
  if (state_ == S::Offline || state_ == S::Backoff ||
      ((state_ == S::ExpectOpen || state_ == S::ExpectToken) && started_offline_))
    return connect_now(now);
  if (state_ == S::Live) verify_live(now);  // the old socket may be dead after a network change
}

// Pings now and wants the answer within kVerifyAfterWakeMs; never postpones
// a sooner liveness deadline (an `online` must not let a dead socket live longer).
void ConnectionMachine::verify_live(int64_t now) {
  send(encode_ping(now));
  const int64_t deadline = now + kVerifyAfterWakeMs;
  if (deadline < c_.timers_.deadline(TimerName::Liveness).value_or(INT64_MAX))
    c_.timers_.set(TimerName::Liveness, deadline);
}

void ConnectionMachine::on_visibility(bool visible, int64_t now) {
  visible_ = visible;
  if (!visible) return;
  if (state_ == S::Backoff || state_ == S::Offline) return connect_now(now);
  if (state_ == S::Live) verify_live(now);
}

void ConnectionMachine::retry_now(int64_t now) {
  if (state_ == S::Live || state_ == S::Idle) return;
  if (state_ == S::Failed || state_ == S::Closed) auth_retry_used_ = false;
  connect_now(now);
}

void ConnectionMachine::close_by_host() {
  if (state_ == S::Closed || !may_go(S::Closed)) return;
  if (state_ == S::ExpectToken) c_.token_.abandon();
  abandon_socket(wire::kCloseNormal, "closed by host");
  c_.timers_.cancel(TimerName::Reconnect);
  if (state_ == S::ExpectWelcome || state_ == S::Live) c_.session_down();
  wanted_ = false;
  go(S::Closed);
  status("closed", "closed", "Chat closed.");
}

void ConnectionMachine::on_timer(TimerName name, int64_t now) {
  switch (name) {
    case TimerName::Reconnect:
      if (state_ == S::Backoff || state_ == S::Offline) connect_now(now);
      break;
    case TimerName::ConnectTimeout:
      if (state_ == S::ExpectToken) {
        if (wanted_ && !may_go(reconnect_state())) break;
        c_.token_.abandon();
        c_.out_.emplace_back(Log{"warn", "token endpoint " + c_.config_.token_url + " did not answer: retrying with back-off"});
        schedule_reconnect(now);
        break;
      }
      if (state_ != S::ExpectOpen && state_ != S::ExpectWelcome) break;
      if (wanted_ && !may_go(reconnect_state())) break;
      abandon_socket(wire::kCloseHelloTimeout, "connect timeout");
      c_.session_down();
      schedule_reconnect(now);
      break;
    case TimerName::Heartbeat:
      if (state_ != S::Live && !(c_.config_.canaries & kCanaryHeartbeatAfterClose)) break;
      c_.out_.emplace_back(WsSend{conn_id_, encode_ping(now)});
      c_.timers_.set(TimerName::Heartbeat, now + heartbeat_ms_);
      break;
    case TimerName::Liveness:
      if (state_ != S::Live || (wanted_ && !may_go(reconnect_state()))) break;
      c_.out_.emplace_back(Log{"info", "no sign of life from the server: reconnecting"});
      abandon_socket(wire::kCloseHeartbeatTimeout, "heartbeat timeout");
      c_.session_down();
      schedule_reconnect(now);
      break;
    case TimerName::GapResync:
      if (state_ != S::Live || !c_.delivery_.has_gap() || !may_go(S::Backoff)) break;
      c_.out_.emplace_back(Log{"info", "server events missing after a gap: resuming to fetch them"});
      abandon_socket(wire::kCloseResync, "resync");
      c_.session_down();
      if (go(S::Backoff)) connect_now(now);  // through Backoff, so the transition table holds
      break;
    case TimerName::StableUptime:
      if (state_ != S::Live) break;
      stable_ = true;
      attempts_ = 0;
      outage_since_ = -1;
      quick_drops_ = 0;
      auth_retry_used_ = false;
      if (!diagnosis_.empty()) {
        diagnosis_.clear();
        diagnosis_code_.clear();
        diagnosis_status_ = 0;
        status("connected", "connected", "Connected");
      }
      break;
    default:
      break;
  }
}

}  // namespace natter
